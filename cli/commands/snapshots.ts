import type { Command } from 'commander';
import { mib, when, type Ctx } from '../context.js';

export function snapshotsCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('snapshots')
    .description('list the backup snapshots, oldest first')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const list = await ctx.engine().snapshots();
      if (o.json) {
        ctx.out(JSON.stringify(list, null, 2));
        return done(0);
      }
      if (list.length === 0) ctx.out('No snapshots yet: take one with `casevault backup`.');
      for (const s of list)
        ctx.out(`${s.id}  ${when(ctx, s.time)}  ${String(s.files).padStart(7)} files  ${mib(s.bytes).padStart(12)}${s.archive ? '  archive' : ''}`);
      done(0);
    });
}
