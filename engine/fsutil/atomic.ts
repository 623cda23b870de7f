// Crash-safe file writes: a temporary file beside the target, fsync, rename,
// fsync of the folder. After a kill -9 at any instant the target holds either
// the old bytes or the new ones; a new file is there whole or not at all.
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, renameSync, unlinkSync } from 'node:fs';
import { open, rename, rm, mkdir } from 'node:fs/promises';
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

/** Write pieces to `tmp`, fsync it, close it. Removes `tmp` on failure. */
export async function writeTemp(tmp: string, data: AsyncIterable<Uint8Array> | Uint8Array, mode = 0o600): Promise<number> {
  const fh = await open(tmp, 'wx', mode);
  let n = 0;
  try {
    if (data instanceof Uint8Array) {
      await fh.writeFile(data);
      n = data.length;
    } else {
      for await (const piece of data) {
        await fh.write(piece);
        n += piece.length;
      }
    }
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  return n;
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
