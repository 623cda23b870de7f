// Worker thread for chunk-pool.ts. Sealing: blob ID, compression and
// encryption of one chunk, exactly as PackBuilder.add would on the main
// thread (only the ID, for a chunk already known); a small file's one chunk
// read here first. Opening: each blob decrypted, decompressed and checked against its
// ID (openBlob; read from its pack file here when the backup folder is on
// this computer), then written at its offset into the restore's temporary
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

function seal(key: Uint8Array, parts: Uint8Array[]): SealedChunk {
  const raw = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
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

/** A piece's stored bytes: given, or read from its pack file as FolderStorage.readRange would. */
function storedOf(p: OpenPiece): Uint8Array {
  if (p.stored) return p.stored;
  const path = p.packPath!;
  let fd = packs.get(path);
  if (fd === undefined) {
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new MissingPack(path);
      throw e;
    }
    if (packs.size >= MAX_OPEN) closePacks();
    packs.set(path, fd);
  }
  const out = new Uint8Array(p.entry.length);
  for (let got = 0; got < out.length;) {
    const n = readSync(fd, out, got, out.length - got, p.entry.offset + got);
    if (n === 0) throw new DamagedData('damaged or tampered backup pack (truncated)');
    got += n;
  }
  return out;
}

function closePacks(): void {
  for (const fd of packs.values()) closeSync(fd);
  packs.clear();
}

function writePieces(fd: number, pieces: OpenPiece[]): number {
  let written = 0;
  for (const p of pieces) {
    const raw = openBlob(sodium, p.key, p.idKey ?? idKey, p.entry, storedOf(p));
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
    return r.bytes.length === 0 ? { st } : { st, chunk: seal(key, [r.bytes]) };
  } catch (e) {
    return e instanceof FileChanged ? { changed: true } : failure(e);
  }
}

/** One small file: a new temporary file (never an existing one), written, dated, closed, then linked into place if nothing is there. */
function restoreFile(f: FileJob): FileOutcome {
  let fd: number;
  try {
    fd = openSync(f.tmp, 'wx', 0o600);
  } catch (e) {
    return failure(e); // not made here, so not removed here
  }
  try {
    try {
      writePieces(fd, f.pieces);
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
    if (req.kind === 'seal') reply = { seq: req.seq, sealed: req.chunks.map((parts) => seal(req.key, parts)) };
    else if (req.kind === 'read') reply = { seq: req.seq, read: req.files.map((f) => readAndSeal(req.key, f, req.max)) };
    else if (req.kind === 'open') reply = { seq: req.seq, written: writePieces(req.fd, req.pieces) };
    else reply = { seq: req.seq, outcomes: req.files.map(restoreFile) };
  } catch (e) {
    reply = { seq: req.seq, ...failure(e) };
  } finally {
    if (req.kind === 'seal' || req.kind === 'read') sodium.memzero(req.key);
    else
      for (const p of req.kind === 'open' ? req.pieces : req.files.flatMap((f) => f.pieces)) {
        sodium.memzero(p.key);
        if (p.idKey) sodium.memzero(p.idKey);
      }
  }
  const sealed = 'sealed' in reply ? reply.sealed : 'read' in reply ? reply.read.flatMap((o) => ('chunk' in o && o.chunk ? [o.chunk] : [])) : [];
  parentPort!.postMessage(
    reply,
    sealed.flatMap((c) => (c.stored ? [c.stored.buffer as ArrayBuffer] : [])),
  );
});
