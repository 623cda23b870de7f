// Crash-safe file writes: a temporary file beside the target, fsync, rename,
// fsync of the folder. After a kill -9 at any instant the target holds either
// the old bytes or the new ones; a new file is there whole or not at all.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, renameSync, unlinkSync } from 'node:fs';
import { open, rename, rm, mkdir, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';

// Unique per process (a random prefix) and per call (a counter): no system call per name.
const prefix = randomBytes(4).toString('hex');
let counter = 0;

export function tempName(dir: string): string {
  return join(dir, `.casevault-tmp-${prefix}${(counter++).toString(16).padStart(8, '0')}`);
}

/** Whether a file name is one of tempName's (never a person's file, even one that starts alike). */
export function isTempName(name: string): boolean {
  return /^\.casevault-tmp-[0-9a-f]{16,}$/.test(name);
}

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * syncfs(2) on the folder's file system (coreutils `sync --file-system`):
 * one call instead of an fsync per file written. Linux only; false where it
 * is not available or failed, and the caller fsyncs file by file.
 */
export function syncFileSystem(dir: string): Promise<boolean> {
  if (process.platform !== 'linux') return Promise.resolve(false);
  return new Promise((resolve) => {
    execFile('sync', ['--file-system', dir], { timeout: 300_000 }, (err) => resolve(!err));
  });
}

const DATASYNC_EVERY = 64 * 1024 * 1024;

/**
 * Streams pieces to a new file in ~1 MiB writev batches, one batch in flight
 * while the next is produced, then fsyncs and closes it; returns the bytes
 * written. A large file is flushed to disk every 64 MiB in the background,
 * so the final fsync does not wait for all of it at once. (A write a piece
 * at a time, each awaited, left a recovery of a 1 GiB file waiting on 16,384
 * round trips to the thread pool.) Pieces are held until their batch is
 * written (up to ~2 MiB), so a source must never reuse a buffer it yielded.
 */
export async function writeStream(fh: FileHandle, data: AsyncIterable<Uint8Array>): Promise<number> {
  let syncing: Promise<void> = Promise.resolve();
  try {
    let batch: Uint8Array[] = [];
    let batchBytes = 0;
    let sinceSync = 0;
    let total = 0;
    let inFlight: Promise<void> = Promise.resolve();
    const write = async (pieces: Uint8Array[], bytes: number) => {
      const { bytesWritten } = await fh.writev(pieces);
      if (bytesWritten !== bytes) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
    };
    for await (const piece of data) {
      batch.push(piece);
      batchBytes += piece.length;
      total += piece.length;
      if (batchBytes >= 1024 * 1024) {
        await inFlight;
        inFlight = write(batch, batchBytes);
        inFlight.catch(() => {}); // awaited below; this only keeps a failure from counting as unhandled meanwhile
        sinceSync += batchBytes;
        batch = [];
        batchBytes = 0;
        if (sinceSync >= DATASYNC_EVERY) {
          await syncing;
          sinceSync = 0;
          syncing = inFlight.then(() => fh.datasync());
          syncing.catch(() => {});
        }
      }
    }
    await syncing;
    await inFlight;
    if (batch.length > 0) await write(batch, batchBytes);
    await fh.sync();
    return total;
  } finally {
    await syncing.catch(() => {});
    await fh.close();
  }
}

/** Write pieces to `tmp`, fsync it, close it. Removes `tmp` on failure. */
export async function writeTemp(tmp: string, data: AsyncIterable<Uint8Array> | Uint8Array, mode = 0o600): Promise<number> {
  const fh = await open(tmp, 'wx', mode);
  try {
    if (!(data instanceof Uint8Array)) return await writeStream(fh, data); // closes it
    await fh.writeFile(data);
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  return data.length;
}

/** Replace `path` atomically with `data` (bytes, text, or a stream of pieces). */
export async function writeFileAtomic(path: string, data: AsyncIterable<Uint8Array> | Uint8Array | string, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = tempName(dir);
  await writeTemp(tmp, typeof data === 'string' ? new TextEncoder().encode(data) : data, mode);
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await fsyncDir(dir);
}

/**
 * Moves `tmp` to `dest` unless `dest` exists (then returns false and leaves
 * `tmp`). Never overwrites: link(2) fails if the name exists, even if it
 * appeared a moment ago; where there are no hard links (FAT, some shares),
 * check, then rename. Synchronous calls: microseconds each.
 */
export function placeNew(tmp: string, dest: string): boolean {
  try {
    linkSync(tmp, dest);
    unlinkSync(tmp);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EXDEV') throw e;
  }
  if (existsSync(dest)) return false;
  renameSync(tmp, dest);
  return true;
}

/** Writes a new file atomically (whole or not at all); false, and nothing written, if `path` exists. */
export async function writeNewFile(path: string, data: Uint8Array | string, mode = 0o600): Promise<boolean> {
  const tmp = tempName(dirname(path));
  await writeTemp(tmp, typeof data === 'string' ? new TextEncoder().encode(data) : data, mode);
  try {
    if (!placeNew(tmp, path)) return false;
  } finally {
    await rm(tmp, { force: true });
  }
  await fsyncDir(dirname(path));
  return true;
}
