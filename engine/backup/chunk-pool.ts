// The crypto of backups and restores on worker threads (one per core), while
// the main thread reads, cuts, schedules and writes packs. A worker gets the
// blob-ID key once; with each job, only the key of the one pack slot it
// needs (a restore's: the keys that slot may be under). Sealing: hash,
// compress and encrypt a chunk, the result comes back; a small file (one
// chunk) the worker also reads itself.
// Opening (restore): decrypt, decompress and check a run of blobs against
// their IDs, and write each at its offset into a file the main thread
// opened (the descriptor is the process's, so the plaintext never crosses
// back); only a count comes back. Small files go many to a message, and the
// worker also creates, dates and places each (a link, never over anything).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { BLOB_ID_BYTES } from '../../crypto/backup/blob.js';
import type { BlobEntry } from '../../crypto/backup/index.js';
import { DamagedData } from '../../crypto/index.js';
import { RemoteNotFound } from '../remotes/remote.js';

export interface SealRequest {
  kind: 'seal';
  seq: number;
  key: Uint8Array;
  /** Its buffer is transferred. */
  chunk: Uint8Array;
}

/**
 * One stored blob to open and write at `at` (a byte offset in the file):
 * its bytes, or the path of its pack file in a backup folder on this
 * computer (the worker reads it there itself, at the entry's offset).
 */
export interface OpenPiece {
  /** The keys its pack slot may be under, most likely first: it opens under one at most (restore.ts). */
  keys: Uint8Array[];
  /** The chunk-ID key of the key generation that wrote the pack, where it is not the current one (issue #15: each generation has its own). */
  idKey?: Uint8Array;
  entry: BlobEntry;
  stored?: Uint8Array;
  packPath?: string;
  at: number;
}

export interface OpenRequest {
  kind: 'open';
  seq: number;
  fd: number;
  pieces: OpenPiece[];
}

/** A whole (small) file to restore: written to `tmp` (a new file), dated, then linked to `full` unless something is there. */
export interface FileJob {
  tmp: string;
  full: string;
  mtimeMs: number;
  pieces: OpenPiece[];
}

/** How a FileJob ended: in place; written to `tmp` but `full` exists (the caller decides); or failed (nothing left behind). */
export type FileOutcome = 'placed' | 'exists' | Omit<PoolFailure, 'seq'>;

export interface FilesRequest {
  kind: 'files';
  seq: number;
  files: FileJob[];
}

export interface SealedChunk {
  id: Uint8Array;
  flags: number;
  rawLength: number;
  /** Absent when the worker knew the chunk's ID already (the repository has it, or the backup has stored it): not sealed again. */
  stored?: Uint8Array;
}

/** Blob IDs (end to end) the workers may skip sealing from now on (they are in the repository or on their way into a pack). */
export interface KnownNotice {
  kind: 'known';
  ids: Uint8Array;
}

/** Small vault files a worker reads itself and seals as one chunk each (no larger than `max`, the chunker's minimum). */
export interface ReadRequest {
  kind: 'read';
  seq: number;
  key: Uint8Array;
  files: string[];
  max: number;
}

/** What a backup records of a file it read. */
export interface FileStat {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

/**
 * How reading a small file went: read (its chunk, unless it is empty);
 * changed while it was read, or no longer small (the caller reads it again
 * itself); or failed.
 */
export type ReadOutcome = { st: FileStat; chunk?: SealedChunk } | { changed: true } | Omit<PoolFailure, 'seq'>;

export type ChunkRequest = SealRequest | OpenRequest | FilesRequest | ReadRequest;

/** A failure as it crosses back: its message, whether the data was damaged, and a system error's code. */
export interface PoolFailure {
  seq: number;
  error: string;
  damaged: boolean;
  /** A pack file that is not in the backup folder. */
  missing?: string;
  code?: string;
}

export type ChunkReply =
  /** `spare`: the buffer the chunk came in, handed back for the next read (chunk-pool.ts `spare`). */
  | { seq: number; sealed: SealedChunk; spare?: ArrayBuffer }
  | { seq: number; written: number }
  | { seq: number; outcomes: FileOutcome[] }
  | { seq: number; read: ReadOutcome[] }
  | PoolFailure;

/** A failure that crossed back from a worker, as an error again (DamagedData stays DamagedData; a system error keeps its code). */
export function rebuild(m: Omit<PoolFailure, 'seq'>): Error {
  if (m.damaged) return new DamagedData(m.error);
  if (m.missing) return new RemoteNotFound(m.missing);
  const e = new Error(`internal error: a backup worker failed (${m.error})`) as NodeJS.ErrnoException;
  if (m.code) e.code = m.code;
  return e;
}

/** At most this many chunk buffers wait to be filled again (each twice the average chunk). */
const SPARES = 8;

/** Blob IDs end to end in one buffer (one cheap copy to a worker, whatever their number). */
function endToEnd(ids: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(ids.length * BLOB_ID_BYTES);
  ids.forEach((id, i) => out.set(id, i * BLOB_ID_BYTES));
  return out;
}

/** A piece whose bytes (if it carries any) can move to a worker: a view into a larger buffer is copied, not cloned with the whole buffer. */
function movable(p: OpenPiece, transfer: ArrayBuffer[]): OpenPiece {
  if (!p.stored) return p;
  const stored = p.stored.byteOffset === 0 && p.stored.byteLength === p.stored.buffer.byteLength ? p.stored : p.stored.slice();
  transfer.push(stored.buffer as ArrayBuffer);
  return { ...p, stored };
}

export class ChunkPool {
  private readonly workers: Worker[];
  private readonly outstanding: number[];
  private readonly waiting = new Map<number, { resolve: (r: ChunkReply) => void; reject: (e: Error) => void }>();
  private seq = 0;
  private failed: Error | undefined;
  /** Chunk buffers the workers handed back, for reads to fill again: a fresh one costs the kernel's page faults and the collector's count of outside memory. */
  private readonly spares: ArrayBuffer[] = [];

  /** `known`: blob IDs the repository has already; a worker only hashes such a chunk. */
  constructor(idKey: Uint8Array, threads = availableParallelism(), known: readonly Uint8Array[] = []) {
    const ids = endToEnd(known);
    this.workers = Array.from(
      { length: Math.max(1, threads) },
      () => new Worker(new URL('./chunk-worker.js', import.meta.url), { workerData: { idKey, known: ids } }),
    );
    this.outstanding = this.workers.map(() => 0);
    for (const [i, w] of this.workers.entries()) {
      w.on('message', (m: ChunkReply) => {
        const job = this.waiting.get(m.seq)!;
        this.waiting.delete(m.seq);
        this.outstanding[i]!--;
        if ('error' in m) job.reject(rebuild(m));
        else job.resolve(m);
      });
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => this.fail(new Error(`internal error: a backup worker stopped (${code})`)));
    }
  }

  /** How many workers there are: callers keep a few jobs per worker in flight. */
  get size(): number {
    return this.workers.length;
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const job of this.waiting.values()) job.reject(this.failed);
    this.waiting.clear();
  }

  /** Send a job to the least busy worker. */
  private send(req: ChunkRequest, transfer: ArrayBuffer[]): Promise<ChunkReply> {
    if (this.failed) return Promise.reject(this.failed);
    let w = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.outstanding[i]! < this.outstanding[w]!) w = i;
    this.outstanding[w]!++;
    const done = new Promise<ChunkReply>((resolve, reject) => this.waiting.set(req.seq, { resolve, reject }));
    this.workers[w]!.postMessage(req, transfer);
    return done;
  }

  /**
   * Seal a chunk under `key`. A whole buffer moves to the worker; a view
   * into a larger one is copied (cloning it would copy the whole buffer),
   * unless `give`: that whole buffer moves (the caller's alone to give).
   */
  async seal(chunk: Uint8Array, key: Uint8Array, give = false): Promise<SealedChunk> {
    const moved = give || (chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength) ? chunk : chunk.slice();
    const r = (await this.send({ kind: 'seal', seq: ++this.seq, key, chunk: moved }, [moved.buffer as ArrayBuffer])) as {
      sealed: SealedChunk;
      spare?: ArrayBuffer;
    };
    if (give && r.spare && this.spares.length < SPARES) this.spares.push(r.spare);
    return r.sealed;
  }

  /** A buffer of `size` bytes that a given chunk came back in (its old bytes still there), or undefined. */
  spare(size: number): Buffer | undefined {
    for (let b = this.spares.pop(); b; b = this.spares.pop()) if (b.byteLength === size) return Buffer.from(b);
    return undefined;
  }

  /** Read the small files `files` (full paths) on one worker and seal each as one chunk under `key`; an outcome per file, in order. */
  async readSmall(files: string[], max: number, key: Uint8Array): Promise<ReadOutcome[]> {
    const r = await this.send({ kind: 'read', seq: ++this.seq, key, files, max }, []);
    return (r as { read: ReadOutcome[] }).read;
  }

  /**
   * Open `pieces` and write their plaintext into `fd` at their offsets; the
   * plaintext bytes written. `fd` must stay open until this settles.
   */
  async open(fd: number, pieces: OpenPiece[]): Promise<number> {
    const transfer: ArrayBuffer[] = [];
    const r = await this.send({ kind: 'open', seq: ++this.seq, fd, pieces: pieces.map((p) => movable(p, transfer)) }, transfer);
    return (r as { written: number }).written;
  }

  /** Restore whole small files on one worker (one message for many files); an outcome per file, in order. */
  async files(files: FileJob[]): Promise<FileOutcome[]> {
    const transfer: ArrayBuffer[] = [];
    const whole = files.map((f) => ({ ...f, pieces: f.pieces.map((p) => movable(p, transfer)) }));
    const r = await this.send({ kind: 'files', seq: ++this.seq, files: whole }, transfer);
    return (r as { outcomes: FileOutcome[] }).outcomes;
  }

  /** Tell every worker of blob IDs now on their way into a pack, so none seals them again. */
  known(ids: readonly Uint8Array[]): void {
    if (ids.length === 0 || this.failed) return;
    const notice: KnownNotice = { kind: 'known', ids: endToEnd(ids) };
    for (const w of this.workers) w.postMessage(notice);
  }

  /** Let each worker wipe its keys and exit; force it only if it hangs. */
  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            w.removeAllListeners('exit');
            const force = setTimeout(() => void w.terminate(), 2000);
            w.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            w.postMessage('close');
          }),
      ),
    );
  }
}
