// The backup part of the engine API. Engine methods delegate here (see the
// integration notes in docs/backup-format.md); the CLI and the desktop app
// call the Engine. Backup, snapshots, forget and prune need only the write
// keys in config.json (they run while the vault is locked); restore and
// verify need the unlocked reading keys.
import { stat } from 'node:fs/promises';
import { assertSafeVaultPath, keyring, randomBytes, toHex, type ReadKeys } from '../../crypto/index.js';
import { wipeRepoKeys, type RepoParams } from '../../crypto/backup/index.js';
import { CasevaultError } from '../../crypto/errors.js';
import { configWriteKeys, loadConfig, saveConfig, type VaultConfig } from '../config.js';
import { Damaged, isDataDefect, Refused, UsageError } from '../errors.js';
import { RemoteError, RemoteUnavailable } from '../remotes/remote.js';
import { withinDeadline } from '../remotes/retry.js';
import { archiveIds, discardArchive, markArchive, readBackArchive, type ArchivedFile } from './archive-snapshots.js';
import { runBackup } from './backup.js';
import {
  attachedState,
  backupFolderIsAFile,
  BackupTargetMissing,
  backupFolderPath,
  folderReport,
  inspectBackupFolder,
  listRepository,
  type Listed,
} from './folder.js';
import { forgetSnapshots, prune } from './forget.js';
import {
  expectedSnapshots,
  loadBackupState,
  loadFileCache,
  missingSnapshots,
  saveBackupState,
  saveFileCache,
  splitReplayed,
  type BackupLocalState,
} from './local.js';
import { withRepoLock } from './lock.js';
import type { BackupEmit } from './progress-report.js';
import { DEFAULT_REPO_PARAMS, isMissingOrDamaged, NoRepository, Repository } from './repository.js';
import { restoreFiles, selectFiles, selectPaths } from './restore.js';
import { DEFAULT_RETENTION } from './retention.js';
import { loadSettings } from '../settings.js';
import { backupOverdue, DEFAULT_SCHEDULE, nextBackupAt, type BackupSchedule } from './schedule.js';
import { isS3Location, repoStorageAt, type RepoStorage } from './storage.js';
import { PROBE_DEADLINE_MS } from '../health/cloud-probe.js';
import type { S3Connection } from '../remotes/s3/location.js';
import { verifyRepository } from './verify-repository.js';
import { emptyFolderReplaced, identityOf } from '../mirror/vault-identity.js';
import { checkRestoreTarget } from '../mirror/layout.js';
import { backupsStatusHealth } from '../health/backups.js';
import { fileVersions, type FoundFile } from './versions.js';
import {
  type ArchiveRemoval,
  type BackupFolderReport,
  type BackupReport,
  type BackupFacts,
  type BackupStatus,
  type BackupVerifyReport,
  type DriveArchiveState,
  type FileVersions,
  type ForgetReport,
  type RestoreReport,
  type RetentionPolicy,
  type SnapshotInfo,
  type SnapshotList,
  type SnapshotTree,
  Failure,
} from '../../contract/index.js';

/** This computer's backups as the backup folder holds them now (what the backups' health says). */
export interface OwnSnapshots {
  /** Whether the last backup is there and its manifest opens. */
  lastReadable: boolean;
  /** The ones it took that are gone (the last among them, if it is), not yet noted by a check. */
  missing: string[];
  /** Snapshots it forgot that are in the folder again (put back: a replay); `forget` removes them again. */
  replayed: string[];
  /** Files in snapshots/ that are not snapshots of this repository (junk, another vault's): to be moved out by hand. */
  notSnapshots: string[];
}

export interface ArchiveReport {
  snapshot: string;
  time: string;
  /** The files archived, each read back and compared byte for byte with the vault's copy. */
  files: ArchivedFile[];
  bytes: number;
}

/** An archive as the backup folder holds it (housekeeping adds what this computer recorded). */
export interface DriveArchive {
  id: string;
  state: DriveArchiveState;
  time: string | null;
  files: number | null;
  bytes: number | null;
}

export interface BackupApiDeps {
  home: string;
  env?: NodeJS.ProcessEnv;
  emit?: BackupEmit;
  /** The unlocked reading keys; throws Locked when the vault is locked. */
  readKeys: () => ReadKeys;
  /** Tests: the storage for a backup folder (e.g. one that fails with ENOSPC). */
  storageFor?: (dir: string) => RepoStorage;
  /** S3 storage's connection, for backups at an s3:// location (undefined: none to be had now). */
  s3?: () => Promise<S3Connection | undefined>;
  /** Parameters of a repository created from now on (tests: small chunks and packs). */
  params?: RepoParams;
}

export interface RestoreOptions {
  /** 'latest' (default), a full snapshot ID, or a unique prefix of at least 4 hex digits. */
  snapshot?: string;
  path?: string;
  /** Several files or folders (the app's ticked entries); with `path`, both count. */
  paths?: string[];
  to: string;
}

export interface ForgetOptions {
  prune?: boolean;
  policy?: Partial<RetentionPolicy>;
  dryRun?: boolean;
}

function paramsFromEnv(env: NodeJS.ProcessEnv | undefined): RepoParams | undefined {
  const text = env?.CASEVAULT_BACKUP_PARAMS;
  if (!text) return undefined;
  try {
    return JSON.parse(text) as RepoParams;
  } catch {
    throw new UsageError('the setting CASEVAULT_BACKUP_PARAMS is not valid JSON', 'set-environment');
  }
}

/** Why a run failed, as its record keeps it (Home says "the last backup did not work (...)"). */
function runError(e: unknown): string {
  if (e instanceof Failure || e instanceof CasevaultError || e instanceof RemoteError) return e.message;
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === 'ENOSPC' ? 'the backup drive is full' : code ? `system error ${code}` : 'unexpected error';
}

/** Whether the backup location is there now; 'no-bucket': S3 storage answered that its bucket is not there. */
type Reach = 'there' | 'not-there' | 'no-bucket';

export class BackupApi {
  constructor(private readonly d: BackupApiDeps) {}

  /** Object Lock's retention on S3 storage: as many days as the policy keeps dailies (a snapshot pruned sooner stays until then). */
  private readonly lockDays = async () => (await loadSettings(this.d.home)).retention.daily;

  private async target(): Promise<{ config: VaultConfig; dir: string; storage: RepoStorage }> {
    const config = await loadConfig(this.d.home);
    if (!config.backupDir) throw new UsageError('this vault has no backup folder yet', 'set-backup-folder');
    const dir = config.backupDir;
    // A file at the folder's path (chosen before files were refused there): no drive to plug in helps, another folder does.
    if (
      !isS3Location(dir) &&
      (await stat(dir).then(
        (s) => !s.isDirectory(),
        () => false,
      ))
    )
      throw backupFolderIsAFile(dir);
    return { config, dir, storage: this.d.storageFor?.(dir) ?? repoStorageAt(dir, this.d.s3, this.lockDays) };
  }

  /**
   * Open this vault's repository. A folder that once held it and now is
   * missing or empty is not recreated (an unplugged drive's mount point
   * must not receive backups): BackupTargetMissing.
   */
  private async open(create: boolean): Promise<{ repo: Repository; storage: RepoStorage; local: BackupLocalState; dir: string }> {
    const { config, dir, storage } = await this.target();
    const local = await loadBackupState(this.d.home);
    const known = local.repoId !== undefined && local.dir === dir;
    const state = await storage.probe();
    if (isS3Location(dir)) {
      // No drive to plug in: the bucket or the backups in it are gone, or the address is wrong.
      if (state === 'missing' && (known || !create))
        throw new BackupTargetMissing(
          `the S3 bucket of the backups (${dir}) is not there (removed, or its address is wrong: the union's storage administrator can tell)`,
          'change-backup-folder',
        );
      if (state !== 'used' && known)
        throw new BackupTargetMissing(
          `the S3 storage holds no backups at ${dir} any more (deleted, or the address is wrong: the union's storage administrator can tell)`,
          'change-backup-folder',
        );
    }
    if (state === 'missing' && (known || !create)) throw new BackupTargetMissing('the backup folder cannot be found');
    if (state !== 'used' && known) throw new BackupTargetMissing('the backup folder is empty, as if the backup drive were not plugged in or mounted');
    let repo: Repository;
    try {
      repo = await Repository.open(
        storage,
        configWriteKeys(config),
        create ? (this.d.params ?? paramsFromEnv(this.d.env) ?? DEFAULT_REPO_PARAMS) : undefined,
        config.retiredAuthKeys,
        local.repoId !== undefined ? { repoId: local.repoId, generation: local.generation ?? 0 } : undefined,
      );
    } catch (e) {
      if (e instanceof RemoteUnavailable) throw BackupTargetMissing.from(e, dir);
      throw e;
    }
    await this.forgetRetiredAuthKeys(config); // opened, so its key is under the current keys now (re-wrapped if it was not)
    if (local.repoId !== repo.idHex || local.dir !== dir) {
      local.repoId = repo.idHex;
      local.dir = dir;
      local.snapshots = [];
      local.forgotten = [];
      local.noted = [];
      local.archives = [];
      local.damaged = [];
      delete local.listed;
      local.generation = repo.generation;
      await saveBackupState(this.d.home, local);
    } else if ((local.generation ?? 0) < repo.generation) {
      local.generation = repo.generation; // pinned: the config is never accepted at an earlier generation again
      await saveBackupState(this.d.home, local);
    }
    repo.damaged = new Set(local.damaged);
    return { repo, storage, local, dir };
  }

  /** Keep what a verify or restore found damaged or lost (dropping the records of packs neither in the folder nor in its index), for the next backup; written only when it changed. */
  private async rememberDamaged(dir: string, repo: Repository): Promise<void> {
    const local = await loadBackupState(this.d.home);
    if (local.dir !== dir || local.repoId !== repo.idHex) return;
    const damaged = [...repo.damaged].filter((k) => {
      const pack = k.slice(0, k.indexOf(':'));
      return repo.packs.has(pack) || repo.lost.has(pack);
    });
    if (damaged.length === local.damaged.length && damaged.every((k) => local.damaged.includes(k))) return;
    const found = damaged.some((k) => !local.damaged.includes(k));
    await saveBackupState(this.d.home, { ...local, damaged, ...(found ? { damageFoundAt: new Date().toISOString() } : {}) });
  }

  /**
   * After a key rotation: the backup folder's key re-wrapped under the new
   * keys now, if the folder is there ('later': at the next backup; 'none':
   * no backups yet, so none to re-wrap).
   */
  async adoptKeys(): Promise<'rewrapped' | 'later' | 'none'> {
    const config = await loadConfig(this.d.home);
    if (!config.backupDir) return 'none';
    try {
      await this.open(false);
      return 'rewrapped';
    } catch (e) {
      if (e instanceof BackupTargetMissing) return 'later';
      if (!(e instanceof NoRepository)) throw e;
      await this.forgetRetiredAuthKeys(config); // the first backup makes its repository under the current keys
      return 'none';
    }
  }

  /** After a key rotation: the earlier auth keys kept for the backup folder's key, dropped once no repository can be under them. */
  private async forgetRetiredAuthKeys(config: VaultConfig): Promise<void> {
    if (!config.retiredAuthKeys) return;
    const { retiredAuthKeys: _, ...rest } = config;
    await saveConfig(this.d.home, rest);
  }

  /** Take a snapshot of the vault folder now. Needs only the write keys. */
  async backup(o: { signal?: AbortSignal } = {}): Promise<BackupReport> {
    const started = Date.now();
    const config = await loadConfig(this.d.home);
    try {
      const { repo, storage, dir } = await this.open(true);
      const { report, listed, vaultAt } = await withRepoLock(storage, 'backup', async () => {
        const cache = await loadFileCache(this.d.home, repo.cacheId);
        // The vault folder as this backup finds it, recorded with its file count once the backup is taken; the last backup's record is what an empty folder is judged by.
        const vaultAt = await stat(config.vaultDir).then(identityOf, () => undefined);
        const backedUp = (await loadBackupState(this.d.home)).vault;
        const r = await runBackup({
          repo,
          vaultDir: config.vaultDir,
          cache: cache.files,
          ...(this.d.emit ? { emit: this.d.emit } : {}),
          ...(o.signal ? { signal: o.signal } : {}),
          replacedByEmpty: () => emptyFolderReplaced(this.d.home, config.vaultDir, backedUp),
        });
        await saveFileCache(this.d.home, repo.cacheId, cache, r.cache);
        return { report: r.report, vaultAt, listed: await listRepository(repo, (await loadBackupState(this.d.home)).archives) };
      }).finally(() => wipeRepoKeys(repo.keys));
      // Read again: the folder may have been changed while this ran, and its records must not receive this folder's snapshot.
      const local = await loadBackupState(this.d.home);
      if (local.dir === dir && local.repoId === repo.idHex) {
        local.snapshots.push(report.snapshot);
        local.listed = listed;
      }
      if (vaultAt) local.vault = { ...vaultAt, birth: vaultAt.birth ?? 0, files: report.files };
      local.runs.push({
        at: report.time,
        ok: true,
        snapshot: report.snapshot,
        files: report.files,
        bytesAdded: report.bytesAdded,
        durationMs: report.durationMs,
        folder: dir,
      });
      await saveBackupState(this.d.home, local);
      return report;
    } catch (e) {
      if (!config.backupDir) throw e; // no folder, no attempt: nothing to record against any folder
      const local = await loadBackupState(this.d.home);
      local.runs.push({
        at: new Date(started).toISOString(),
        ok: false,
        files: 0,
        bytesAdded: 0,
        durationMs: Date.now() - started,
        error: runError(e),
        folder: config.backupDir,
      });
      await saveBackupState(this.d.home, local).catch(() => {}); // the run's own failure is what the person must hear
      throw e;
    }
  }

  /**
   * Attach or change the backup folder (folder.ts): checked, adopted if it
   * holds this vault's backups, then this computer's records start afresh
   * for it. `earlier`: the vault's earlier auth keys at hand, and whether
   * some are out of reach (locked after a key rotation). Nothing is written
   * when the folder is refused.
   */
  async attach(dir: string, earlier: { authKeys: readonly string[]; locked: boolean }): Promise<BackupFolderReport> {
    const config = await loadConfig(this.d.home);
    const local = await loadBackupState(this.d.home);
    const previous = config.backupDir ?? null;
    if (previous === backupFolderPath(dir)) {
      const l = local.listed;
      return {
        folder: previous,
        previous,
        state: 'unchanged',
        snapshots: l?.snapshots ?? 0,
        archives: l?.archives ?? 0,
        latest: l?.latest ?? null,
        rewrapped: false,
      };
    }
    const found = await inspectBackupFolder({
      dir,
      vaultDir: config.vaultDir,
      home: this.d.home,
      cloud: config.cloud,
      writeKeys: configWriteKeys(config),
      earlierAuthKeys: earlier.authKeys,
      earlierKeysLocked: earlier.locked,
      storage: this.d.storageFor ?? ((d: string) => repoStorageAt(d, this.d.s3, this.lockDays)),
    });
    // The records first: killed before the settings change, they describe a folder not yet in use, which open() sets right.
    await saveBackupState(this.d.home, attachedState(local, config.backupDir, found));
    await saveConfig(this.d.home, { ...(await loadConfig(this.d.home)), backupDir: found.dir });
    return folderReport(found, previous);
  }

  /** The readable snapshots in the backup folder, oldest first. Needs only the write keys. */
  async snapshots(): Promise<SnapshotInfo[]> {
    return (await this.list()).snapshots;
  }

  /**
   * What the health says of this computer's backups in the folder: whether
   * the last one (`last`) is there and its manifest opens, and which others
   * it took are gone (neither forgotten nor noted: verify --backup notes them).
   * Status asks this on every call, so this computer's other snapshots are
   * not opened (whether they read back is verify --backup's question): the
   * cost does not grow with the backups it keeps.
   */
  async ownSnapshots(last: string): Promise<OwnSnapshots> {
    const { repo, local } = await this.open(false);
    try {
      const present = await repo.listSnapshots();
      const { live, replayed } = splitReplayed(present, local.forgotten);
      const own = new Set(expectedSnapshots(local));
      const notSnapshots: string[] = [];
      let lastReadable = false; // stays so when it is gone, or forgotten here and put back
      for (const id of live) {
        if (own.has(id) && id !== last) continue; // its own, so never "not a snapshot": only a missing one is told, below
        const readable = await repo.readSummary(id).then(
          () => true,
          (e: unknown) => {
            if (!isDataDefect(e)) throw e;
            return false; // damaged or tampered with: verify --backup says which
          },
        );
        if (id === last) lastReadable = readable;
        else if (!readable && (await repo.notOurs(id))) notSnapshots.push(id);
      }
      return { lastReadable, missing: missingSnapshots(local, new Set(present)), replayed, notSnapshots };
    } finally {
      await wipeRepoKeys(repo.keys);
    }
  }

  /** The same, and the IDs of those that cannot be read. */
  async list(): Promise<SnapshotList> {
    const { repo, local, dir } = await this.open(false);
    try {
      const out: SnapshotInfo[] = [];
      const unreadable: string[] = [];
      const archives = await archiveIds(repo, local.archives);
      const { live, replayed } = splitReplayed(await repo.listSnapshots(), local.forgotten); // a replay is never offered as a backup
      for (const id of live) {
        try {
          const s = await repo.readSummary(id);
          out.push({ id, time: new Date(s.timeMs).toISOString(), files: s.files, bytes: s.bytes, ...(archives.has(id) ? { archive: true as const } : {}) });
        } catch {
          unreadable.push(id); // no one can restore it, and no one may take the folder for complete: verify --backup says what is wrong
        }
      }
      out.sort((a, b) => a.time.localeCompare(b.time) || a.id.localeCompare(b.id));
      await this.remember(dir, repo.idHex, out);
      const present = new Set([...out.map((s) => s.id), ...unreadable]);
      return { snapshots: out, unreadable, missing: missingSnapshots(local, present), replayed };
    } finally {
      await wipeRepoKeys(repo.keys);
    }
  }

  /** Keep the listing, so that while the drive is away this computer can still say what it holds (written only when it changed). */
  private async remember(dir: string, repoId: string, list: readonly SnapshotInfo[]): Promise<void> {
    const backups = list.filter((s) => !s.archive);
    const listed: Listed = {
      at: new Date().toISOString(),
      snapshots: backups.length,
      archives: list.length - backups.length,
      latest: backups.at(-1)?.time ?? null,
    };
    const local = await loadBackupState(this.d.home);
    const was = local.listed;
    if (local.dir !== dir || local.repoId !== repoId) return;
    if (was && was.snapshots === listed.snapshots && was.archives === listed.archives && was.latest === listed.latest) return;
    await saveBackupState(this.d.home, { ...local, listed });
  }

  /**
   * The snapshot `wanted` names. 'latest' is the newest that can be read,
   * unless the newest this computer took (and did not forget) cannot be: then
   * the newest readable one is older than what this computer backed up, and
   * restoring it as "latest" would put back older files unannounced.
   */
  private async resolve(repo: Repository, wanted: string | undefined, archives: ReadonlySet<string>, local: BackupLocalState): Promise<string> {
    const all = await repo.listSnapshots();
    const ids = splitReplayed(all, local.forgotten).live; // a replay is never restored, by any name
    if (ids.length === 0 && all.length === 0) throw new UsageError('the backup folder holds no snapshots yet', 'take-backup');
    if (!wanted || wanted === 'latest') {
      const own = expectedSnapshots(local)
        .filter((id) => !archives.has(id))
        .at(-1);
      let best: { id: string; t: number } | undefined;
      let ownReadable = own === undefined;
      for (const id of ids) {
        if (archives.has(id)) continue;
        const t = await repo.readSummary(id).then(
          (s) => s.timeMs,
          () => -1,
        );
        if (id === own && t >= 0) ownReadable = true;
        if (!best || t > best.t) best = { id, t };
      }
      if (!ownReadable)
        throw new Damaged(
          `the newest backup this computer took (${own!.slice(0, 8)}) is missing from the backup folder or cannot be read (deleted, damaged, or the folder put back to an earlier state), so the latest one there is older; name the snapshot to restore`,
          'list-snapshots',
        );
      if (!best || best.t < 0) throw new Damaged('no snapshot in the backup folder can be read', 'verify-backup');
      return best.id;
    }
    const hits = prefixHits(wanted, ids);
    if (!hits) throw new UsageError('a snapshot is named "latest" or by its ID (at least its first 4 characters)', 'list-snapshots');
    if (hits.length === 0 && prefixHits(wanted, all)!.length > 0)
      throw new Damaged('that snapshot was forgotten here before and put back into the backup folder, so it is not restored', 'prune-backups');
    if (hits.length === 0) throw new UsageError('no snapshot has that ID', 'list-snapshots');
    if (hits.length > 1) throw new UsageError('several snapshots start with that ID; give more of it');
    return hits[0]!;
  }

  /** Restore a snapshot, or the file or folder `path` of it, into `to` (never overwriting). Needs the vault unlocked. */
  async restore(o: RestoreOptions): Promise<RestoreReport> {
    const { cloud, backupDir } = await loadConfig(this.d.home);
    await checkRestoreTarget(o.to, {
      ...(cloud.kind === 'folder' ? { cloudDir: cloud.dir } : {}),
      ...(backupDir && !isS3Location(backupDir) ? { backupDir } : {}),
      home: this.d.home,
    });
    const keys = this.d.readKeys();
    const { repo, storage, local, dir } = await this.open(false);
    try {
      return await withRepoLock(storage, 'restore', async () => {
        const id = await this.resolve(repo, o.snapshot, await archiveIds(repo, local.archives), local);
        const manifest = await repo.readManifest(id, keyring(keys));
        const wanted = [...(o.path ? [o.path] : []), ...(o.paths ?? [])];
        const files = wanted.length > 0 ? selectPaths(manifest.files, wanted) : selectFiles(manifest.files, undefined);
        await repo.loadIndex();
        const report = await restoreFiles(
          { repo, readers: keyring(keys), snapshot: id, ...(o.path ? { path: o.path } : {}), to: o.to, ...(this.d.emit ? { emit: this.d.emit } : {}) },
          files,
        );
        await this.rememberDamaged(dir, repo);
        return report;
      });
    } finally {
      repo.wipeSlotKeys();
      await wipeRepoKeys(repo.keys);
    }
  }

  /** The files of a snapshot ('latest' by default), sorted by path: its manifest, decrypted. Needs the vault unlocked. */
  async tree(snapshot?: string): Promise<SnapshotTree> {
    const keys = this.d.readKeys();
    const { repo, local } = await this.open(false);
    try {
      const id = await this.resolve(repo, snapshot, await archiveIds(repo, local.archives), local);
      const { summary, files } = await repo.readManifest(id, keyring(keys));
      return {
        snapshot: id,
        time: new Date(summary.timeMs).toISOString(),
        files: files.map((f) => ({ path: f.path, size: f.size, mtimeMs: f.mtimeMs })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
      };
    } finally {
      repo.wipeSlotKeys();
      await wipeRepoKeys(repo.keys);
    }
  }

  /**
   * One file's versions across every snapshot and archive (versions.ts):
   * each manifest is read, so it costs one decryption per snapshot. Needs
   * the vault unlocked (the file lists are encrypted).
   */
  async fileVersions(path: string): Promise<FileVersions> {
    try {
      assertSafeVaultPath(path);
    } catch {
      throw new UsageError("that is not a path inside the vault (a file's path relative to the vault, with / between folders)");
    }
    const keys = this.d.readKeys();
    const { repo, local } = await this.open(false);
    try {
      const archives = await archiveIds(repo, local.archives);
      const found: FoundFile[] = [];
      const unreadable: string[] = [];
      for (const id of splitReplayed(await repo.listSnapshots(), local.forgotten).live) {
        let manifest;
        try {
          manifest = await repo.readManifest(id, keyring(keys));
        } catch (e) {
          if (!isMissingOrDamaged(e)) throw e;
          unreadable.push(id); // verify names what is wrong with it; the other snapshots still answer
          continue;
        }
        const file = manifest.files.find((f) => f.path === path);
        if (file) found.push({ snapshot: { id, time: new Date(manifest.summary.timeMs).toISOString(), ...(archives.has(id) ? { archive: true } : {}) }, file });
      }
      return { path, versions: fileVersions(found), unreadable };
    } finally {
      await wipeRepoKeys(repo.keys);
    }
  }

  /** Check the repository: structure, then every byte (or a sample of packs with `quick`). Needs the vault unlocked. */
  async verify(o: { quick?: boolean } = {}): Promise<BackupVerifyReport> {
    const keys = this.d.readKeys();
    const { repo, storage, local, dir } = await this.open(false);
    try {
      const report = await withRepoLock(storage, 'verify', () =>
        verifyRepository({
          repo,
          readers: keyring(keys),
          sample: o.quick ? 0.1 : 1,
          expectedSnapshots: expectedSnapshots(local),
          forgotten: new Set(local.forgotten),
          ...(this.d.emit ? { emit: this.d.emit } : {}),
        }),
      );
      await this.rememberDamaged(dir, repo);
      if (report.noted.length > 0) {
        const now = await loadBackupState(this.d.home); // as rememberDamaged left it
        now.noted.push(...report.noted);
        await saveBackupState(this.d.home, now);
      }
      return report;
    } finally {
      await wipeRepoKeys(repo.keys);
    }
  }

  /** Apply the retention policy; with `prune`, remove the data no remaining snapshot needs. Needs only the write keys. */
  async forget(o: ForgetOptions = {}): Promise<ForgetReport> {
    const policy = { ...DEFAULT_RETENTION, ...o.policy };
    for (const v of Object.values(policy)) if (!Number.isInteger(v) || v < 0) throw new UsageError('retention counts must be whole numbers, 0 or more');
    const { repo, storage, local } = await this.open(false);
    try {
      return await withRepoLock(storage, 'forget', async () => {
        const own = new Set(local.snapshots); // this computer's group; the rest of the folder is the other (forget.ts)
        const r = await forgetSnapshots(
          repo,
          policy,
          o.dryRun,
          await archiveIds(repo, local.archives),
          own,
          async (ids) => {
            local.forgotten.push(...ids); // recorded first: verify then never takes a snapshot deleted here for one the folder lost
            await saveBackupState(this.d.home, local);
          },
          new Set(local.forgotten),
        );
        if (r.locked?.length) {
          // Kept for now by Object Lock: not forgotten yet (never taken for one put back), and the next forget tries again.
          const stayed = new Set(r.locked.map((l) => l.id));
          local.forgotten = local.forgotten.filter((id) => !stayed.has(id));
          await saveBackupState(this.d.home, local);
        }
        if (!o.dryRun && o.prune) r.prune = await prune(repo, this.d.emit, { forgotten: new Set(local.forgotten), own: new Set(expectedSnapshots(local)) });
        return r;
      });
    } finally {
      await wipeRepoKeys(repo.keys);
    }
  }

  /**
   * Archive the vault files `include` accepts: a snapshot of just those,
   * marked as an archive before its manifest is written, then read back from
   * the drive and compared byte for byte with the vault. Nothing is removed
   * here; on any failure the archive is discarded. Needs the vault unlocked.
   */
  async archive(o: { include: (path: string) => boolean; expected: ReadonlySet<string> }): Promise<ArchiveReport> {
    const keys = this.d.readKeys();
    const config = await loadConfig(this.d.home);
    const { repo, storage, local } = await this.open(true);
    try {
      return await withRepoLock(storage, 'archive', async () => {
        const id = randomBytes(16);
        const hex = toHex(id);
        await markArchive(repo, hex);
        try {
          const cache = await loadFileCache(this.d.home, repo.cacheId);
          const { report } = await runBackup({
            repo,
            vaultDir: config.vaultDir,
            cache: cache.files,
            include: o.include,
            snapshotId: id,
            ...(this.d.emit ? { emit: this.d.emit } : {}),
          });
          if (report.failed.length > 0 || report.files !== o.expected.size) {
            throw new Refused(
              'some files of the case could not be read (or changed while being archived), so nothing was removed; close any program using them and try again',
            );
          }
          const files = await readBackArchive(repo, keyring(keys), hex, config.vaultDir, o.expected);
          local.snapshots.push(hex);
          local.archives.push(hex);
          await saveBackupState(this.d.home, local);
          return { snapshot: hex, time: report.time, files, bytes: report.bytes };
        } catch (e) {
          await discardArchive(repo, hex).catch(() => {}); // a marker left behind shows as 'marker only' and can be deleted
          throw e;
        }
      });
    } finally {
      repo.wipeSlotKeys();
      await wipeRepoKeys(repo.keys);
    }
  }

  /** The archives in the backup folder (markers, and those this computer remembers), oldest first. Needs only the write keys. */
  async archives(): Promise<DriveArchive[]> {
    let opened;
    try {
      opened = await this.open(false);
    } catch (e) {
      // No backup taken yet (the folder not even made): nothing archived there.
      if (e instanceof NoRepository || (e instanceof BackupTargetMissing && (await loadBackupState(this.d.home)).repoId === undefined)) return [];
      throw e;
    }
    const { repo, local } = opened;
    try {
      const present = new Set(await repo.listSnapshots());
      const marked = await archiveIds(repo, []);
      const out: DriveArchive[] = [];
      for (const id of await archiveIds(repo, local.archives)) {
        const none = { id, time: null, files: null, bytes: null };
        if (!present.has(id)) {
          out.push({ ...none, state: marked.has(id) ? 'marker only' : 'missing' });
          continue;
        }
        const s = await repo.readSummary(id).catch(() => undefined); // listed as unreadable, not hidden
        out.push(s ? { id, state: 'snapshot', time: new Date(s.timeMs).toISOString(), files: s.files, bytes: s.bytes } : { ...none, state: 'unreadable' });
      }
      return out.sort((a, b) => (a.time ?? '9').localeCompare(b.time ?? '9') || a.id.localeCompare(b.id));
    } finally {
      await wipeRepoKeys(repo.keys);
    }
  }

  /**
   * Delete archives: for each, its manifest, then its marker (so no moment
   * shows an unmarked archive, nor a marked one that looks whole but is not),
   * then prune the data no remaining snapshot or archive needs. `wanted` are
   * IDs or unique prefixes of 4+ hex digits; `known` adds the IDs this
   * computer's housekeeping recorded. Each archive is forgotten in
   * backup-state.json before its manifest goes (verify must not call the
   * deletion a rollback) and left out of `archives` only after the prune, so
   * a run killed at any point is finished by running it again. `removed` is
   * called under the lock once each is gone. Needs only the write keys.
   */
  async deleteArchives(o: { wanted: readonly string[]; known: readonly string[]; removed: (r: ArchiveRemoval) => Promise<void> }): Promise<ArchiveRemoval[]> {
    const { repo, storage, local } = await this.open(false);
    try {
      return await withRepoLock(storage, 'prune', async () => {
        const snapshots = await repo.listSnapshots();
        const archives = new Set([...(await archiveIds(repo, local.archives)), ...o.known]);
        const ids = [...new Set(o.wanted.map((w) => resolveArchive(w, archives, snapshots)))];
        const marked = await archiveIds(repo, []);
        const out: ArchiveRemoval[] = [];
        for (const id of ids) {
          const hadManifest = snapshots.includes(id);
          const summary = hadManifest ? await repo.readSummary(id).catch(() => undefined) : undefined; // its date and size are then unknown; the deletion goes on
          if (!local.forgotten.includes(id)) local.forgotten.push(id);
          await saveBackupState(this.d.home, local);
          await discardArchive(repo, id);
          const p = await prune(repo, this.d.emit, { forgotten: new Set(local.forgotten), own: new Set(expectedSnapshots(local)) });
          local.archives = local.archives.filter((a) => a !== id);
          await saveBackupState(this.d.home, local);
          const r: ArchiveRemoval = {
            id,
            removed: hadManifest ? 'snapshot and marker' : marked.has(id) ? 'marker' : 'nothing',
            time: summary ? new Date(summary.timeMs).toISOString() : null,
            files: summary?.files ?? null,
            bytesFreed: Math.max(0, p.bytesBefore - p.bytesAfter),
            prune: p,
          };
          await o.removed(r);
          out.push(r);
        }
        return out;
      });
    } finally {
      await wipeRepoKeys(repo.keys);
    }
  }

  /** Last backup, next one due, and whether backups are overdue (for status and the scheduler): the current folder's runs only. */
  async status(schedule: BackupSchedule = DEFAULT_SCHEDULE, now = Date.now()): Promise<BackupStatus> {
    const { reach, ...facts } = await this.facts(schedule, now);
    return { ...facts, health: await backupsStatusHealth(facts, now, reach === 'no-bucket') };
  }

  /**
   * Whether the backup location can be reached now: a folder is a directory
   * there; S3 storage is asked (its bucket there, within PROBE_DEADLINE_MS),
   * never taken for a local path.
   */
  private async reachable(folder: string): Promise<Reach> {
    if (!isS3Location(folder)) {
      return stat(folder).then(
        (s) => (s.isDirectory() ? 'there' : 'not-there'),
        () => 'not-there',
      );
    }
    let storage: RepoStorage | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      storage = this.d.storageFor?.(folder) ?? repoStorageAt(folder, this.d.s3, this.lockDays);
      const s3 = storage;
      const asked = withinDeadline(PROBE_DEADLINE_MS, () => s3.probe()).then((state): Reach => (state === 'missing' ? 'no-bucket' : 'there'));
      const late = new Promise<Reach>((resolve) => (timer = setTimeout(() => resolve('not-there'), PROBE_DEADLINE_MS)));
      return await Promise.race([asked.catch((): Reach => 'not-there'), late]);
    } catch {
      return 'not-there';
    } finally {
      clearTimeout(timer);
      storage?.close?.();
    }
  }

  private async facts(schedule: BackupSchedule, now: number): Promise<BackupFacts & { reach?: Reach }> {
    const config = await loadConfig(this.d.home);
    const local = await loadBackupState(this.d.home);
    if (!config.backupDir) {
      return {
        folder: null,
        reachable: false,
        lastBackup: null,
        lastAttempt: null,
        nextBackup: null,
        overdue: false,
        runs: [],
        remembered: null,
        damageFound: null,
      };
    }
    const folder = config.backupDir;
    // A run recorded before folders could change went to the folder the records were kept for.
    const runs = local.runs.filter((r) => (r.folder ?? local.dir ?? folder) === folder).map(({ folder: _, ...r }) => r);
    const lastOk = [...runs].reverse().find((r) => r.ok) ?? null;
    const last = runs.at(-1) ?? null;
    const mine = local.dir === folder;
    const st = {
      now,
      sinceMs: Math.max(Date.parse(config.createdAt) || 0, (mine && local.attachedAt && Date.parse(local.attachedAt)) || 0) || now,
      // Before this computer's first backup to an adopted folder, the newest backup the folder held when attached counts as the last.
      lastSuccessMs: lastOk ? Date.parse(lastOk.at) : mine && local.listed?.latest ? Date.parse(local.listed.latest) : null,
      lastAttemptMs: last ? Date.parse(last.at) : null,
      lastAttemptOk: last ? last.ok : null,
    };
    const reach = await this.reachable(folder);
    return {
      folder,
      reachable: reach === 'there',
      reach,
      lastBackup: lastOk,
      lastAttempt: last,
      nextBackup: new Date(nextBackupAt(schedule, st)).toISOString(),
      overdue: backupOverdue(schedule, st).overdue,
      runs: runs.slice(-20).reverse(),
      remembered: mine && local.listed ? local.listed : null,
      damageFound: mine && local.damaged.length > 0 && local.damageFoundAt ? local.damageFoundAt : null,
    };
  }
}

/** The IDs that start with `wanted` (a full ID or 4+ hex digits, any case); undefined if it is not one. */
function prefixHits(wanted: string, ids: Iterable<string>): string[] | undefined {
  const w = wanted.toLowerCase();
  return /^[0-9a-f]{4,32}$/.test(w) ? [...ids].filter((id) => id.startsWith(w)) : undefined;
}

function resolveArchive(wanted: string, archives: ReadonlySet<string>, snapshots: readonly string[]): string {
  const hits = prefixHits(wanted, archives);
  if (!hits) throw new UsageError('an archive is named by its ID (at least its first 4 characters)', 'list-archives');
  if (hits.length > 1) throw new UsageError('several archives start with that ID, so nothing was deleted; give more of it');
  if (hits.length === 0) {
    if (prefixHits(wanted, snapshots)!.length > 0)
      throw new UsageError('that snapshot is not an archive, so nothing was deleted; ordinary snapshots go by the retention policy');
    throw new UsageError('no archive has that ID, so nothing was deleted', 'list-archives');
  }
  return hits[0]!;
}

/** The backup methods of the Engine (engine/engine.ts delegates them to BackupApi), as the CLI uses them. */
export interface BackupEngine {
  readonly home: string;
  unlock(s: { passphrase: string } | { recoveryKey: string }): Promise<void>;
  lock(): Promise<void>;
  backup(o?: { signal?: AbortSignal }): Promise<BackupReport>;
  snapshotList(): Promise<SnapshotList>;
  restoreBackup(o: RestoreOptions): Promise<RestoreReport>;
  verifyBackup(o?: { quick?: boolean }): Promise<BackupVerifyReport>;
  forget(o?: ForgetOptions): Promise<ForgetReport>;
}
