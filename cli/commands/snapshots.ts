// `casevault snapshots`: the backup folder's snapshots, oldest first. One
// that cannot be read (damaged or tampered with) is never hidden: the
// readable ones are still listed (--json keeps its array of them) and the
// command fails with exit 3 saying how many cannot be read; so does one
// this computer took that is gone from the folder, and one it forgot that
// is back (put back by someone who kept a copy: never listed).
import type { Command } from 'commander';
import { mib, when, type Ctx } from '../context.js';
import { Failure } from '../../contract/index.js';

export function snapshotsCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('snapshots')
    .description('list the backup snapshots, oldest first')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const { snapshots: list, unreadable, missing, replayed = [] } = await ctx.engine().snapshotList();
      if (o.json) ctx.out(JSON.stringify(list, null, 2));
      else {
        if (list.length === 0 && unreadable.length === 0) ctx.out('No snapshots yet: take one with `casevault backup`.');
        for (const s of list)
          ctx.out(
            `${s.id}  ${when(ctx, s.time)}  ${String(s.files).padStart(7)} ${(s.files === 1 ? 'file' : 'files').padEnd(5)}  ${mib(s.bytes).padStart(12)}${s.archive ? '  archive' : ''}`,
          );
      }
      const rest = list.length > 0 ? '; the others are listed' : '';
      if (!o.json) for (const id of replayed) ctx.out(`Not listed: ${id}: forgotten here before and put back into the backup folder.`);
      if (replayed.length > 0) {
        const n = replayed.length === 1 ? '1 snapshot' : `${replayed.length} snapshots`;
        throw new Failure(
          'damaged',
          `${n} this computer forgot ${replayed.length === 1 ? 'was' : 'were'} put back into the backup folder by someone who kept a copy, so ${replayed.length === 1 ? 'it is' : 'they are'} not listed${rest}; run \`casevault forget --prune\` to remove ${replayed.length === 1 ? 'it' : 'them'} again`,
        );
      }
      if (unreadable.length > 0) {
        const n = unreadable.length === 1 ? '1 snapshot' : `${unreadable.length} snapshots`;
        throw new Failure('damaged', `${n} in the backup folder cannot be read (damaged or tampered with)${rest}`, 'verify-backup');
      }
      if (missing.length > 0) {
        const n = missing.length === 1 ? '1 snapshot this computer took is' : `${missing.length} snapshots this computer took are`;
        throw new Failure('damaged', `${n} missing from the backup folder (deleted, or the folder put back to an earlier state)${rest}`, 'verify-backup');
      }
      done(0);
    });
}
