// Removing the vault from this computer after a handover: the vault folder's
// plaintext, this computer's keys, state and settings (CASEVAULT_HOME), and,
// if asked, the cloud copy and the backups. Only after a verified handover
// copy, and only if the vault is still what was verified. Once started (a
// marker in the home) a killed run is finished by the next one.
// Spec: docs/handover.md.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { configWriteKeys, hasConfig, type VaultConfig } from '../config.js';
import { Refused, UsageError } from '../errors.js';
import { hashVault, loadVerified, type FileDigest } from './handover.js';
import { copyStillThere } from './copy-record.js';
import { auditLogBytes, mirrorAudit } from '../audit/trail.js';
import { isTempName } from '../fsutil/atomic.js';
import { pruneEmptyFolders } from '../fsutil/empty-folders.js';
import { homeFiles } from '../home.js';
import { VAULT_CLOUD_PREFIXES } from '../mirror/layout.js';
import type { Remote } from '../remotes/remote.js';
import type { KeepOrDelete, RemoveOptions, RemoveReport } from '../../contract/index.js';
import { exists, parseOr, readIfExists } from '../fsutil/read.js';

export interface RemoveDeps {
  home: string;
  config: VaultConfig;
  remote: () => Promise<Remote>;
  record: (event: string, detail?: string) => Promise<void>;
  /** Wipe the reading keys from memory. */
  wipe: () => Promise<void>;
  /** One sync pass (the caller holds the home's lock). */
  syncCloud: () => Promise<{ failed: unknown[] }>;
  /** Archives of closed cases in the backup folder (counted where backups are to be deleted): not in the handover copy. */
  archives: number;
  /** Whether a key rotation on this computer is running or stopped part-way (status().keyRotation). */
  keyRotation: () => Promise<'none' | 'running' | 'interrupted'>;
  /** The names of the vault's other computers still in use (not marked lost or wiped): asked only where the cloud copy is to be deleted. */
  otherComputers: () => Promise<string[]>;
  /** How many snapshots in the backup folder this computer did not take (another computer's sharing it, or from before a recovery): asked only where the backups are to be deleted. */
  othersSnapshots: () => Promise<number>;
}

/** "laptopB", "laptopB and office", "laptopB, office and home". */
function names(list: string[]): string {
  return list.length === 1 ? list[0]! : `${list.slice(0, -1).join(', ')} and ${list.at(-1)!}`;
}

/** What a backup repository holds (docs/backup-format.md): nothing else there is touched (the cloud's: VAULT_CLOUD_PREFIXES). */
const BACKUP_NAMES = ['config', 'packs', 'index', 'snapshots', 'lock', 'tmp'];

/**
 * Delete the cloud copy. Its folder itself goes last, after `deleted` has
 * recorded that everything in it is gone: a folder remote never makes its
 * own root, so a run killed after that is finished by the record, while a
 * folder that is missing before (an unplugged drive) is still an error.
 */
async function deleteCloud(remote: Remote, config: VaultConfig, deleted: () => Promise<void>): Promise<void> {
  for (const prefix of VAULT_CLOUD_PREFIXES) {
    const names: string[] = [];
    for await (const e of remote.list(prefix)) names.push(e.name);
    for (const n of names) await remote.delete(n);
  }
  await remote.delete('casevault.key');
  await remote.flush?.();
  if (config.cloud.kind === 'folder') await rm(join(config.cloud.dir, 'tmp'), { recursive: true, force: true }); // what killed writes left
  await deleted();
  if (config.cloud.kind === 'folder') await pruneEmptyFolders(config.cloud.dir);
}

/** Mirror the audit trail, the removal's record last in it, to the kept cloud copy, and check the cloud holds all of it. */
async function mirrorRecord(home: string, remote: Remote, config: VaultConfig): Promise<void> {
  const { deviceId } = config;
  const unsent = () => new Refused('the record of this removal could not be sent to the cloud copy, so nothing was removed', 'reconnect-cloud');
  try {
    await mirrorAudit(home, remote, deviceId, configWriteKeys(config).authKey);
  } catch {
    throw unsent();
  }
  const trail = await auditLogBytes(home);
  const sent = await remote.stat(`audit/${deviceId}.log`).catch(() => undefined);
  if (trail.length === 0 || sent?.size !== trail.length) throw unsent();
}

async function deleteBackups(dir: string): Promise<void> {
  for (const n of BACKUP_NAMES) await rm(join(dir, n), { recursive: true, force: true });
  await pruneEmptyFolders(dir);
}

/** Delete the vault files that are byte for byte in the verified copy; anything else stays. */
async function deletePlaintext(vaultDir: string, verified: FileDigest[], current: FileDigest[]): Promise<number> {
  const inCopy = new Set(verified.map((f) => JSON.stringify(f)));
  let removed = 0;
  for (const f of current) {
    if (!inCopy.has(JSON.stringify(f))) continue;
    await rm(join(vaultDir, ...f[0].split('/')), { force: true });
    removed++;
  }
  return removed;
}

/**
 * This computer's settings, state and keys for the vault: only what
 * Casevault wrote there (CASEVAULT_HOME may be a folder that holds other
 * things too). The settings after everything else, so that a run killed
 * before then still finds the vault and finishes; the record of the
 * verified handover copy after them, since a re-run that finds the vault
 * needs it; the home's lock (held by the run doing this) just before the
 * removal's `marker` (also the wipe's, engine/devices/wipe.ts), which is
 * last: a run killed before the marker is gone is finished by the next
 * one, and one killed after it leaves no lock behind in an emptied home.
 */
export async function deleteHome(home: string, marker: string): Promise<void> {
  const last: string[] = [homeFiles.config, homeFiles.handoverVerified, homeFiles.lock, marker];
  const ours = new Set<string>(Object.values(homeFiles));
  for (const e of await readdir(home)) {
    if (last.includes(e)) continue;
    if (ours.has(e) || isTempName(e) || isClaim(e)) await rm(join(home, e), { recursive: true, force: true });
  }
  for (const e of last) await rm(join(home, e), { force: true });
}

/** A claim on one of the home's lock files (engine/fsutil/takeover.ts), left by a contender killed while it took one over. */
function isClaim(name: string): boolean {
  return [homeFiles.lock, homeFiles.auditLock].some((lock) => name.startsWith(`${lock}.claim-`));
}

/** The removal's marker: the choices made (`backups` is 'none' where no backups were set up), where the handover copy is, and whether the cloud copy is gone. */
export interface RemovalChoices {
  cloud: KeepOrDelete;
  backups: KeepOrDelete | 'none';
  /** The handover copy's folder (absent in a marker of an earlier version). */
  to?: string;
  cloudDeleted?: true;
}

type Started = RemovalChoices;

async function readStarted(home: string): Promise<Started | undefined> {
  return parseOr<Started>(await readIfExists(join(home, homeFiles.removing), 'utf8'));
}

/** A removal that started here and was interrupted while the vault is still set up (the vault's health says so), or undefined. */
export async function unfinishedRemoval(home: string): Promise<Partial<RemovalChoices> | undefined> {
  const started = await readIfExists(join(home, homeFiles.removing), 'utf8');
  if (started === undefined) return undefined;
  return parseOr<Started>(started) ?? {}; // a damaged marker: what was chosen is not known, but a removal was under way
}

/** Whether a removal killed after this computer's settings went left its marker (cheap: checked at every start). */
export async function removalLeftover(home: string): Promise<boolean> {
  return (await exists(join(home, homeFiles.removing))) && !(await hasConfig(home));
}

/**
 * A removal killed after this computer's settings went leaves its handover
 * record and marker, and no vault: they are deleted now (the caller holds
 * the home's lock), so that they can never be taken for a removal of a vault
 * set up here later. The report of the removal so finished, or undefined if
 * there was none.
 */
export async function finishRemoval(home: string): Promise<RemoveReport | undefined> {
  const started = await readStarted(home);
  if (!started || (await hasConfig(home))) return undefined;
  const to = started.to ?? (await loadVerified(home))?.to ?? 'as verified before';
  await deleteHome(home, homeFiles.removing);
  return { removedFiles: 0, leftInVaultFolder: 0, cloud: started.cloud, backups: started.backups, handoverCopy: to };
}

export async function removeVault(d: RemoveDeps, o: RemoveOptions): Promise<RemoveReport> {
  if (!o.yes) throw new UsageError('removing the vault from this computer deletes its files here, so it must be confirmed', 'confirm');
  const markerPath = join(d.home, homeFiles.removing);
  const started = await readStarted(d.home);
  // Removed part-way through a rotation, the kept cloud copy and backups open only in part, with any passphrase, and no computer is left to finish it.
  if (!started && (await d.keyRotation()) !== 'none') {
    throw new Refused(
      'a key rotation on this computer is not finished, so nothing was removed (the cloud copy would open only in part): finish the key rotation first',
      'finish-key-rotation',
    );
  }
  const verified = await loadVerified(d.home);
  if (!verified) throw new Refused('this vault has no verified handover copy', 'make-handover');
  // The record alone is no proof: the copy may have been deleted, emptied or cut short since. Checked before anything goes, and again by a run that finishes a killed one.
  if (!(await copyStillThere(verified.to, verified.files.length, verified.objects))) {
    throw new Refused(`the handover copy at ${verified.to} is missing or has changed since it was checked`, 'make-handover');
  }
  // A run that was killed after the vault folder went has nothing left there to compare; before one started, a missing folder is an unplugged drive.
  const vaultThere = await exists(d.config.vaultDir);
  if (!started && !vaultThere)
    throw new Refused(`the vault folder ${d.config.vaultDir} is missing; reconnect its drive, then remove the vault from this computer again`);
  const current = started && !vaultThere ? { files: [], digest: '' } : await hashVault(d.config.vaultDir);
  // A run that already started (and was killed) has removed some files: finish it.
  if (!started && current.digest !== verified.digest) {
    throw new Refused('the vault has changed since its handover copy was verified, so the copy may not hold every file', 'make-handover');
  }
  const choice: Started = started ?? { cloud: o.cloud ?? 'keep', backups: d.config.backupDir ? (o.backups ?? 'keep') : 'none', to: verified.to };
  // Deleting backups here is deleting files in a folder; backups on S3 storage are the storage administrator's to remove (Object Lock may hold them).
  if (!started && choice.backups === 'delete' && d.config.backupDir?.startsWith('s3://')) {
    throw new Refused(
      "backups on S3 storage are removed by the union's storage administrator, not from this computer; keep them here and ask the administrator",
    );
  }
  // Archives keep closed cases for their own period and are in no handover copy: deleting the backups would destroy them unasked.
  if (!started && choice.backups === 'delete' && d.archives > 0) {
    const n = d.archives === 1 ? '1 archive' : `${d.archives} archives`;
    throw new Refused(
      `the backup folder holds ${n} of closed cases, which ${d.archives === 1 ? 'is' : 'are'} not in the handover copy, so nothing was removed`,
      'keep-backups-or-delete-archives',
    );
  }
  // The cloud copy is every computer's of the vault: deleting it from under another that still syncs there strands it (its key file gone, its advice looping).
  if (!started && choice.cloud === 'delete') {
    const others = await d.otherComputers();
    if (others.length > 0) {
      throw new Refused(
        `${names(others)} still ${others.length === 1 ? 'uses' : 'use'} this vault's cloud copy, so nothing was removed`,
        'other-computers-first',
      );
    }
  }
  // Another computer's backups in a shared folder are its own only copy apart from the cloud: never deleted from here.
  if (!started && choice.backups === 'delete') {
    const foreign = await d.othersSnapshots();
    if (foreign > 0) {
      throw new Refused(
        `the backup folder holds ${foreign === 1 ? '1 backup' : `${foreign} backups`} this computer did not take (another computer of the vault may back up there), so nothing was removed`,
        'keep-backups',
      );
    }
  }
  // A cloud copy that is kept (handed over) should hold the vault as it is now.
  if (!started && choice.cloud === 'keep') {
    const synced = await d.syncCloud();
    if (synced.failed.length > 0)
      throw new Refused(
        'the cloud copy could not be brought up to date, so it would not hold every file (or choose to delete the cloud copy as well)',
        'check-sync-status',
      );
  }
  // Connected before the keys are wiped (a Dropbox sign-in is stored under them): the cloud copy to delete, or the kept one the removal's record goes to.
  const remote = (choice.cloud === 'delete' && !started?.cloudDeleted) || (choice.cloud === 'keep' && !started) ? await d.remote() : undefined;
  await d.wipe();
  if (!started) {
    await d.record(
      'vault removed from this computer',
      `cloud copy ${choice.cloud === 'keep' ? 'kept' : 'deleted'}, backups ${choice.backups === 'delete' ? 'deleted' : 'kept'}, handover copy verified ${verified.at}`,
    );
    // The home's trail goes with the home: a kept cloud copy must hold the record first. A run killed before the marker records it again.
    if (remote && choice.cloud === 'keep') await mirrorRecord(d.home, remote, d.config);
    await writeFileAtomic(markerPath, JSON.stringify(choice));
  }
  if (remote && choice.cloud === 'delete')
    await deleteCloud(remote, d.config, () => writeFileAtomic(markerPath, JSON.stringify({ ...choice, cloudDeleted: true })));
  if (choice.backups === 'delete' && d.config.backupDir) await deleteBackups(d.config.backupDir);
  const removedFiles = await deletePlaintext(d.config.vaultDir, verified.files, current.files);
  const leftInVaultFolder = await pruneEmptyFolders(d.config.vaultDir);
  await deleteHome(d.home, homeFiles.removing);
  return {
    removedFiles,
    leftInVaultFolder,
    cloud: choice.cloud,
    backups: d.config.backupDir ? choice.backups : 'none',
    handoverCopy: choice.to ?? verified.to,
  };
}
