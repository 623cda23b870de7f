import type { Command } from 'commander';
import { day, type Ctx } from '../context.js';
import { type CopyFate, type DeletionOutcome, Failure, fileCount } from '../../contract/index.js';
import { canUnlock } from '../prompt.js';

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

/** What other computers of the vault still hold: their next sync uploads the case to the cloud again. */
function elsewhere(c: DeletionOutcome): string[] {
  const out = c.heldElsewhere.map(
    (name) => `  ${name} still holds ${c.case} (as of its last sync): delete it there too, or its next sync uploads it to the cloud again.`,
  );
  if (c.othersUnknown > 0)
    out.push(
      `  ${c.othersUnknown === 1 ? 'Another computer' : `${c.othersUnknown} other computers`} of this vault may still hold ${c.case} (the vault was locked, so their records could not be read): check there, or its next sync uploads it to the cloud again.`,
    );
  return out;
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
      // Unlocked when a passphrase can be had: the other computers' records, which name those still holding the case, are sealed.
      const request = { cases, confirm: true, force: !!o.force };
      const r = canUnlock(ctx.io) ? await ctx.unlocked((engine) => engine.deleteCases(request)) : await ctx.engine().deleteCases(request);
      if (o.json) {
        ctx.out(JSON.stringify(r, null, 2));
        return done(0);
      }
      for (const c of r.cases) {
        ctx.out(`Deleted ${c.case}: ${fileCount(c.removed)} removed from this computer${c.forced ? ' (before its retention date)' : ''}.`);
        for (const f of c.copies) ctx.out(fate(ctx, f));
        for (const line of elsewhere(c)) ctx.out(line);
      }
      done(0);
    });
}
