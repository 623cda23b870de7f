// Reading a vault file so that what gets encrypted is one consistent
// version of it: opened without following links, and checked unchanged (size
// and mtime) after the last byte was read.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { FileChanged, toHex } from '../../crypto/index.js';
import { Refused } from '../errors.js';
import type { FileRecord } from './state.js';

export const READ_SIZE = 1024 * 1024;
/** Files up to this size are read and encrypted in one go, with synchronous calls. */
export const SMALL_FILE = 1024 * 1024;

/** The file's bytes (reading ahead while the last piece is encrypted), then a check that it did not change meanwhile. */
export async function* readStable(fh: FileHandle, size: number, mtimeMs: number): AsyncGenerator<Uint8Array> {
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

export function record(st: { size: number; mtimeMs: number; ctimeMs: number; ino: number }, id: Uint8Array, tag: string | undefined): FileRecord {
  return { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, id: toHex(id), syncedAt: Date.now(), ...(tag ? { tag } : {}) };
}

/** A small file: read whole with synchronous calls, checked unchanged, sealed in memory. */
export function readSmall(full: string): { bytes: Uint8Array; st: Stats } | undefined {
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
