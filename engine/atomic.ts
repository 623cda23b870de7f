// Crash-safe file writes: a temporary file beside the target, fsync, rename,
// fsync of the folder. After a kill -9 at any instant the target holds either
// the old bytes or the new ones.
import { randomBytes } from 'node:crypto';
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

/** Replace `path` atomically with `data`. */
export async function writeFileAtomic(path: string, data: Uint8Array | string, mode = 0o600): Promise<void> {
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
