// The records the union's data-protection policy asks each officer to keep:
// a backup record (what is backed up, where, how often, kept how long, last
// success and failure) and an asset record (where this vault's copies
// live, and how they are protected). JSON, or a printable HTML page with
// every value escaped. No case or file name is in either.
import { readdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { BackupApi } from '../backup/service.js';
import { loadBackupState } from '../backup/local.js';
import { backupSchedule, loadSettings } from '../settings.js';
import { describeCloud } from '../remotes/open-cloud.js';
import { loadConfig } from '../config.js';
import { scanVault } from '../mirror/scan.js';
import { type Records, escapeHtml, type RetentionPolicy } from '../../contract/index.js';

const ENCRYPTION = [
  "Files are encrypted on this computer before they go to the cloud: each with its own random key (XChaCha20-Poly1305), sealed to the vault's public key (X25519), so syncing needs no passphrase.",
  'The cloud sees no file names, folder names, exact sizes or folder structure: objects have opaque names and padded sizes.',
  'Reading anything back needs the passphrase (stretched with Argon2id) or the recovery key; the key is kept in memory only while the vault is unlocked.',
  'Backups are encrypted the same way (deduplicated chunks with keyed IDs, padded packs); reading a backup needs the unlocked vault.',
  'The vault folder on this computer holds the files unencrypted, for everyday work: protect the computer with its own disk encryption and a login password.',
];

function days(ms: number): string {
  const d = ms / 86_400_000;
  const h = Math.round(ms / 3_600_000);
  return d === 1 ? 'every day' : Number.isInteger(d) ? `every ${d} days` : h === 1 ? 'every hour' : `every ${h} hours`;
}

function policyWords(p: RetentionPolicy): string {
  return `the last ${p.last} backups, one a day for ${p.daily} days, one a week for ${p.weekly} weeks, one a month for ${p.monthly} months and one a year for ${p.yearly} years; archives of closed cases are kept until deleted by hand`;
}

export async function buildRecords(home: string, backups: BackupApi, now = Date.now()): Promise<Records> {
  const config = await loadConfig(home);
  const scan = await scanVault(config.vaultDir);
  let bytes = 0;
  for (const f of scan.files.values()) bytes += f.size;
  // The schedule and retention the person chose in Settings: the record says what is done, not the defaults.
  const settings = await loadSettings(home);
  const schedule = backupSchedule(settings);
  const status = await backups.status(schedule, now);
  const lastFail = [...(await loadBackupState(home)).runs].reverse().find((r) => !r.ok);
  let snaps = config.backupDir ? await backups.snapshots().catch(() => undefined) : undefined; // the drive away: the record says the count is unknown
  // A folder that is there and empty holds no backup yet: it is not unreadable.
  if (!snaps && config.backupDir && status.reachable && (await readdir(config.backupDir).catch(() => [null])).length === 0) snaps = [];
  const backupDetails = snaps
    ? snaps.length === 0 && !status.lastBackup
      ? 'none taken yet'
      : `${snaps.filter((s) => !s.archive).length} snapshots and ${snaps.filter((s) => s.archive).length} archives`
    : status.reachable
      ? 'could not be read just now'
      : 'could not be read just now (is the drive plugged in?)';
  return {
    generatedAt: new Date(now).toISOString(),
    backup: {
      what: { vaultFolder: config.vaultDir, files: scan.files.size, bytes },
      where: config.backupDir ?? null,
      howOften: config.backupDir
        ? `${days(schedule.everyMs)} while Casevault runs (caught up after the computer was off or asleep); a warning after ${schedule.warnAfterMs / 86_400_000} days without one`
        : 'no backups: no backup folder is set up',
      retention: { ...settings.retention, inWords: policyWords(settings.retention) },
      lastSuccess: status.lastBackup?.at ?? null,
      lastFailure: lastFail ? { at: lastFail.at, reason: lastFail.error ?? 'unknown' } : null,
      // As status says: a backup folder with no backup ever taken is overdue.
      overdue: status.overdue || (!!config.backupDir && !status.lastBackup),
      snapshots: snaps ? snaps.filter((s) => !s.archive).length : null,
      archives: snaps ? snaps.filter((s) => s.archive).length : null,
    },
    assets: {
      copies: [
        {
          where: 'this computer',
          location: config.vaultDir,
          details: `computer "${hostname()}"; the vault folder (unencrypted) and Casevault's settings and keys in ${home}`,
        },
        {
          where: 'cloud',
          location: describeCloud(config.cloud),
          details: `encrypted copy of every file, synced within seconds; deleted files stay in its trash for ${config.trashDays} days`,
        },
        ...(config.backupDir ? [{ where: 'backup' as const, location: config.backupDir, details: `encrypted, versioned backups: ${backupDetails}` }] : []),
      ],
      encryption: ENCRYPTION,
    },
  };
}

function row(label: string, value: string): string {
  return `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;
}

const when = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 16) + ' UTC' : 'never');

/** A self-contained printable page (no scripts, no outside resources). */
export function recordsHtml(r: Records): string {
  const b = r.backup;
  const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Casevault records</title>
<style>body{font:14px/1.5 system-ui,sans-serif;max-width:50em;margin:2em auto;color:#111}table{border-collapse:collapse;width:100%;margin-bottom:1.5em}th,td{border:1px solid #999;padding:.3em .5em;text-align:left;vertical-align:top}th{width:14em;background:#f2f2f2}</style>
</head><body>
<h1>Casevault records</h1>
<p>Made ${escapeHtml(when(r.generatedAt))}.</p>
<h2>Backup record</h2>
<table>
${row('What is backed up', `${b.what.vaultFolder}: ${b.what.files} files, ${mib(b.what.bytes)}`)}
${row('Where', b.where ?? 'no backup folder is set up')}
${row('How often', b.howOften)}
${row('Kept', b.retention.inWords)}
${row('Last success', when(b.lastSuccess))}
${row('Last failure', b.lastFailure ? `${when(b.lastFailure.at)}: ${b.lastFailure.reason}` : 'none recorded')}
${row('Overdue', b.overdue ? (b.lastSuccess ? 'yes: no backup has succeeded for too long' : 'yes: no backup has been taken yet') : 'no')}
${row('In the backup folder', b.snapshots === null ? 'unknown' : `${b.snapshots} snapshots, ${b.archives} archives`)}
</table>
<h2>Asset record: where this vault's copies are</h2>
<table>
<tr><th scope="col">Copy</th><th scope="col">Location</th><th scope="col">Details</th></tr>
${r.assets.copies.map((c) => `<tr><td>${escapeHtml(c.where)}</td><td>${escapeHtml(c.location)}</td><td>${escapeHtml(c.details)}</td></tr>`).join('\n')}
</table>
<h2>Encryption</h2>
<ul>
${r.assets.encryption.map((e) => `<li>${escapeHtml(e)}</li>`).join('\n')}
</ul>
</body></html>
`;
}
