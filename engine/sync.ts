// One sync pass: vault folder -> encrypted cloud mirror. Needs only the write
// keys, so it runs while the vault is locked. New and changed files become
// one object each; unchanged files (same size, times and inode as last
// uploaded) cost nothing; deleted files' objects move to the remote trash.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { FileChanged, objectId, objectRemoteName, ObjectSealer, toHex, type WriteKeys } from '../crypto/index.js';
import type { Emit } from './events.js';
import { Refused } from './errors.js';
import { runPool } from './pool.js';
import { RemoteNotFound, type Remote } from './remotes/remote.js';
import { isUnder, scanVault, type ScannedFile } from './scan.js';
import { loadState, saveLastSync, saveState, type FileRecord } from './state.js';
import { purgeTrash, trashName } from './trash.js';

export interface SyncReport {
  uploaded: number;
  deleted: number;
  unchanged: number;
  bytesUploaded: number;
  failed: { path: string; reason: string }[];
  /** Symbolic links seen and not followed. */
  skippedLinks: number;
  /** Folders that could not be read (nothing under them was treated as deleted). */
  unreadableFolders: number;
}

export interface SyncContext {
  home: string;
  vaultDir: string;
  remote: Remote;
  keys: WriteKeys;
  trashDays: number;
  emit: Emit;
}

const READ_SIZE = 1024 * 1024;
/** Files up to this size are read and encrypted in one go, with synchronous calls. */
const SMALL_FILE = 1024 * 1024;
const CONCURRENCY = 8;
const SETTLE_MS = 1000;
const SAVE_EVERY_MS = 2000;
const CHANGE_RETRIES = 3;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sameFile(r: FileRecord | undefined, f: ScannedFile): boolean {
  return !!r && r.size === f.size && r.mtimeMs === f.mtimeMs && r.ctimeMs === f.ctimeMs && r.ino === f.ino;
}

/** The file's bytes (reading ahead while the last piece is encrypted), then a check that it did not change meanwhile. */
async function* readStable(fh: FileHandle, size: number, mtimeMs: number): AsyncGenerator<Uint8Array> {
  const bufs = [new Uint8Array(READ_SIZE), new Uint8Array(READ_SIZE)];
  let pos = 0;
  let which = 0;
  let pending = fh.read(bufs[0]!, 0, READ_SIZE, 0);
  for (;;) {
    const { bytesRead } = await pending;
    if (bytesRead === 0) break;
    const current = bufs[which]!;
    pos += bytesRead;
    which ^= 1;
    pending = fh.read(bufs[which]!, 0, READ_SIZE, pos);
    yield current.subarray(0, bytesRead);
  }
  const after = await fh.stat();
  if (pos !== size || after.size !== size || after.mtimeMs !== mtimeMs) {
    throw new FileChanged('the file changed while it was being read');
  }
}

function record(st: { size: number; mtimeMs: number; ctimeMs: number; ino: number }, id: Uint8Array): FileRecord {
  return { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, id: toHex(id), syncedAt: Date.now() };
}

/** A small file: read whole with synchronous calls, checked unchanged, sealed in memory. */
function readSmall(full: string): { bytes: Uint8Array; st: Stats } | undefined {
  const fd = openSync(full, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Refused('not a regular file');
    if (st.size > SMALL_FILE) return undefined;
    const bytes = new Uint8Array(st.size);
    let pos = 0;
    while (pos < st.size) {
      const n = readSync(fd, bytes, pos, st.size - pos, pos);
      if (n === 0) break;
      pos += n;
    }
    const after = fstatSync(fd);
    if (pos !== st.size || after.size !== st.size || after.mtimeMs !== st.mtimeMs) throw new FileChanged('the file changed while it was being read');
    return { bytes, st };
  } finally {
    closeSync(fd);
  }
}

async function uploadFile(ctx: SyncContext, sealer: ObjectSealer, path: string): Promise<FileRecord> {
  const full = join(ctx.vaultDir, ...path.split('/'));
  const id = await objectId(ctx.keys.nameKey, path);
  const small = readSmall(full);
  if (small) {
    const { bytes, st } = small;
    await ctx.remote.put(objectRemoteName(id), sealer.sealBytes(id, { path, size: st.size, mtimeMs: st.mtimeMs }, bytes));
    return record(st, id);
  }
  const fh = await open(full, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new Refused('not a regular file');
    const meta = { path, size: st.size, mtimeMs: st.mtimeMs };
    await ctx.remote.put(objectRemoteName(id), sealer.encrypt(id, meta, readStable(fh, st.size, st.mtimeMs)));
    return record(st, id);
  } finally {
    await fh.close();
  }
}

/** Retries a file that changed while being read; a file that keeps changing is left for the next pass. */
async function uploadWithRetry(ctx: SyncContext, sealer: ObjectSealer, path: string): Promise<FileRecord> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await uploadFile(ctx, sealer, path);
    } catch (e) {
      if (!(e instanceof FileChanged) || attempt >= CHANGE_RETRIES) throw e;
      await sleep(SETTLE_MS);
    }
  }
}

export function describeFailure(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (e instanceof FileChanged) return 'it is still being written; it will be synced on the next run';
  if (code === 'ENOENT') return 'it was removed before it could be read';
  if (code === 'EACCES' || code === 'EPERM') return 'Casevault is not allowed to read it';
  if (code === 'ELOOP') return 'it is a symbolic link, which is not followed';
  if (code === 'ENOSPC') return 'the cloud folder\'s disk is full';
  if (code === 'EISDIR') return 'it became a folder';
  if (e instanceof Refused) return e.message;
  return 'it could not be encrypted or uploaded';
}

/** Waits until files written in the last second have settled (a copy still in progress). */
async function settle(ctx: SyncContext, files: ScannedFile[]): Promise<void> {
  const newest = Math.max(0, ...files.map((f) => f.mtimeMs));
  const wait = newest + SETTLE_MS - Date.now();
  if (wait > 0) await sleep(Math.min(wait, SETTLE_MS));
  await Promise.all(files.map(async (f) => {
    const st = await stat(join(ctx.vaultDir, ...f.path.split('/'))).catch(() => undefined);
    if (st && (st.size !== f.size || st.mtimeMs !== f.mtimeMs)) await sleep(SETTLE_MS);
  }));
}

export async function syncOnce(ctx: SyncContext): Promise<SyncReport> {
  const vaultStat = await stat(ctx.vaultDir).catch(() => undefined);
  if (!vaultStat?.isDirectory()) {
    throw new Refused(`the vault folder ${ctx.vaultDir} is missing; reconnect its drive or recover the vault, then sync again`);
  }
  const scan = await scanVault(ctx.vaultDir);
  const state = await loadState(ctx.home);
  const report: SyncReport = { uploaded: 0, deleted: 0, unchanged: 0, bytesUploaded: 0, failed: [], skippedLinks: scan.skippedLinks, unreadableFolders: scan.unreadable.length };

  const changed: ScannedFile[] = [];
  for (const f of scan.files.values()) {
    if (sameFile(state.files.get(f.path), f)) report.unchanged++;
    else changed.push(f);
  }
  const removed = [...state.files.keys()].filter((p) => !scan.files.has(p) && !isUnder(p, scan.unreadable));
  const failuresBefore = state.failures.size;
  for (const p of state.failures.keys()) if (!scan.files.has(p)) state.failures.delete(p);

  const progress = { task: 'sync' as const, filesDone: 0, filesTotal: changed.length + removed.length, bytesDone: 0, bytesTotal: changed.reduce((n, f) => n + f.size, 0) };
  ctx.emit('progress', { ...progress });
  let lastSave = Date.now();
  const checkpoint = async (force: boolean) => {
    if (!force && Date.now() - lastSave < SAVE_EVERY_MS) return;
    lastSave = Date.now();
    await ctx.remote.flush?.();
    await saveState(ctx.home, state);
  };

  if (changed.length > 0) {
    await settle(ctx, changed.filter((f) => Date.now() - f.mtimeMs < SETTLE_MS));
    const sealer = await ObjectSealer.create(ctx.keys);
    try {
      await runPool(changed, CONCURRENCY, async (f) => {
          try {
            const done = await uploadWithRetry(ctx, sealer, f.path);
            state.files.set(f.path, done);
            state.failures.delete(f.path);
            report.uploaded++;
            report.bytesUploaded += done.size;
            ctx.emit('file', { task: 'sync', path: f.path, state: 'synced' });
          } catch (e) {
            const reason = describeFailure(e);
            state.failures.set(f.path, { reason, at: Date.now() });
            report.failed.push({ path: f.path, reason });
            ctx.emit('file', { task: 'sync', path: f.path, state: 'failed', reason });
          }
          progress.filesDone++;
          progress.bytesDone += f.size;
          ctx.emit('progress', { ...progress });
          await checkpoint(false);
      });
    } finally {
      sealer.dispose();
    }
  }

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
    state.files.delete(p);
    report.deleted++;
    progress.filesDone++;
    ctx.emit('file', { task: 'sync', path: p, state: 'deleted' });
    ctx.emit('progress', { ...progress });
  }

  await purgeTrash(ctx.remote, ctx.trashDays, new Date());
  if (changed.length > 0 || removed.length > 0 || state.failures.size !== failuresBefore) await checkpoint(true);
  await saveLastSync(ctx.home, { at: Date.now(), uploaded: report.uploaded, deleted: report.deleted, failed: report.failed.length });
  return report;
}
