import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { mib, when, type Ctx } from '../context.js';
import { showProgress } from '../progress-line.js';
import { Failure, type RetentionPolicy } from '../../contract/index.js';
import { DEFAULT_RETENTION } from '../../engine/index.js';

function count(v: string): number {
  if (!/^\d{1,6}$/.test(v)) throw new InvalidArgumentError('a whole number is needed');
  return Number(v);
}

interface Options {
  prune?: boolean;
  dryRun?: boolean;
  keepLast?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  keepYearly?: number;
}

export function forgetCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  const d = DEFAULT_RETENTION;
  program
    .command('forget')
    .description(
      "apply the retention policy to the backup snapshots: to this computer's, and on their own to the others in the folder (another computer's), so another computer's newest are kept as this one's are; --prune also frees the space they used",
    )
    .option('--prune', 'remove the data no remaining snapshot needs')
    .option('--dry-run', 'only list what would be forgotten')
    .option('--keep-last <n>', `keep the n newest snapshots (default ${d.last})`, count)
    .option('--keep-daily <n>', `keep the last snapshot of each of the last n days (default ${d.daily})`, count)
    .option('--keep-weekly <n>', `... of the last n weeks (default ${d.weekly})`, count)
    .option('--keep-monthly <n>', `... of the last n months (default ${d.monthly})`, count)
    .option('--keep-yearly <n>', `... of the last n years (default ${d.yearly})`, count)
    .action(async (o: Options) => {
      const policy: Partial<RetentionPolicy> = {
        ...(o.keepLast !== undefined ? { last: o.keepLast } : {}),
        ...(o.keepDaily !== undefined ? { daily: o.keepDaily } : {}),
        ...(o.keepWeekly !== undefined ? { weekly: o.keepWeekly } : {}),
        ...(o.keepMonthly !== undefined ? { monthly: o.keepMonthly } : {}),
        ...(o.keepYearly !== undefined ? { yearly: o.keepYearly } : {}),
      };
      const engine = ctx.engine();
      const stop = showProgress(engine, ctx.io, 'Pruning');
      const r = await engine.forget({ prune: !!o.prune, dryRun: !!o.dryRun, policy }).finally(stop);
      ctx.out(
        `${o.dryRun ? 'Would keep' : 'Kept'} ${r.kept.length} ${r.kept.length === 1 ? 'snapshot' : 'snapshots'}; ${o.dryRun ? 'would forget' : 'forgot'} ${r.removed.length}.`,
      );
      for (const s of r.removed) ctx.out(`${o.dryRun ? 'Would forget' : 'Forgot'}: ${s.id}  ${when(ctx, s.time)}`);
      for (const s of r.locked ?? [])
        ctx.out(`Kept for now by the storage's Object Lock: ${s.id}  ${when(ctx, s.time)} (it can be forgotten from ${when(ctx, s.until)})`);
      for (const id of r.replayed ?? []) ctx.out(`Removed again: ${id} (forgotten here before and put back into the backup folder)`);
      if (r.unreadable.length > 0) ctx.out(`${r.unreadable.length} snapshots could not be read and were left alone (see \`casevault verify --backup\`).`);
      if (r.prune)
        ctx.out(
          `Pruned: ${r.prune.packsDeleted} packs removed, ${r.prune.packsWritten} written; the backup went from ${mib(r.prune.bytesBefore)} to ${mib(r.prune.bytesAfter)}.`,
        );
      if (r.prune?.locked)
        ctx.out(
          `Not removed yet: ${r.prune.locked.packs} packs (${mib(r.prune.locked.bytes)}) that the storage's Object Lock keeps until ${when(ctx, r.prune.locked.until)}; a prune from then on removes them.`,
        );
      const strangers = r.prune?.notSnapshots ?? [];
      for (const id of strangers) ctx.out(`Left alone: snapshots/${id}: not a snapshot of this backup (junk, or another vault's).`);
      if (strangers.length > 0)
        throw new Failure(
          'damaged',
          `prune finished, but the backup folder holds ${strangers.length === 1 ? 'a file that is' : `${strangers.length} files that are`} not a snapshot of this backup (listed above), left alone; move ${strangers.length === 1 ? 'it' : 'them'} out of the backup folder`,
        );
      done(0);
    });
}
