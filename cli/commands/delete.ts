import type { Command } from 'commander';
import { day, type Ctx } from '../context.js';
import { type CopyFate, Failure, fileCount } from '../../contract/index.js';

interface Options {
  yes?: boolean;
  force?: boolean;
  json?: boolean;
}

function fate(ctx: Ctx, f: CopyFate): string {
  const when =
    f.gone === 'now'
      ? 'gone now'
      : f.gone === 'never'
        ? 'kept (never removed)'
        : f.gone === 'unknown'
          ? 'not known yet'
          : `${f.estimate ? 'gone by about' : 'gone from'} ${day(ctx, f.gone)}`;
  return `  ${f.copy}: ${when} (${f.note})`;
}

export function deleteCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('delete')
    .description("delete cases past retention: their files now, the cloud copy via the cloud trash, the backups' copies as snapshots expire")
    .argument('<case...>', 'the cases, as `casevault retention` lists them')
    .option('--yes', "confirm: the cases' files are deleted from this computer")
    .option('--force', 'delete a case that is not past retention yet (recorded in the audit trail)')
    .option('--json', 'machine-readable output')
    .action(async (cases: string[], o: Options) => {
      if (!o.yes) throw new Failure('usage', "nothing was deleted: confirm with --yes (the cases' files are deleted from this computer)");
      const r = await ctx.engine().deleteCases({ cases, confirm: true, force: !!o.force });
      if (o.json) {
        ctx.out(JSON.stringify(r, null, 2));
        return done(0);
      }
      for (const c of r.cases) {
        ctx.out(`Deleted ${c.case}: ${fileCount(c.removed)} removed from this computer${c.forced ? ' (before its retention date)' : ''}.`);
        for (const f of c.copies) ctx.out(fate(ctx, f));
      }
      done(0);
    });
}
