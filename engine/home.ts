// Where this computer keeps a vault's settings and local state
// (CASEVAULT_HOME): never inside the vault folder.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.CASEVAULT_HOME) return env.CASEVAULT_HOME;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Casevault');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Casevault');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'casevault');
}

/** Every name Casevault writes in CASEVAULT_HOME (besides its temporary files, `.casevault-tmp-*`). */
export const homeFiles = {
  config: 'config.json',
  /** What this computer uploaded, a log of changes (engine/mirror/state.ts). */
  state: 'sync-state.log',
  /** The same, as earlier versions kept it: read once, replaced by the log. */
  legacyState: 'state.json',
  lastSync: 'last-sync.json',
  keyFile: 'casevault.key',
  lock: 'lock',
  /** Written by a running `watch`: online or not, last error. */
  watch: 'watch.json',
  /** Present while a recover runs: lets an interrupted one resume. */
  recovering: 'recovering.json',
  /** Retention period, closed-case marks, archives made (engine/housekeeping/marks.ts). */
  housekeeping: 'housekeeping.json',
  /** The person's choices: auto-lock, backup schedule and retention, access reviews (engine/settings.ts). */
  settings: 'settings.json',
  /** Present while a handover copy is made: names the folder, so a re-run may clear what a dead run left there. */
  handover: 'handover.json',
  /** The last verified handover copy: where, when, and the digest of every file it holds (engine/handover.ts). */
  handoverVerified: 'handover-verified.json',
  /** The handover copy's own home while it is made (removed after). */
  handoverWork: 'handover-work',
  /** Present while keys are being rotated: the new key file (it opens with the new passphrase), so a re-run finishes the job. */
  rotating: 'rotating.json',
  /** Whether the current recovery key has been typed back (engine/keys/recovery-confirmation.ts). */
  recoveryKey: 'recovery-key.json',
  /** A move of the cloud copy under way, or done with the old copy not yet deleted (engine/mirror/cloud-move.ts). */
  cloudMove: 'cloud-move.json',
  /** Present while `remove` runs: the choices made, so a re-run finishes the job. */
  removing: 'removing.json',
  /** Present while cases are deleted: their names, so a re-run finishes a case whose files went before its record did (engine/housekeeping/under-way.ts). */
  deletingCases: 'deleting-cases.json',
  /** Present while archived cases' files are removed: each case's archive and files, so a re-run finishes it with that archive (engine/housekeeping/under-way.ts). */
  archivingCases: 'archiving-cases.json',
  /** Cases deleted here that other computers still held, kept while status can see it is so (engine/housekeeping/held-elsewhere.ts). */
  deletedElsewhere: 'deleted-elsewhere.json',
  /** What this computer last wrote in its device record, the orders it gave, and the highest order counter it has seen (engine/devices/). */
  device: 'device.json',
  /** The newest record this computer has seen of each computer marked lost, sealed as read from the cloud (engine/devices/kept.ts). */
  lostRecords: 'lost-records.json',
  /** Present while this computer wipes itself on another computer's order: a kill is finished at the next start (engine/devices/wipe.ts). */
  wiping: 'wiping.json',
  /** The audit trail and its head, kept apart (engine/audit.ts). */
  auditLog: 'audit.log',
  auditHead: 'audit-head.json',
  /** Held while the trail is appended to or checked, so the app and a `casevault` command on one home take turns (engine/audit/trail.ts). */
  auditLock: 'audit.lock',
  /** The Dropbox sign-in, sealed under the vault (engine/cloud.ts), and the desktop app's OS-keychain copy (electron/token-store.ts). */
  dropboxToken: 'dropbox.json',
  dropboxKeychain: 'dropbox-keychain.bin',
  /** S3 storage's endpoint, region and access key, sealed under the vault (engine/remotes/open-cloud.ts). */
  s3Connection: 's3.json',
  /** Object IDs verify found damaged, for the next sync to upload again (engine/damaged.ts). */
  damaged: 'damaged.json',
  /** The highest high-water counter seen from each computer of the vault (engine/mirror/high-water.ts). */
  highWater: 'high-water.json',
  /** The computers whose high-water record the last `verify --cloud` found rolled back, until their records reach the pins again (engine/mirror/high-water.ts). */
  rolledBack: 'rolled-back.json',
  /** The backups' local state and file cache (engine/backup/local.ts). */
  backupState: 'backup-state.json',
  backupCache: 'backup-cache.log',
  /** The backup cache of earlier versions (one JSON file), removed at the next save. */
  legacyBackupCache: 'backup-cache.json',
  /** The record of packages sent securely from this computer, each line sealed under the vault (engine/send/records.ts). */
  sends: 'sends.log',
} as const;
