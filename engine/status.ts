// What is true of the vault right now, computed from the vault folder, this
// computer's records (a file whose object verify --cloud found damaged, or
// that a cloud folder does not hold now, waits for the next sync), the
// backups' state and the cloud's key file, never assumed: files synced,
// waiting or failed, the last sync and backup, live sync, reminders, and the
// vault's health (engine/health/).
import { join } from 'node:path';
import type { BackupStatus, HomeView, StatusReport, VaultFiles } from '../contract/index.js';
import { loadConfig, type VaultConfig } from './config.js';
import { alive } from './fsutil/lockfile.js';
import { homeFiles } from './home.js';
import { loadDamaged } from './mirror/damaged.js';
import { scanVault } from './mirror/scan.js';
import { loadState, manyFilesRecorded, type SyncState } from './mirror/state.js';
import { cloudObjects, removedPaths } from './mirror/sync.js';
import { classifyFiles, countFiles } from './mirror/vault-files.js';
import { identityOf, replacedByEmpty } from './mirror/vault-identity.js';
import type { LiveState } from './mirror/watch.js';
import { describeCloud } from './remotes/open-cloud.js';
import { rotationState } from './keys/rotation-steps.js';
import { accessReviewDueAt, loadSettings } from './settings.js';
import { readIfExists, statIfExists } from './fsutil/read.js';
import { vaultHealth } from './health/index.js';
import type { OwnSnapshots } from './backup/service.js';
import { PROBE_DEADLINE_MS, type CloudProbe } from './health/cloud-probe.js';
import { JoinedRead } from './health/joined-read.js';
import type { Remote } from './remotes/remote.js';
import { FolderRemote } from './remotes/folder.js';

export interface StatusInputs {
  home: string;
  locked: boolean;
  /** A key rotation's re-encryption runs now in this process. */
  rotating: boolean;
  backupStatus(): Promise<BackupStatus>;
  /** Read now from the backup folder: whether the last backup (`last`) can be read, and which others this computer took are gone. */
  ownSnapshots(last: string): Promise<OwnSnapshots>;
  /** The cloud's key file, read now (engine/health/cloud-probe.ts). */
  probeCloud(): Promise<CloudProbe>;
  remote(): Promise<Remote>;
}

/** What the status and the file list are computed from, read now: the vault walked, this computer's records, the cloud folder listed. */
interface VaultReading {
  config: VaultConfig;
  scan: Awaited<ReturnType<typeof scanVault>>;
  state: SyncState;
  cloud: { gone: ReadonlySet<string>; listed: boolean };
  /** The vault folder is empty and not the one the last pass synced (engine/mirror/vault-identity.ts). */
  vaultReplaced: boolean;
}

async function readVault(home: string): Promise<VaultReading> {
  const config = await loadConfig(home);
  // Together: the log is read while the scan's lstat calls run (for many files, on a thread of their own).
  const aside = manyFilesRecorded(home);
  const reading = loadState(home);
  const [state, scan, cloud, folder] = await Promise.all([
    reading,
    scanVault(config.vaultDir, { aside }),
    notInCloud(config, home, reading),
    statIfExists(config.vaultDir),
  ]);
  const vaultReplaced = !!folder && replacedByEmpty(state.lastSync?.vault, identityOf(folder), scan.files.size, state.files.size);
  return { config, scan, state, cloud, vaultReplaced };
}

export async function vaultStatus(i: StatusInputs): Promise<StatusReport> {
  return statusOf(i, await readVault(i.home));
}

/** Home's view: the status and the file list from one reading (one walk of the vault, one listing of the cloud folder), where asking for each read twice. */
export async function vaultHomeView(i: StatusInputs, limit?: number): Promise<HomeView> {
  const reading = await readVault(i.home);
  return { status: await statusOf(i, reading), files: filesOf(reading, limit) };
}

async function statusOf(i: StatusInputs, { config, scan, state, cloud, vaultReplaced }: VaultReading): Promise<StatusReport> {
  const { synced, waiting: pendingFiles, failed: failures, failedFolders } = countFiles(scan, state, cloud.gone);
  const backupStatus = i.backupStatus();
  const backup = await backupStatus.catch(() => undefined); // no backup record readable: shown as no backups here, and the health says why
  const settings = await loadSettings(i.home);
  const now = Date.now();
  const counts = { total: synced + pendingFiles.length + failures.length, synced, pending: pendingFiles.length, failed: failures.length };
  // None waits while the vault folder is refused as another, empty one: no pass sends them.
  const pendingDeletions = vaultReplaced ? 0 : removedPaths(state, scan).length;
  const live = await liveState(i.home);
  const keyRotation = await rotationState(i.home, i.rotating);
  return {
    vaultDir: config.vaultDir,
    settingsFolder: i.home,
    cloud: describeCloud(config.cloud),
    locked: i.locked,
    files: counts,
    cloudListedNow: cloud.listed,
    pendingDeletions,
    pendingFiles: pendingFiles.slice(0, 1000),
    failures: [...failedFolders, ...failures],
    conflicts: conflictsOf(state),
    live,
    lastSync: state.lastSync
      ? { at: new Date(state.lastSync.at).toISOString(), uploaded: state.lastSync.uploaded, deleted: state.lastSync.deleted, failed: state.lastSync.failed }
      : null,
    lastBackup: backup?.lastBackup?.at ?? backup?.remembered?.latest ?? null, // before this computer's first backup to an adopted folder, the folder's newest
    nextBackup: backup?.nextBackup ?? null,
    backupOverdue: backup?.overdue ?? false,
    accessReviewDue: accessReviewDueAt(settings, config.createdAt).getTime() <= now,
    keyRotation,
    health: await vaultHealth({
      home: i.home,
      config,
      settings,
      now,
      locked: i.locked,
      keyRotation,
      scan,
      vaultReplaced,
      files: counts,
      pendingDeletions,
      live,
      cloudListedNow: cloud.listed,
      lastSyncAt: state.lastSync?.at,
      backupStatus,
      ownSnapshots: i.ownSnapshots,
      probeCloud: i.probeCloud,
      remote: i.remote,
    }),
  };
}

/**
 * Object IDs (hex) whose files wait for the next sync although recorded as
 * uploaded: those verify --cloud found damaged, and, for a cloud folder, any
 * it does not hold now. A cloud folder is listed at every status (readdir
 * only, no request; while the vault is walked), so a file whose object was
 * deleted there is not said to be in the cloud. Other clouds are listed by
 * every sync pass (live sync's rescan: every 5 minutes), which uploads such
 * files again. A cloud folder that is not there now (a drive unplugged) is
 * not listed: the cloud's health says it is missing. `listed`: whether the
 * cloud was listed just now.
 */
async function notInCloud(config: VaultConfig, home: string, state: Promise<SyncState>): Promise<{ gone: ReadonlySet<string>; listed: boolean }> {
  const [damaged, listing, { files }] = await Promise.all([
    loadDamaged(home),
    config.cloud.kind === 'folder' ? listedIfThere(config.cloud.dir) : undefined,
    state,
  ]);
  if (listing) for (const r of files.values()) if (!listing.has(r.id)) damaged.add(r.id);
  return { gone: damaged, listed: listing !== undefined };
}

/**
 * Listings of cloud folders, one at a time each (Home asks every 5 seconds),
 * none waited for past the key file probe's deadline: a share that hangs
 * is the probe's to report, and the files are then said to be in the cloud
 * only as of the last sync.
 */
const listings = new Map<string, JoinedRead<ReadonlyMap<string, number> | undefined>>();

function listedIfThere(dir: string): Promise<ReadonlyMap<string, number> | undefined> {
  let joined = listings.get(dir);
  if (!joined) listings.set(dir, (joined = new JoinedRead(PROBE_DEADLINE_MS)));
  return joined.ask(
    async () => {
      if (!(await statIfExists(dir).catch(() => undefined))?.isDirectory()) return undefined;
      return cloudObjects(new FolderRemote(dir)).catch(() => undefined); // not readable now: the cloud's health says why
    },
    () => undefined,
  );
}

/** Files kept as conflicted copies (one pass over the records, no array of them all). */
function conflictsOf(state: SyncState): StatusReport['conflicts'] {
  const out: StatusReport['conflicts'] = [];
  for (const [path, r] of state.files) if (r.conflictCopy) out.push({ path, keptAs: r.conflictCopy });
  return out;
}

/** A running live sync on this computer (this process's or another's), from the state it publishes. */
async function liveState(home: string): Promise<StatusReport['live']> {
  const text = (await readIfExists(join(home, homeFiles.watch), 'utf8')) ?? '';
  try {
    const { pid, ...rest } = JSON.parse(text) as LiveState;
    if (pid === process.pid || alive(String(pid))) return { watching: true, ...rest };
  } catch {
    // no watcher, or a half-written file: report none
  }
  return { watching: false };
}

/** The vault's files with their sync state (up to `limit`, failed ones first), for Home's list. */
export async function vaultFileList(home: string, limit?: number): Promise<VaultFiles> {
  return filesOf(await readVault(home), limit);
}

function filesOf({ scan, state, cloud }: VaultReading, limit = 5000): VaultFiles {
  const all = classifyFiles(scan, state, cloud.gone);
  const order = { failed: 0, waiting: 1, synced: 2 } as const;
  return { total: all.length, files: [...all].sort((a, b) => order[a.state] - order[b.state]).slice(0, limit) };
}
