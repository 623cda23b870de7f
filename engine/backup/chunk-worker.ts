// Worker thread for chunk-pool.ts. Sealing: blob ID, compression and
// encryption of one chunk, exactly as PackBuilder.add would on the main
// thread (only the ID, for a chunk already known); a small file's one chunk
// read here first. Opening: each blob decrypted (under the first of its
// slot's keys that authenticates it), decompressed and checked against its
// ID (openBlob; read from its pack file here when the backup folder is on
// this computer, blobs that lie end to end in one read), then written at
// its offset into the restore's temporary
// file; small files whole, many to a message (created, dated and linked
// into place here). Every slot key received is wiped once used.
import { closeSync, futimesSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { BLOB_DATA, blobId, DamagedData, openBlob, ready, sealChunk } from '../../crypto/backup/index.js';
import { BLOB_ID_BYTES } from '../../crypto/backup/blob.js';
import { FileChanged, toHex } from '../../crypto/index.js';
import { placeNew } from '../fsutil/atomic.js';
import { readSmall } from '../mirror/file-read.js';
import type { ChunkReply, ChunkRequest, FileJob, FileOutcome, KnownNotice, OpenPiece, PoolFailure, ReadOutcome, SealedChunk } from './chunk-pool.js';

const sodium = await ready();
const { idKey, known } = workerData as { idKey: Uint8Array; known?: Uint8Array };

/**
 * Blob IDs (hex) not to seal again: the repository's at the start, those
 * the main thread says are on their way into a pack, and those sealed here.
 * The main thread takes results in the order it sent the chunks, so by the
 * time it reaches a skipped one, the blob is in the repository or pending.
 */
const seen = new Set<string>();
function remember(ids: Uint8Array): void {
  for (let at = 0; at + BLOB_ID_BYTES <= ids.length; at += BLOB_ID_BYTES) seen.add(toHex(ids.subarray(at, at + BLOB_ID_BYTES)));
}
if (known) remember(known);

function seal(key: Uint8Array, raw: Uint8Array): SealedChunk {
  const id = blobId(sodium, idKey, [raw]);
  const hex = toHex(id);
  if (seen.has(hex)) return { id, flags: 0, rawLength: raw.length };
  seen.add(hex);
  const { flags, stored } = sealChunk(sodium, key, BLOB_DATA, id, raw);
  return { id, flags, rawLength: raw.length, stored };
}

/** Pack files open for reading, by path (a few at a time). */
const packs = new Map<string, number>();
const MAX_OPEN = 16;

class MissingPack extends Error {}

/** A pack file's descriptor, kept open for the next pieces (a few packs at a time). */
function packFd(path: string): number {
  let fd = packs.get(path);
  if (fd !== undefined) return fd;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new MissingPack(path);
    throw e;
  }
  if (packs.size >= MAX_OPEN) closePacks();
  packs.set(path, fd);
  return fd;
}

function closePacks(): void {
  for (const fd of packs.values()) closeSync(fd);
  packs.clear();
}

/** Read `into.length` bytes at `position`, or fewer where the file ends; how many were read. */
function readFully(fd: number, into: Uint8Array, position: number): number {
  let got = 0;
  while (got < into.length) {
    const n = readSync(fd, into, got, into.length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** The most stored bytes read at once: a run of blobs that lie end to end in one pack, up to this. */
const RUN_BYTES = 8 * 1024 * 1024;
/** Where StoredReader reads its runs (allocated at the first, grown for a blob larger than RUN_BYTES). */
let scratch = Buffer.alloc(0);

/**
 * The stored bytes of a job's pieces: given, or read from their pack files
 * as FolderStorage.readRange would. Blobs of the job that lie end to end in
 * one pack are read in one call (a batch of small files, or a large file's
 * range, is mostly such a run), each then a view of that one buffer. Where
 * the pack ends early, the blobs past its end are left to be read on their
 * own when their turn comes, so only the files that hold them fail. The
 * worker reads every run into one buffer it keeps (runs are read one at a
 * time and a blob's stored bytes are dead once it is opened), so no fresh
 * memory is mapped and faulted in for each run.
 */
class StoredReader {
  private readonly ahead = new Map<OpenPiece, Uint8Array>();
  private next = 0;
  constructor(private readonly pieces: readonly OpenPiece[]) {}

  of(p: OpenPiece): Uint8Array {
    if (p.stored) return p.stored;
    const got = this.ahead.get(p);
    if (got) {
      this.ahead.delete(p);
      return got;
    }
    const from = this.pieces.indexOf(p, this.next);
    const run = [p];
    let bytes = p.entry.length;
    for (let j = from < 0 ? this.pieces.length : from + 1; j < this.pieces.length; j++) {
      const q = this.pieces[j]!;
      const last = run[run.length - 1]!;
      if (q.packPath !== p.packPath || q.entry.offset !== last.entry.offset + last.entry.length || bytes + q.entry.length > RUN_BYTES) break;
      run.push(q);
      bytes += q.entry.length;
    }
    if (from >= 0) this.next = from + run.length;
    // The views into the last run that were never asked for (their file failed first) would see this run's bytes: dropped, so each would be read again.
    this.ahead.clear();
    if (scratch.length < bytes) scratch = Buffer.allocUnsafe(Math.max(bytes, RUN_BYTES));
    const buf = scratch.subarray(0, bytes); // each byte is read over before it is used, or it is never used
    const read = readFully(packFd(p.packPath!), buf, p.entry.offset);
    if (read < p.entry.length) throw new DamagedData('damaged or tampered backup pack (truncated)');
    let at = 0;
    for (const q of run) {
      if (at + q.entry.length > read) break;
      this.ahead.set(q, new Uint8Array(buf.buffer, buf.byteOffset + at, q.entry.length));
      at += q.entry.length;
    }
    return this.of(p);
  }
}

/** A blob's plaintext: opened under the first of its slot's keys that authenticates it (restore.ts sends the likeliest first). */
function openPiece(p: OpenPiece, stored: Uint8Array): Uint8Array {
  let first: unknown;
  for (const key of p.keys) {
    try {
      return openBlob(sodium, key, p.idKey ?? idKey, p.entry, stored);
    } catch (e) {
      first ??= e;
    }
  }
  throw first ?? new DamagedData('damaged or tampered backup pack (key slot)');
}

function writePieces(fd: number, pieces: OpenPiece[], reader: StoredReader): number {
  let written = 0;
  for (const p of pieces) {
    const raw = openPiece(p, reader.of(p));
    for (let o = 0; o < raw.length;) o += writeSync(fd, raw, o, raw.length - o, p.at + o);
    written += raw.length;
  }
  return written;
}

function failure(e: unknown): Omit<PoolFailure, 'seq'> {
  const code = (e as NodeJS.ErrnoException)?.code;
  return {
    error: (e as Error).message,
    damaged: e instanceof DamagedData,
    ...(e instanceof MissingPack ? { missing: e.message } : {}),
    ...(code ? { code } : {}),
  };
}

/** A small vault file read whole (checked unchanged, as the main thread would) and sealed as one chunk. */
function readAndSeal(key: Uint8Array, full: string, max: number): ReadOutcome {
  try {
    const r = readSmall(full);
    if (!r || r.st.size > max) return { changed: true }; // grew past one chunk since the scan: the main thread cuts it
    const st = { size: r.st.size, mtimeMs: r.st.mtimeMs, ctimeMs: r.st.ctimeMs, ino: r.st.ino };
    return r.bytes.length === 0 ? { st } : { st, chunk: seal(key, r.bytes) };
  } catch (e) {
    return e instanceof FileChanged ? { changed: true } : failure(e);
  }
}

/** One small file: a new temporary file (never an existing one), written, dated, closed, then linked into place if nothing is there. */
function restoreFile(f: FileJob, reader: StoredReader): FileOutcome {
  let fd: number;
  try {
    fd = openSync(f.tmp, 'wx', 0o600);
  } catch (e) {
    return failure(e); // not made here, so not removed here
  }
  try {
    try {
      writePieces(fd, f.pieces, reader);
      futimesSync(fd, Date.now() / 1000, f.mtimeMs / 1000);
    } finally {
      closeSync(fd);
    }
    return placeNew(f.tmp, f.full) ? 'placed' : 'exists';
  } catch (e) {
    rmSync(f.tmp, { force: true });
    return failure(e);
  }
}

parentPort!.on('message', (req: ChunkRequest | KnownNotice | 'close') => {
  if (req !== 'close' && req.kind === 'known') {
    remember(req.ids);
    return;
  }
  if (req === 'close') {
    closePacks();
    sodium.memzero(idKey);
    parentPort!.close();
    return;
  }
  let reply: ChunkReply;
  try {
    if (req.kind === 'seal') reply = { seq: req.seq, sealed: seal(req.key, req.chunk), spare: req.chunk.buffer as ArrayBuffer };
    else if (req.kind === 'read') reply = { seq: req.seq, read: req.files.map((f) => readAndSeal(req.key, f, req.max)) };
    else if (req.kind === 'open') reply = { seq: req.seq, written: writePieces(req.fd, req.pieces, new StoredReader(req.pieces)) };
    else {
      const reader = new StoredReader(req.files.flatMap((f) => f.pieces));
      reply = { seq: req.seq, outcomes: req.files.map((f) => restoreFile(f, reader)) };
    }
  } catch (e) {
    reply = { seq: req.seq, ...failure(e) };
  } finally {
    if (req.kind === 'seal' || req.kind === 'read') sodium.memzero(req.key);
    else
      for (const p of req.kind === 'open' ? req.pieces : req.files.flatMap((f) => f.pieces)) {
        for (const k of p.keys) sodium.memzero(k);
        if (p.idKey) sodium.memzero(p.idKey);
      }
  }
  const sealed = 'sealed' in reply ? [reply.sealed] : 'read' in reply ? reply.read.flatMap((o) => ('chunk' in o && o.chunk ? [o.chunk] : [])) : [];
  parentPort!.postMessage(reply, [
    ...sealed.flatMap((c) => (c.stored ? [c.stored.buffer as ArrayBuffer] : [])),
    ...('spare' in reply && reply.spare ? [reply.spare] : []),
  ]);
});
