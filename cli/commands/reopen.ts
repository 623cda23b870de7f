import type { Command } from 'commander';
import type { Ctx } from '../context.js';

export function reopenCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('reopen')
    .description("remove a case's closed mark: its retention counts from its newest file again")
    .argument('<case>', 'the case, as `casevault retention` lists it')
    .option('--json', 'machine-readable output')
    .action(async (name: string, o: { json?: boolean }) => {
      const c = await ctx.unlockedIfNeeded((engine) => engine.reopenCase(name));
      if (o.json) ctx.out(JSON.stringify(c, null, 2));
      else ctx.out(`Reopened: due on ${c.due}, counted from its newest file (${c.newestFile}).`);
      done(0);
    });
}
