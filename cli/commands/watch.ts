import type { Command } from 'commander';
import { connectCloud } from '../connect.js';
import { describeError } from '../exit-codes.js';
import { mib, when, type Ctx } from '../context.js';

export function watchCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('watch')
    .description('keep syncing until stopped (Ctrl+C, SIGTERM)')
    .action(async () => {
      const engine = ctx.engine();
      await connectCloud(ctx, engine);
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      ctx.out('Watching the vault folder; press Ctrl+C to stop.');
      try {
        await engine.watch(stop.signal, {
          onPass: (r) => {
            if (r.uploaded + r.deleted + r.failed.length === 0) return;
            ctx.out(
              `${when(ctx, new Date())} synced: ${r.uploaded} uploaded (${mib(r.bytesUploaded)}), ${r.deleted} moved to the cloud trash, ${r.failed.length} failed.`,
            );
            for (const f of r.failed) ctx.out(`Not synced yet: ${f.path}: ${f.reason}`);
          },
          onBackup: (r) => ctx.out(`${when(ctx, new Date())} backup taken: snapshot ${r.snapshot}.`),
          onBackupFailed: (e) => ctx.out(`${when(ctx, new Date())} the scheduled backup did not run (${describeError(e).message}); it will be tried again.`),
          onBackupOverdue: () => ctx.out(`${when(ctx, new Date())} warning: no backup has succeeded for over a week; plug in the backup drive.`),
          onOffline: (e, retryInMs) => {
            ctx.out(
              `${when(ctx, new Date())} the cloud copy cannot be reached (${describeError(e).message}); trying again in ${Math.ceil(retryInMs / 1000)} s.`,
            );
          },
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      ctx.out('Stopped.');
      done(0);
    });
}
