// Attaching or changing the backup folder, at any time or at recovery
// (docs/backup-format.md, "Attaching a backup folder"). The folder is
// checked before anything is written: one inside the vault or cloud folder
// (or holding either) is refused; one holding this vault's repository (its
// config opens under the vault's current keys or an earlier one, from
// before a key rotation) is adopted, its key sealed again under the current
// keys if need be and its snapshots listed; one holding another vault's
// repository, or anything else, is refused; an empty folder, or one not
// there yet whose parent is, receives the next backup, which makes the
// repository as before. This computer's backup records then start afresh
// for the new folder (earlier runs keep the name of the folder they went
// to), so nothing of one repository is ever taken for another's.
import { dirname, isAbsolute, resolve } from 'node:path';
import { wipeRepoKeys } from '../../crypto/backup/index.js';
import type { WriteKeys } from '../../crypto/index.js';
import { parseS3Url, s3Url, type BackupFolderReport, type CloudSpec, type NextStep } from '../../contract/index.js';
import { Locked, Unreachable, UsageError } from '../errors.js';
import { statIfExists } from '../fsutil/read.js';
import { checkBackupApart, checkS3Apart } from '../mirror/layout.js';
import { RemoteUnavailable } from '../remotes/remote.js';
import { archiveIds } from './archive-snapshots.js';
import type { BackupLocalState } from './local.js';
import { ForeignBackups, Repository } from './repository.js';
import { FolderStorage, isS3Location, repoStorageAt, type RepoStorage } from './storage.js';
import type { S3ConnectionSource } from '../remotes/s3/remote.js';

/** The backup drive or share is not there (unplugged, not mounted), or S3 storage not answering. Exit 1; the scheduler waits and retries. */
export class BackupTargetMissing extends Unreachable {
  /** `next` null: none (the message says what to do); an undefined one would take the default. */
  constructor(message: string, next: NextStep | null = 'plug-in-backup-drive') {
    super(message, next ?? undefined);
    this.name = 'BackupTargetMissing';
  }

  /** The storage did not answer as the backups were opened: a folder's drive to plug in; S3 storage's own sentence (it retries by itself). */
  static from(e: RemoteUnavailable, dir: string): BackupTargetMissing {
    return isS3Location(dir) ? new BackupTargetMissing(e.message, null) : new BackupTargetMissing(e.what);
  }
}

/** The backup folder set is a file (a vault set up before a file was refused there). */
export function backupFolderIsAFile(dir: string): UsageError {
  return new UsageError(`the backup folder ${dir} is a file, not a folder`, 'change-backup-folder');
}

/** What the backup folder holds, as last listed. */
export type Listed = NonNullable<BackupLocalState['listed']>;

export interface FolderInspection {
  /** The folder, absolute. */
  dir: string;
  state: 'adopted' | 'empty' | 'new';
  /** The adopted repository's ID (hex). */
  repoId?: string;
  rewrapped: boolean;
  listed: Listed;
}

export interface InspectOptions {
  dir: string;
  vaultDir: string;
  /** Where the cloud copy is: the backups are kept apart from it (a folder, or a place on S3 storage). */
  cloud: CloudSpec;
  /** Casevault's settings folder: the backup folder is kept apart from it too. */
  home?: string;
  writeKeys: Pick<WriteKeys, 'authKey' | 'publicKey'>;
  /** The vault's earlier auth keys at hand (base64): a repository left under one of them is this vault's too. */
  earlierAuthKeys: readonly string[];
  /** The vault's keys were rotated and the earlier ones are not all at hand (the vault is locked). */
  earlierKeysLocked: boolean;
  /** Tests: the storage for a folder (default: the folder itself). */
  storage?: (dir: string) => RepoStorage;
}

/** The folder as given: a full path, else a usage error (a relative one would land wherever the program happens to run). */
export function backupFolderPath(dir: string): string {
  if (isS3Location(dir)) {
    const l = parseS3Url(dir);
    if (typeof l === 'string') throw new UsageError(l, 'choose-other-folder');
    return s3Url(l);
  }
  if (!isAbsolute(dir)) throw new UsageError('give the backup folder as a full path (for example /media/you/USB/Casevault backups)');
  return resolve(dir);
}

/** An S3 backup location's state; its bucket must be there (buckets are made by the storage's administrator, never by Casevault), else Unreachable. */
async function s3BucketThere(storage: RepoStorage): Promise<'empty' | 'used'> {
  const state = await storage.probe();
  if (state === 'missing') {
    // Its own advice, so no next step (one would add a second one).
    throw new Unreachable("the S3 bucket is not there; buckets are made by the union's storage administrator: ask them to make it, then try again");
  }
  return state;
}

/** At set-up (`init --backup s3://…`): the address valid and its bucket there, as inspectBackupFolder checks it, before anything is made. */
export async function checkS3BackupLocation(dir: string, s3: S3ConnectionSource): Promise<void> {
  const storage = repoStorageAt(backupFolderPath(dir), s3);
  try {
    await s3BucketThere(storage);
  } finally {
    storage.close?.();
  }
}

/** What the folder holds and whether it may become the backup folder; refuses with a sentence (nothing written) when it may not. */
export async function inspectBackupFolder(o: InspectOptions): Promise<FolderInspection> {
  const dir = backupFolderPath(o.dir);
  if (isS3Location(dir)) checkS3Apart(o.cloud, dir);
  else await checkBackupApart(dir, o.vaultDir, o.cloud.kind === 'folder' ? o.cloud.dir : undefined, o.home);
  const storage = o.storage?.(dir) ?? new FolderStorage(dir);
  const none: Listed = { at: new Date().toISOString(), snapshots: 0, archives: 0, latest: null };
  const state = isS3Location(dir) ? await s3BucketThere(storage) : await storage.probe();
  if (state === 'missing') {
    // Made at the first backup, inside a parent that must be there now: a drive that is not plugged in is not a folder to make.
    if (!(await statIfExists(dirname(dir)))?.isDirectory()) {
      throw new Unreachable('the folder that should hold the backup folder cannot be found', 'plug-in-backup-drive');
    }
    return { dir, state: 'new', rewrapped: false, listed: none };
  }
  if (state === 'empty') return { dir, state: 'empty', rewrapped: false, listed: none };
  let repo: Repository;
  try {
    repo = await Repository.open(storage, o.writeKeys, undefined, o.earlierAuthKeys);
  } catch (e) {
    if (e instanceof ForeignBackups && o.earlierKeysLocked) {
      throw new Locked("the backup folder's backups may be this vault's from before its keys were changed; only the unlocked vault can tell");
    }
    if (e instanceof RemoteUnavailable) throw BackupTargetMissing.from(e, dir);
    throw e;
  }
  try {
    return { dir, state: 'adopted', repoId: repo.idHex, rewrapped: repo.rewrapped, listed: await listRepository(repo) };
  } finally {
    await wipeRepoKeys(repo.keys);
    storage.close?.();
  }
}

/** Count the repository's backups and archives (write keys only: the summaries; `remembered`: archives this computer made), and find the latest backup. */
export async function listRepository(repo: Repository, remembered: readonly string[] = []): Promise<Listed> {
  const archives = await archiveIds(repo, remembered);
  let snapshots = 0;
  let marked = 0;
  let latest: number | null = null;
  for (const id of await repo.listSnapshots()) {
    if (archives.has(id)) {
      marked++;
      continue;
    }
    const s = await repo.readSummary(id).catch(() => undefined); // damaged: verify names it; not a backup anyone can restore
    if (!s) continue;
    snapshots++;
    if (latest === null || s.timeMs > latest) latest = s.timeMs;
  }
  return { at: new Date().toISOString(), snapshots, archives: marked, latest: latest === null ? null : new Date(latest).toISOString() };
}

/**
 * This computer's backup records once `found` is the backup folder. The same
 * repository (a drive mounted at a new path) keeps its records; any other
 * starts afresh. Runs keep the folder they went to.
 */
export function attachedState(local: BackupLocalState, previousFolder: string | undefined, found: FolderInspection, now = new Date()): BackupLocalState {
  const same = found.repoId !== undefined && found.repoId === local.repoId;
  const owner = local.dir ?? previousFolder;
  const runs = local.runs.map((r) => {
    const folder = r.folder ?? owner;
    return { ...r, ...(folder !== undefined ? { folder: same && folder === owner ? found.dir : folder } : {}) };
  });
  if (same) return { ...local, dir: found.dir, runs, listed: found.listed };
  return {
    version: 1,
    ...(found.repoId ? { repoId: found.repoId } : {}),
    dir: found.dir,
    snapshots: [],
    forgotten: [],
    noted: [],
    archives: [],
    runs,
    damaged: [],
    attachedAt: now.toISOString(),
    listed: found.listed,
    ...(local.vault ? { vault: local.vault } : {}), // the vault folder's, not the backup folder's
  };
}

export function folderReport(found: FolderInspection, previous: string | null): BackupFolderReport {
  return {
    folder: found.dir,
    previous,
    state: found.state,
    snapshots: found.listed.snapshots,
    archives: found.listed.archives,
    latest: found.listed.latest,
    rewrapped: found.rewrapped,
  };
}

/** The audit trail's detail for a folder attached or changed (paths of folders, never of files). */
export function describeAttached(r: BackupFolderReport): string {
  const what =
    r.state === 'adopted'
      ? `it holds this vault's backups: ${r.snapshots} ${r.snapshots === 1 ? 'snapshot' : 'snapshots'}${r.archives ? ` and ${r.archives} ${r.archives === 1 ? 'archive' : 'archives'}` : ''}${r.rewrapped ? "; its key moved to the vault's current keys" : ''}`
      : r.state === 'empty'
        ? 'an empty folder'
        : 'a new folder, made at the next backup';
  return r.previous ? `${r.folder} instead of ${r.previous} (${what})` : `${r.folder} (${what})`;
}
