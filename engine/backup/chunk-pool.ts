// Hashing, compressing and encrypting a backup's chunks on worker threads
// (one per core), while the main thread reads, cuts and writes packs. A
// worker gets the blob-ID key and, with each chunk, the key of the pack
// slot to seal it under (never a reading key); results come back per chunk.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export interface ChunkRequest {
  seq: number;
  key: Uint8Array;
  /** The chunk, in pieces (their buffers are transferred). */
  parts: Uint8Array[];
}

export interface SealedChunk {
  id: Uint8Array;
  flags: number;
  rawLength: number;
  stored: Uint8Array;
}

export type ChunkReply = { seq: number; sealed: SealedChunk } | { seq: number; error: string };

export class ChunkSealer {
  private readonly workers: Worker[];
  private readonly outstanding: number[];
  private readonly waiting = new Map<number, { worker: number; resolve: (s: SealedChunk) => void; reject: (e: Error) => void }>();
  private seq = 0;
  private failed: Error | undefined;

  constructor(idKey: Uint8Array, threads = availableParallelism()) {
    this.workers = Array.from({ length: Math.max(1, threads) }, () => new Worker(new URL('./chunk-worker.js', import.meta.url), { workerData: { idKey } }));
    this.outstanding = this.workers.map(() => 0);
    for (const [i, w] of this.workers.entries()) {
      w.on('message', (m: ChunkReply) => {
        const job = this.waiting.get(m.seq)!;
        this.waiting.delete(m.seq);
        this.outstanding[i]!--;
        if ('error' in m) job.reject(new Error(`internal error: sealing a chunk failed (${m.error})`));
        else job.resolve(m.sealed);
      });
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => this.fail(new Error(`internal error: a sealing worker stopped (${code})`)));
    }
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const job of this.waiting.values()) job.reject(this.failed);
    this.waiting.clear();
  }

  /** Seal a chunk under `key` on the least busy worker. Parts that are whole buffers move to the worker. */
  seal(parts: Uint8Array[], key: Uint8Array): Promise<SealedChunk> {
    if (this.failed) return Promise.reject(this.failed);
    let w = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.outstanding[i]! < this.outstanding[w]!) w = i;
    const seq = ++this.seq;
    this.outstanding[w]!++;
    const done = new Promise<SealedChunk>((resolve, reject) => this.waiting.set(seq, { worker: w, resolve, reject }));
    // A view into a larger buffer is copied (cloning it would copy the whole buffer).
    const whole = parts.map((p) => (p.byteOffset === 0 && p.byteLength === p.buffer.byteLength ? p : p.slice()));
    this.workers[w]!.postMessage(
      { seq, key, parts: whole } satisfies ChunkRequest,
      whole.map((p) => p.buffer as ArrayBuffer),
    );
    return done;
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
