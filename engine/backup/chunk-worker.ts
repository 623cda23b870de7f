// Worker thread for chunk-pool.ts. Sealing: blob ID, compression and
// encryption of one chunk, exactly as PackBuilder.add would on the main
// thread. Opening: each blob decrypted, decompressed and checked against its
// ID (openBlob), then written at its offset into the restore's temporary
// file; small files whole, many to a message (created, dated and linked
// into place here). Every slot key received is wiped once used.
import { closeSync, futimesSync, openSync, rmSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { BLOB_DATA, blobId, DamagedData, openBlob, ready, sealChunk } from '../../crypto/backup/index.js';
import { placeNew } from '../fsutil/atomic.js';
import type { ChunkReply, ChunkRequest, FileJob, FileOutcome, OpenPiece, PoolFailure, SealRequest } from './chunk-pool.js';

const sodium = await ready();
const idKey = (workerData as { idKey: Uint8Array }).idKey;

function seal(req: SealRequest): ChunkReply {
  const raw = req.parts.length === 1 ? req.parts[0]! : Buffer.concat(req.parts);
  const id = blobId(sodium, idKey, [raw]);
  const { flags, stored } = sealChunk(sodium, req.key, BLOB_DATA, id, raw);
  return { seq: req.seq, sealed: { id, flags, rawLength: raw.length, stored } };
}

function writePieces(fd: number, pieces: OpenPiece[]): number {
  let written = 0;
  for (const p of pieces) {
    const raw = openBlob(sodium, p.key, idKey, p.entry, p.stored);
    for (let o = 0; o < raw.length;) o += writeSync(fd, raw, o, raw.length - o, p.at + o);
    written += raw.length;
  }
  return written;
}

function failure(e: unknown): Omit<PoolFailure, 'seq'> {
  const code = (e as NodeJS.ErrnoException)?.code;
  return { error: (e as Error).message, damaged: e instanceof DamagedData, ...(code ? { code } : {}) };
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

parentPort!.on('message', (req: ChunkRequest | 'close') => {
  if (req === 'close') {
    sodium.memzero(idKey);
    parentPort!.close();
    return;
  }
  let reply: ChunkReply;
  try {
    if (req.kind === 'seal') reply = seal(req);
    else if (req.kind === 'open') reply = { seq: req.seq, written: writePieces(req.fd, req.pieces) };
    else reply = { seq: req.seq, outcomes: req.files.map(restoreFile) };
  } catch (e) {
    reply = { seq: req.seq, ...failure(e) };
  } finally {
    if (req.kind === 'seal') sodium.memzero(req.key);
    else for (const p of req.kind === 'open' ? req.pieces : req.files.flatMap((f) => f.pieces)) sodium.memzero(p.key);
  }
  parentPort!.postMessage(reply, 'sealed' in reply ? [reply.sealed.stored.buffer as ArrayBuffer] : []);
});
