import type { Command } from 'commander';
import { when, type Ctx } from '../context.js';

export function statusCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('status')
    .description('what is synced, pending and failed; the last sync and backup')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const s = await ctx.engine().status();
      if (o.json) {
        ctx.out(JSON.stringify(s, null, 2));
        return done(0);
      }
      const f = s.files;
      const overall = f.failed > 0 ? 'needs attention' : f.pending > 0 || s.pendingDeletions > 0 ? 'changes waiting to sync' : 'all synced';
      ctx.out(`Vault:  ${s.vaultDir}`);
      ctx.out(`Cloud:  ${s.cloud}`);
      ctx.out(`State:  ${overall}`);
      ctx.out(`Files:  ${f.total} (${f.synced} synced, ${f.pending} waiting, ${f.failed} failed; ${s.pendingDeletions} deletions waiting)`);
      ctx.out(
        `Last sync: ${s.lastSync ? `${when(ctx, s.lastSync.at)} (${s.lastSync.uploaded} uploaded, ${s.lastSync.deleted} deleted, ${s.lastSync.failed} failed)` : 'never'}`,
      );
      ctx.out(`Last backup: ${s.lastBackup ?? 'never'}${s.nextBackup ? `; next due ${s.nextBackup}` : ' (no backup folder set up)'}`);
      if (s.backupOverdue)
        ctx.out('Backups are overdue: plug in the backup drive (or connect the share); `casevault watch` or the app takes the backup as soon as it can.');
      if (s.keyRotation === 'interrupted')
        ctx.out(
          'Key rotation unfinished: run `casevault rotate-keys` again with the new passphrase chosen then; until it finishes, this computer does not sync.',
        );
      if (s.accessReviewDue)
        ctx.out(
          'Access review due: check who can open this vault and read the audit trail (`casevault audit`), then record it with `casevault audit --reviewed`.',
        );
      if (s.live.watching) {
        ctx.out(
          `Live sync: ${s.live.online ? 'on' : `the cloud copy cannot be reached (${s.live.lastError ?? 'unknown'}); retrying${s.live.nextRetryAt ? ` at ${when(ctx, s.live.nextRetryAt)}` : ''}`}`,
        );
      } else ctx.out('Live sync: not running (start it with `casevault watch`)');
      for (const x of s.failures) ctx.out(`Failed: ${x.path}: ${x.reason}`);
      for (const c of s.conflicts)
        ctx.out(`Conflict: ${c.path} was changed on another computer too; this computer's version goes to the cloud as "${c.keptAs}"`);
      done(0);
    });
}
