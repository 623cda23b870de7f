import type { Command } from 'commander';
import { mib, type Ctx } from '../context.js';
import { showProgress } from '../progress-line.js';
import { unlockSecret } from '../prompt.js';
import { type CaseRequest, Failure, fileCount } from '../../contract/index.js';

interface Options {
  yes?: boolean;
  force?: boolean;
  json?: boolean;
}

export function archiveCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('archive')
    .description('move cases past retention into an encrypted archive in the backup folder: written, read back and checked, then removed from the vault')
    .argument('<case...>', 'the cases, as `casevault retention` lists them')
    .option('--yes', "confirm: the cases' files are removed from this computer once the archive has been checked")
    .option('--force', 'archive a case that is not past retention yet (recorded in the audit trail)')
    .option('--json', 'machine-readable output')
    .action(async (cases: string[], o: Options) => {
      if (!o.yes) throw new Failure('usage', "nothing was archived: confirm with --yes (the cases' files leave this computer once the archive is checked)");
      const engine = ctx.engine();
      const request: CaseRequest = { cases, confirm: true, force: !!o.force };
      const stop = showProgress(engine, ctx.io, 'Archiving');
      try {
        // Checked first (names, due dates) so a mistake costs no passphrase; reading the archive back needs the unlocked vault.
        const r = await engine.archiveCases(request).catch(async (e: unknown) => {
          if (!(e instanceof Failure && e.kind === 'locked')) throw e;
          await engine.unlock(await unlockSecret(ctx.io));
          return engine.archiveCases(request);
        });
        if (o.json) ctx.out(JSON.stringify(r, null, 2));
        else {
          for (const a of r) {
            ctx.out(
              `Archived ${a.case}: ${fileCount(a.files)} (${mib(a.bytes)}) into archive ${a.archive}; read back and checked, then ${fileCount(a.removed)} removed from the vault${a.forced ? ' (before its retention date)' : ''}.`,
            );
            if (a.changed.length > 0) ctx.out(`  ${fileCount(a.changed.length)} changed after being archived and stayed in the vault.`);
            else if (a.leftovers) ctx.out('  Some items Casevault does not archive (links, unreadable names) are still in its folder.');
            ctx.out(`  Bring it back with: casevault restore --snapshot ${a.archive} --path ${JSON.stringify(a.case)} --to DIR`);
          }
        }
        done(0);
      } finally {
        stop();
        await engine.lock();
      }
    });
}
