import type { Command } from 'commander';
import type { Ctx } from '../context.js';

export function closeCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('close')
    .description('mark a case (a top-level folder or file of the vault) closed: its retention period counts from that day')
    .argument('<case>', 'the case, as `casevault retention` lists it')
    .option('--date <YYYY-MM-DD>', 'the day it closed (default: today, UTC)')
    .option('--json', 'machine-readable output')
    .action(async (name: string, o: { date?: string; json?: boolean }) => {
      const c = await ctx.unlockedIfNeeded((engine) => engine.closeCase(name, o.date));
      if (o.json) ctx.out(JSON.stringify(c, null, 2));
      else if (c.changedSinceClosed)
        ctx.out(
          `Marked closed on ${c.closed}, but a file in the case changed after that day, so the mark does not count: due on ${c.due}, counted from its newest file (${c.newestFile}); close it on a later day to count from that.`,
        );
      else ctx.out(`Marked closed on ${c.closed}: due for archiving or deletion on ${c.due}${c.past ? ' (already past)' : ''}.`);
      done(0);
    });
}
