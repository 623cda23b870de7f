import type { Command } from 'commander';
import { mib, when, type Ctx } from '../context.js';
import { showProgress } from '../progress-line.js';
import { type ArchiveEntry, Failure, fileCount } from '../../contract/index.js';

const STATE: Record<ArchiveEntry['state'], string> = {
  snapshot: '',
  'marker only': 'incomplete: only its marker is in the backup folder (nothing to restore); delete it to tidy up',
  unreadable: 'its snapshot in the backup folder cannot be read (see `casevault verify --backup`)',
  missing: 'recorded on this computer, but not in the backup folder',
};

function line(ctx: Ctx, a: ArchiveEntry): string {
  const at = a.time ? when(ctx, a.time) : 'time unknown';
  const what = a.recorded
    ? a.cases.map((c) => `${c.case} (${fileCount(c.files)})`).join(', ')
    : 'not recorded on this computer (made on another computer, or its record was lost)';
  const size = a.files !== null && a.bytes !== null ? `  ${fileCount(a.files)}, ${mib(a.bytes)}` : '';
  return `${a.id}  ${at}${size}  ${what}${STATE[a.state] ? `  [${STATE[a.state]}]` : ''}`;
}

export function archivesCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  const archives = program
    .command('archives')
    .description('list the archives of closed cases in the backup folder (`archives delete ID... --yes` deletes them)')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const list = await ctx.unlockedIfNeeded((e) => e.archives());
      if (o.json) ctx.out(JSON.stringify(list, null, 2));
      else if (list.length === 0) ctx.out('No archives: cases are archived with `casevault archive CASE --yes`.');
      else for (const a of list) ctx.out(line(ctx, a));
      done(0);
    });

  archives
    .command('delete')
    .description("delete archives for good (when even the archive's own period is over): removed from the backup folder, the space pruned")
    .argument('<id...>', 'archive IDs (or their first 4 or more characters), as `casevault archives` lists them')
    .option('--yes', "confirm: the archived cases' files are deleted from the backup folder and cannot be brought back")
    .option('--json', 'machine-readable output')
    .action(async (ids: string[], o: { yes?: boolean; json?: boolean }) => {
      if (!o.yes) throw new Failure('usage', 'nothing was deleted: confirm with --yes (an archive deleted cannot be brought back)');
      const engine = ctx.engine();
      const stop = showProgress(engine, ctx.io, 'Pruning');
      const r = await ctx.unlockedIfNeeded((e) => e.deleteArchives({ ids, confirm: true })).finally(stop);
      if (o.json) ctx.out(JSON.stringify(r, null, 2));
      else {
        for (const d of r) {
          const what = d.recorded ? d.cases.join(', ') : 'cases not recorded on this computer';
          const removed =
            d.removed === 'nothing'
              ? 'already gone from the backup folder'
              : `its ${d.removed} removed from the backup folder${d.files !== null ? ` (${fileCount(d.files)})` : ''}`;
          ctx.out(`Deleted archive ${d.id} (${what}): ${removed}; ${mib(d.bytesFreed)} freed.`);
        }
      }
      done(0);
    });
}
