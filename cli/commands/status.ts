// `casevault status`: the vault's health first (the worst first, each
// problem with its fix as a command), then the files, the last sync and
// backup, and live sync. It exits 0 whatever the health says: only a vault
// that cannot be read at all is a failure.
import type { Command } from 'commander';
import { when, type Ctx } from '../context.js';
import { nextStepText } from '../next-steps.js';
import type { HealthArea, StatusReport } from '../../contract/index.js';

const AREA: Record<HealthArea, string> = {
  cloud: 'Cloud',
  keys: 'Keys',
  backups: 'Backups',
  lock: 'Lock',
  'recovery-key': 'Recovery key',
  retention: 'Retention',
  'access-review': 'Access review',
  devices: 'Computers',
};

function printHealth(ctx: Ctx, s: StatusReport): void {
  const problems = s.health.filter((h) => !h.ok).length;
  ctx.out(problems === 0 ? 'Health: everything is protected' : `Health: ${problems} ${problems === 1 ? 'thing needs' : 'things need'} attention (worst first)`);
  for (const h of s.health) {
    ctx.out(`  ${h.ok ? 'ok' : '!!'} ${AREA[h.area]}: ${h.message}${!h.ok && h.next ? `; ${nextStepText(h.next)}` : ''}`);
  }
  ctx.out();
}

/** The next backup's time, never in the past: one that is late says since when. */
function nextBackup(ctx: Ctx, iso: string | null): string {
  if (!iso) return ' (no backup folder set up)';
  return Date.parse(iso) <= Date.now() ? `; overdue since ${when(ctx, iso)}` : `; next due ${when(ctx, iso)}`;
}

export function statusCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('status')
    .description("the vault's health (the worst first), then what is synced, pending and failed; the last sync and backup")
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const s = await ctx.engine().status();
      if (o.json) {
        ctx.out(JSON.stringify(s, null, 2));
        return done(0);
      }
      printHealth(ctx, s);
      const f = s.files;
      // "All synced" only when the cloud's health says so too: a folder of the vault that cannot be read holds files no count includes.
      const cloudOk = s.health.every((h) => h.area !== 'cloud' || h.ok);
      const waiting = f.pending > 0 || s.pendingDeletions > 0;
      const overall = f.failed > 0 ? 'needs attention' : waiting ? 'changes waiting to sync' : cloudOk ? 'all synced' : 'needs attention';
      ctx.out(`Vault:  ${s.vaultDir}`);
      ctx.out(`Cloud:  ${s.cloud}`);
      ctx.out(`State:  ${overall}`);
      ctx.out(
        `Files:  ${f.total} (${f.synced} synced${s.cloudListedNow ? '' : ' at the last sync'}, ${f.pending} waiting, ${f.failed} failed; ${s.pendingDeletions} deletions waiting)`,
      );
      ctx.out(
        `Last sync: ${s.lastSync ? `${when(ctx, s.lastSync.at)} (${s.lastSync.uploaded} uploaded, ${s.lastSync.deleted} deleted, ${s.lastSync.failed} failed)` : 'never'}`,
      );
      ctx.out(`Last backup: ${s.lastBackup ? when(ctx, s.lastBackup) : 'never'}${nextBackup(ctx, s.nextBackup)}`);
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
