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
      // A cloud that stays away is said once (and again only if the reason changes), not at every quiet retry.
      let away: string | undefined;
      let warnedOverdue = false;
      try {
        await engine.watch(stop.signal, {
          onPass: (r) => {
            if (away !== undefined) ctx.out(`${when(ctx, new Date())} the cloud copy can be reached again.`);
            away = undefined;
            if (r.uploaded + r.deleted + r.failed.length === 0) return;
            ctx.out(
              `${when(ctx, new Date())} synced: ${r.uploaded} uploaded (${mib(r.bytesUploaded)}), ${r.deleted} moved to the cloud trash, ${r.failed.length} failed.`,
            );
            for (const f of r.failed) ctx.out(`Not synced yet: ${f.path}: ${f.reason}`);
          },
          onBackup: (r) => {
            warnedOverdue = false;
            ctx.out(`${when(ctx, new Date())} backup taken: snapshot ${r.snapshot}.`);
          },
          onBackupFailed: (e) => ctx.out(`${when(ctx, new Date())} the scheduled backup did not run (${describeError(e).message}); it will be tried again.`),
          onBackupOverdue: (st) => {
            if (warnedOverdue) return;
            warnedOverdue = true;
            ctx.out(
              `${when(ctx, new Date())} warning: backups are overdue (the last one that worked: ${st.lastBackup ? when(ctx, st.lastBackup.at) : 'none yet'}); plug in the backup drive.`,
            );
          },
          onOffline: (e) => {
            const { message } = describeError(e);
            if (message === away) return;
            away = message;
            ctx.out(`${when(ctx, new Date())} nothing can be sent to the cloud copy now (${message}); Casevault keeps trying quietly.`);
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
