// Opening a file in a folder someone else controls (a cloud folder, a backup
// drive) for reading. open(2) on a named pipe waits for a writer that may
// never come, and a synchronous open waits with the whole event loop, so a
// FIFO planted in the folder would hang every command that reads it. These
// open with O_NONBLOCK (harmless for a regular file) and check on the open
// handle, not by a stat of the path beforehand (the name can be swapped
// between the two), that it is a regular file; anything else (a pipe, a
// device, a socket) is NotRegularFile, which callers take as "no object
// there", before a byte is read. A symbolic link there is not followed
// (O_NOFOLLOW, where the system has it): it is NotRegularFile too, never the
// file it points at.
import { closeSync, constants, fstatSync, fsyncSync, openSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

const READ_NONBLOCK = constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOFOLLOW ?? 0);

/** A link at the name itself fails the open with ELOOP (EMLINK on the BSDs): no regular file there. */
function linkRefused(e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === 'ELOOP' || code === 'EMLINK' ? new NotRegularFile() : e;
}

/** Something other than a regular file is at the path. */
export class NotRegularFile extends Error {
  constructor() {
    super('not a regular file');
    this.name = 'NotRegularFile';
  }
}

/** A regular file's open handle and its size at opening; NotRegularFile (the handle closed) for anything else. */
export async function openRegular(path: string): Promise<{ fh: FileHandle; size: number }> {
  const fh = await open(path, READ_NONBLOCK).catch((e: unknown) => Promise.reject(linkRefused(e)));
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new NotRegularFile();
    return { fh, size: st.size };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/** openRegular with synchronous calls, for the callers that read with them. */
export function openRegularSync(path: string): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(path, READ_NONBLOCK);
  } catch (e) {
    throw linkRefused(e);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new NotRegularFile();
    return { fd, size: st.size };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/**
 * The bytes of an open file of `size` bytes (at opening; it may still
 * grow), a piece at a time: up to 1 MiB, but no larger than the file needs
 * (at least 16 KiB, so that a file that grows after it was opened, as one in
 * a hostile cloud folder could, is still read in pieces of a useful size). A
 * read stream allocates its whole piece size for every read and copies out
 * what came, so 1 MiB pieces for a 2 KiB object were garbage for the
 * collector to chase: recovering 10,000 small files spent 5 of its 19 s
 * collecting it.
 */
export function readPieces(fh: FileHandle, size: number): AsyncIterable<Buffer> {
  return fh.createReadStream({ autoClose: false, highWaterMark: Math.min(1 << 20, Math.max(16 * 1024, size)) });
}

/** fsync the regular file at `path` (opened as openRegularSync opens it: a pipe there never blocks). */
export function fsyncRegularSync(path: string): void {
  const { fd } = openRegularSync(path);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsync each file written (where the file system cannot be flushed at once); one gone since, or no longer a regular file, needs none. */
export function fsyncEachSync(paths: Iterable<string>): void {
  for (const p of paths) {
    try {
      fsyncRegularSync(p);
    } catch (e) {
      if (!(e instanceof NotRegularFile) && (e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}
