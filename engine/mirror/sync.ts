// One sync pass: vault folder -> encrypted cloud mirror. Needs only the write
// keys, so it runs while the vault is locked. New and changed files become
// one object each; unchanged files (same size, times and inode as last
// uploaded) cost nothing; deleted files' objects move to the remote trash.
import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FileChanged, objectId, objectLength, objectRemoteName, ObjectSealer, parseObjectRemoteName, toHex, type WriteKeys } from '../../crypto/index.js';
import { mirrorAudit } from '../audit/trail.js';
import { conflictPath, remoteTag, tagOf, tapFirst } from './devices.js';
import { highWaterName, othersSum, ownRollback, raiseOwn } from './high-water.js';
import { countDevices } from '../devices/this-device.js';
import { loadDamaged, saveDamaged } from './damaged.js';
import { badFolderFailures } from './bad-names.js';
import { readSmall, readStable, record, SMALL_FILE } from './file-read.js';
import { sealInWorkers } from './seal-pool.js';
import { worthWorkers } from '../fsutil/worker-batches.js';
import { Refused } from '../errors.js';
import { runPool } from '../fsutil/pool.js';
import { FolderRemote } from '../remotes/folder.js';
import { RemoteNotFound, type Remote } from '../remotes/remote.js';
import { onePass } from '../remotes/retry.js';
import { folderPath, isUnder, scanVault, type ScannedFile, type ScanResult } from './scan.js';
import { loadState, manyFilesRecorded, saveChanges, saveLastSync, stateDirty, type FileRecord, type SyncState } from './state.js';
import { purgeTrash, trashName } from './trash.js';
import { assertCloudWritable } from '../keys/cloud-key-file.js';
import { fileCount, type CloudSpec, type Emit, type PathReason, type SyncReport } from '../../contract/index.js';
import { statIfExists } from '../fsutil/read.js';
import { describeFailure } from './failure-reason.js';
import { identityOf, replacedByEmpty, replacedSentence } from './vault-identity.js';

export interface SyncContext {
  home: string;
  vaultDir: string;
  /** Where the cloud copy is (its folder is checked to be there before anything is written). */
  cloud: CloudSpec;
  remote: Remote;
  keys: WriteKeys;
  trashDays: number;
  emit: Emit;
  /** How long a just-written file must stay unchanged before upload (default 1 s; the watcher uses less). */
  settleMs?: number;
  /** This computer's device ID (hex) and a short name for conflicted copies. */
  deviceId: string;
  deviceName: string;
  /** The vault's public keys from before a key rotation (config.json): an old key file put back in the cloud is told apart. */
  retiredPublicKeys?: readonly string[];
  /** This computer among the vault's computers (engine/devices/): its order checked before a pass, its record kept current. */
  devices: {
    /** A wipe ordered for this computer, returned to be carried out once `rescueBeforeWipe` has run. */
    beforePass(): Promise<(() => Promise<never>) | undefined>;
    /** How many other computers have a record in the cloud (this one's is written if missing). */
    register(): Promise<number>;
    afterPass(files: ReadonlyMap<string, FileRecord>): Promise<void>;
  };
}

const CONCURRENCY = 8;
/**
 * Large files at once (above SMALL_FILE): each keeps this thread's cipher
 * busy, so two overlap one's reads and writes with the other's encryption;
 * more would only hold more buffers (measured on the adverse mix: 8 at once
 * took 27-46 MiB more at the peak, for no gain in time).
 */
const LARGE_AT_ONCE = 2;
const SETTLE_MS = 1000;
const SAVE_EVERY_MS = 2000;
const CHANGE_RETRIES = 3;
/** A cloud object whose length the listing did not give. */
const SIZE_UNKNOWN = -1;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether the file is as it was when last uploaded (size, times, inode): then it costs nothing. */
export function sameFile(r: FileRecord | undefined, f: ScannedFile): boolean {
  return !!r && r.size === f.size && r.mtimeMs === f.mtimeMs && r.ctimeMs === f.ctimeMs && r.ino === f.ino;
}

/** Uploaded files no longer in the vault (nothing under an unreadable folder counts as removed). */
export function removedPaths(state: SyncState, scan: ScanResult): string[] {
  const removed: string[] = [];
  for (const p of state.files.keys()) if (!scan.files.has(p) && !isUnder(p, scan.unreadable)) removed.push(p);
  return removed;
}

/**
 * Encrypts the vault file `path` and stores it as the object of `asPath`
 * (the same path, or its conflicted copy), under `remoteName` (default: the
 * object's own name; a trash name keeps a version that is about to be replaced).
 */
export async function uploadFile(
  ctx: Pick<SyncContext, 'vaultDir' | 'keys' | 'remote'>,
  sealer: ObjectSealer,
  path: string,
  asPath: string,
  remoteName?: (id: Uint8Array) => string,
): Promise<FileRecord> {
  const full = join(ctx.vaultDir, ...path.split('/'));
  const id = await objectId(ctx.keys.nameKey, asPath);
  const name = (remoteName ?? objectRemoteName)(id);
  const small = readSmall(full);
  if (small) {
    const { bytes, st } = small;
    const object = sealer.sealBytes(id, { path: asPath, size: st.size, mtimeMs: st.mtimeMs }, bytes);
    await ctx.remote.put(name, object);
    return record(st, id, tagOf(object));
  }
  const fh = await open(full, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new Refused('not a regular file');
    const meta = { path: asPath, size: st.size, mtimeMs: st.mtimeMs };
    let tag: string | undefined;
    await ctx.remote.put(
      name,
      tapFirst(sealer.encrypt(id, meta, readStable(fh, st.size, st.mtimeMs)), (head) => (tag = tagOf(head))),
    );
    return record(st, id, tag);
  } finally {
    await fh.close();
  }
}

/**
 * Whether another computer replaced this file's object since this computer
 * last wrote it (or created it, if this computer never did). A record
 * without a tag (before tags, or after a lost state) cannot tell: no.
 */
async function changedElsewhere(ctx: SyncContext, path: string, previous: FileRecord | undefined): Promise<boolean> {
  if (previous && !previous.tag) return false;
  const current = await remoteTag(ctx.remote, objectRemoteName(await objectId(ctx.keys.nameKey, path)));
  return current !== undefined && current !== previous?.tag;
}

/** Retries a file that changed while being read; a file that keeps changing is left for the next pass. */
async function uploadWithRetry(ctx: SyncContext, sealer: ObjectSealer, path: string, asPath = path): Promise<FileRecord> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await uploadFile(ctx, sealer, path, asPath);
    } catch (e) {
      if (!(e instanceof FileChanged) || attempt >= CHANGE_RETRIES) throw e;
      await sleep(SETTLE_MS);
    }
  }
}

export const BAD_NAME = 'its name is not valid text (UTF-8), so it cannot be stored safely; rename it';

/**
 * The folders the scan could not read, as failures: nothing new or changed
 * in them reaches the cloud, so a pass that met one has not made the cloud
 * a mirror of the vault. The reason says what the cloud holds of it.
 */
export function unreadableFolders(scan: ScanResult, state: SyncState): PathReason[] {
  return scan.unreadable.map((rel) => {
    let kept = 0;
    for (const p of state.files.keys()) if (isUnder(p, [rel])) kept++;
    const reason =
      kept === 0
        ? 'Casevault cannot read this folder, so none of its files is in the cloud copy'
        : `Casevault cannot read this folder: the cloud keeps the ${fileCount(kept)} last synced from it, but nothing new or changed in it is synced`;
    return { path: folderPath(rel), reason };
  });
}

/** Waits until files written just now have settled (a copy still in progress). */
async function settle(ctx: SyncContext, files: ScannedFile[]): Promise<void> {
  const settleMs = ctx.settleMs ?? SETTLE_MS;
  const recent = files.filter((f) => Date.now() - f.mtimeMs < settleMs);
  if (recent.length === 0) return;
  const newest = Math.max(...recent.map((f) => f.mtimeMs));
  await sleep(Math.min(newest + settleMs - Date.now(), settleMs));
  await Promise.all(
    recent.map(async (f) => {
      const st = await stat(join(ctx.vaultDir, ...f.path.split('/'))).catch(() => undefined); // gone or unreadable now: the scan that follows says which
      if (st && (st.size !== f.size || st.mtimeMs !== f.mtimeMs)) await sleep(settleMs);
    }),
  );
}

/** The cloud's objects: ID -> length, or SIZE_UNKNOWN where the listing does not give it cheaply. */
export async function cloudObjects(remote: Remote): Promise<Map<string, number>> {
  const inCloud = new Map<string, number>();
  if (remote.listNames) {
    for (const name of await remote.listNames('objects/')) {
      const id = parseObjectRemoteName(name);
      if (id) inCloud.set(id, SIZE_UNKNOWN);
    }
  } else {
    for await (const e of remote.list('objects/')) {
      const id = parseObjectRemoteName(e.name);
      if (id) inCloud.set(id, e.size);
    }
  }
  return inCloud;
}

/**
 * Before a wipe ordered for this computer (docs/devices.md, "The wipe"): its
 * files that are new or changed since its last pass, the only copy of that
 * work, uploaded as conflicted copies under this computer's name. Never over
 * a file in the cloud and never a deletion, so whoever holds the lost
 * computer cannot change or remove what the cloud has; and only while the
 * cloud's key file is this computer's (after a rotation the lost computer's
 * keys write nothing).
 */
async function rescueBeforeWipe(ctx: SyncContext): Promise<void> {
  if (!(await statIfExists(ctx.vaultDir))?.isDirectory()) return;
  await assertCloudWritable({ ...ctx, vaultId: ctx.keys.vaultId, publicKey: ctx.keys.publicKey, authKey: ctx.keys.authKey });
  const [scan, state] = await Promise.all([scanVault(ctx.vaultDir, { aside: manyFilesRecorded(ctx.home) }), loadState(ctx.home)]);
  const unsynced = [...scan.files.values()].filter((f) => !sameFile(state.files.get(f.path), f));
  if (unsynced.length === 0) return;
  const sealer = await ObjectSealer.create(ctx.keys);
  try {
    const when = new Date();
    await runPool(unsynced, CONCURRENCY, (f) =>
      uploadWithRetry(ctx, sealer, f.path, conflictPath(f.path, ctx.deviceName, when)).then(
        () => {},
        () => {},
      ),
    );
  } finally {
    sealer.dispose();
  }
  await ctx.remote.flush?.();
  await raiseOwn(ctx.home, ctx.remote, ctx.keys.authKey, ctx.deviceId); // the cloud changed: a recovery says by which computer
}

/** One pass; once the cloud has clearly stopped answering, the pass's other requests fail at once with that (retry.ts: onePass). */
export function syncOnce(ctx: SyncContext): Promise<SyncReport> {
  return onePass(() => syncPass(ctx));
}

async function syncPass(ctx: SyncContext): Promise<SyncReport> {
  if (ctx.remote instanceof FolderRemote) ctx.remote.newPass(); // a link planted since the last pass is met afresh
  const wipe = await ctx.devices.beforePass(); // before the cloud's key file is read: the lost computer sees a rotated one
  if (wipe) {
    await rescueBeforeWipe(ctx).catch(() => {}); // best effort: the wipe goes on regardless
    await wipe();
  }
  const vaultStat = await statIfExists(ctx.vaultDir);
  if (!vaultStat?.isDirectory()) {
    throw new Refused(`the vault folder ${ctx.vaultDir} is missing, so nothing was synced`, 'put-vault-folder-back'); // its ways back: docs/api.md
  }
  await assertCloudWritable({ ...ctx, vaultId: ctx.keys.vaultId, publicKey: ctx.keys.publicKey, authKey: ctx.keys.authKey });
  // The cloud put back to a state older than this computer's last write: every file goes up again (its newer text), and the pass says so.
  const rolledBack = await ownRollback(ctx.home, ctx.remote, ctx.keys.authKey, ctx.deviceId);
  if (rolledBack) ctx.emit('file', { task: 'sync', path: highWaterName(ctx.deviceId), state: 'damaged', reason: rolledBack }); // live sync's listeners hear it too
  // Together: the log is read and the cloud listed while the scan's lstat calls run (for many files, on a thread of their own).
  const aside = manyFilesRecorded(ctx.home);
  const [scan, state, inCloud] = await Promise.all([scanVault(ctx.vaultDir, { aside }), loadState(ctx.home), cloudObjects(ctx.remote)]);
  const vault = identityOf(vaultStat);
  if (replacedByEmpty(state.lastSync?.vault, vault, scan.files.size, state.files.size)) throw new Refused(replacedSentence(ctx.vaultDir, 'synced'));
  const report: SyncReport = {
    uploaded: 0,
    deleted: 0,
    unchanged: 0,
    repaired: 0,
    bytesUploaded: 0,
    conflicts: [],
    skippedLinks: scan.skippedLinks,
    unreadableFolders: scan.unreadable.length + scan.badFolders.length,
    failed: [...unreadableFolders(scan, state), ...badFolderFailures(scan.badFolders, 'synced'), ...scan.badNames.map((path) => ({ path, reason: BAD_NAME }))],
    ...(rolledBack ? { rolledBack } : {}),
  };

  // What the cloud holds: an unchanged file whose object is missing (or, where
  // the listing gives sizes cheaply, has the wrong length) is uploaded again,
  // so a pass that ends well means the cloud mirrors the vault. Damage inside
  // an object is for verify to find; what it found is uploaded again here.
  const damaged = await loadDamaged(ctx.home);
  // The damaged objects this pass replaced: only those are remembered (a first sync of 100,000 files would keep every ID).
  const rewritten = new Set<string>();
  // One pass over the scan, one lookup per map: 100,000 files cost this loop and nothing else.
  const intact = (r: FileRecord, f: ScannedFile) => {
    const size = inCloud.get(r.id);
    if (size === undefined || damaged.has(r.id)) return false;
    return size === SIZE_UNKNOWN || r.conflictCopy !== undefined || size === objectLength({ path: f.path, size: r.size, mtimeMs: r.mtimeMs });
  };
  const changed: ScannedFile[] = [];
  for (const f of scan.files.values()) {
    const r = state.files.get(f.path);
    if (!rolledBack && r && sameFile(r, f) && intact(r, f)) report.unchanged++;
    else changed.push(f);
  }
  report.repaired = changed.filter((f) => sameFile(state.files.get(f.path), f)).length;
  const removed = removedPaths(state, scan);
  for (const p of state.failures.keys()) if (!scan.files.has(p)) state.failures.delete(p);

  const progress = {
    task: 'sync' as const,
    filesDone: 0,
    filesTotal: changed.length + removed.length,
    bytesDone: 0,
    bytesTotal: changed.reduce((n, f) => n + f.size, 0),
  };
  ctx.emit('progress', { ...progress });
  let lastSave = Date.now();
  const checkpoint = async (force: boolean) => {
    if (!force && Date.now() - lastSave < SAVE_EVERY_MS) return;
    lastSave = Date.now();
    await ctx.remote.flush?.();
    await saveChanges(ctx.home, state);
  };

  let othersAtStart: number | undefined;
  const succeeded = (f: ScannedFile, rec: FileRecord) => {
    if (othersAtStart !== undefined) rec.others = othersAtStart;
    state.files.set(f.path, rec);
    if (damaged.has(rec.id)) rewritten.add(rec.id);
    state.failures.delete(f.path);
    report.uploaded++;
    report.bytesUploaded += rec.size;
    ctx.emit('file', { task: 'sync', path: f.path, state: 'synced' });
  };
  const failed = (f: ScannedFile, reason: string) => {
    state.failures.set(f.path, { reason, at: Date.now() });
    report.failed.push({ path: f.path, reason });
    ctx.emit('file', { task: 'sync', path: f.path, state: 'failed', reason });
  };
  const counted = async (f: ScannedFile) => {
    progress.filesDone++;
    progress.bytesDone += f.size;
    ctx.emit('progress', { ...progress });
    await checkpoint(false);
  };

  if (changed.length > 0) {
    const otherComputers = await ctx.devices.register();
    if (otherComputers > 0) othersAtStart = await othersSum(ctx.remote, ctx.keys.authKey, ctx.deviceId); // before any upload: see othersSum
    await settle(ctx, changed);
    // Many small files: sealed on worker threads (both cores); a folder cloud's objects are written there too.
    let inMain = changed;
    const small = changed.filter((f) => f.size <= SMALL_FILE);
    if (otherComputers === 0 && worthWorkers(small.length)) {
      inMain = changed.filter((f) => f.size > SMALL_FILE);
      const folder = ctx.remote instanceof FolderRemote ? ctx.remote : undefined;
      await sealInWorkers(
        { keys: ctx.keys, vaultDir: ctx.vaultDir, ...(folder ? { cloudDir: folder.root } : {}) },
        small.map((f) => f.path),
        async (results) => {
          // Written by the workers: durable at the next checkpoint's flush, before the state that records them.
          folder?.written(results.flatMap((r) => (r.kind === 'written' ? [r.name] : [])));
          for (const r of results) {
            const f = scan.files.get(r.path)!;
            if (r.kind === 'large' || (r.kind === 'failed' && r.retry)) {
              inMain.push(f);
              continue;
            }
            if (r.kind === 'written') succeeded(f, r.record);
            else if (r.kind === 'sealed') {
              try {
                await ctx.remote.put(r.name, r.bytes);
                succeeded(f, r.record);
              } catch (e) {
                failed(f, describeFailure(e));
              }
            } else failed(f, r.reason);
            await counted(f);
          }
        },
      );
    }
    const sealer = await ObjectSealer.create(ctx.keys);
    try {
      const upload = async (f: ScannedFile) => {
        try {
          const previous = state.files.get(f.path);
          let asPath = previous?.conflictCopy ?? f.path;
          if (otherComputers > 0 && !rolledBack && !previous?.conflictCopy && (await changedElsewhere(ctx, f.path, previous))) {
            asPath = conflictPath(f.path, ctx.deviceName, new Date());
          }
          const rec = await uploadWithRetry(ctx, sealer, f.path, asPath);
          if (asPath !== f.path) rec.conflictCopy = asPath;
          succeeded(f, rec);
          if (asPath !== f.path && !previous?.conflictCopy) {
            report.conflicts.push({ path: f.path, keptAs: asPath });
            ctx.emit('file', {
              task: 'sync',
              path: f.path,
              state: 'conflict',
              reason: `changed on another computer too; this computer's version is kept in the cloud as ${asPath}`,
            });
          }
        } catch (e) {
          failed(f, describeFailure(e));
        }
        await counted(f);
      };
      await Promise.all([
        runPool(
          inMain.filter((f) => f.size <= SMALL_FILE),
          CONCURRENCY,
          upload,
        ),
        runPool(
          inMain.filter((f) => f.size > SMALL_FILE),
          LARGE_AT_ONCE,
          upload,
        ),
      ]);
    } finally {
      sealer.dispose();
    }
  }

  /** Listed objects moved to the trash this pass. */
  const trashed = new Set<string>();
  for (const p of removed) {
    const rec = state.files.get(p)!;
    const from = objectRemoteName(Buffer.from(rec.id, 'hex'));
    try {
      await ctx.remote.move(from, trashName(rec.id, new Date()));
    } catch (e) {
      if (!(e instanceof RemoteNotFound)) {
        const reason = describeFailure(e);
        report.failed.push({ path: p, reason });
        ctx.emit('file', { task: 'sync', path: p, state: 'failed', reason });
        continue;
      }
    }
    if (inCloud.has(rec.id)) trashed.add(rec.id);
    state.files.delete(p);
    report.deleted++;
    progress.filesDone++;
    ctx.emit('file', { task: 'sync', path: p, state: 'deleted' });
    ctx.emit('progress', { ...progress });
  }

  // Objects no record of this computer owns and no file of the vault names: written by a pass killed before its
  // checkpoint recorded them (their files deleted since), a deleted file's object put back, or planted. Where no
  // other computer shares the vault (none could have written them), back to the trash, so that the cloud mirrors
  // the vault and a recovery does not bring them back. Only ever a move: the trash keeps them for its time. Never
  // the object a file in the vault now has (its record lost with the sync state, or its upload failed), and none
  // while a folder cannot be read (its files are not known).
  // Counted first, so a pass over 100,000 files with nothing unowned pays one lookup a record and builds no set.
  let ownedListed = 0;
  for (const r of state.files.values()) if (inCloud.has(r.id)) ownedListed++;
  const unowned = ownedListed + trashed.size < inCloud.size;
  const owned = damaged.size > 0 || unowned ? new Set([...state.files.values()].map((r) => r.id)) : new Set<string>();
  let strays = unowned ? [...inCloud.keys()].filter((id) => !owned.has(id) && !trashed.has(id)) : [];
  if (strays.length > 0) {
    const named = new Set<string>();
    for (const p of scan.files.keys()) named.add(toHex(await objectId(ctx.keys.nameKey, p)));
    strays = strays.filter((id) => !named.has(id));
  }
  if (strays.length > 0 && scan.unreadable.length === 0 && (await countDevices(ctx.remote, ctx.deviceId, ctx.keys.authKey)).others === 0) {
    for (const id of strays) {
      const name = objectRemoteName(Buffer.from(id, 'hex'));
      try {
        await ctx.remote.move(name, trashName(id, new Date()));
        report.deleted++;
      } catch (e) {
        if (!(e instanceof RemoteNotFound)) report.failed.push({ path: name, reason: describeFailure(e) });
      }
    }
  }

  await purgeTrash(ctx.remote, ctx.trashDays, new Date());
  await mirrorAudit(ctx.home, ctx.remote, ctx.deviceId, ctx.keys.authKey); // the audit trail goes up with the pass, in one piece
  await ctx.devices.afterPass(state.files);
  if (stateDirty(state)) await checkpoint(true); // only what changed is written; nothing when nothing did
  if (rolledBack || report.uploaded > 0 || report.deleted > 0) await raiseOwn(ctx.home, ctx.remote, ctx.keys.authKey, ctx.deviceId);
  await saveLastSync(ctx.home, { at: Date.now(), uploaded: report.uploaded, deleted: report.deleted, failed: report.failed.length, vault });
  if (damaged.size > 0) {
    // Kept: damaged objects of vault files not yet replaced. Dropped: the replaced ones, and any no file of the vault owns.
    await saveDamaged(ctx.home, new Set([...damaged].filter((id) => owned.has(id) && !rewritten.has(id))));
  }
  return report;
}
