// Restores a folder cloud's small objects on worker threads
// (fsutil/worker-batches.ts): each worker reads the object, opens it and
// writes the file with synchronous calls. A recovery of 10,000 small files
// on the main thread's promise calls spent most of its time handing work to
// the thread pool and back (over 40 futex calls a file) and no more than a
// core. The workers write without an fsync per file: the caller makes the
// whole folder durable once at the end (restoreAll), before anything records
// the files as restored.
import type { ObjectReadKeys } from '../../crypto/index.js';
import { inWorkers } from '../fsutil/worker-batches.js';
import type { RestoredFile } from './restore-objects.js';

/** Larger objects are read on the main thread, streamed (a worker holds a whole object in memory). */
export const WORKER_OBJECT_BYTES = 1024 * 1024 + 64 * 1024;

export interface RestoreWorkerData {
  /** Current keys first, then earlier ones (restoreObject). */
  ring: ObjectReadKeys[];
  dir: string;
  cloudDir: string;
  resume: boolean;
  /** fsync each file (where the whole folder cannot be flushed at once). */
  fsyncEach: boolean;
}

export interface RestoreJob {
  name: string;
  idHex: string;
}

export type RestoreResult =
  | { kind: 'restored'; file: RestoredFile }
  /** Too large for a worker (grown since it was listed): for the main thread. */
  | { kind: 'large'; job: RestoreJob }
  /** Under earlier keys: the main thread decides whether a copy under the current keys makes it an old one. */
  | { kind: 'earlier'; job: RestoreJob; path: string }
  | { kind: 'failed'; job: RestoreJob; reason: string; damaged: boolean };

/** Restores `jobs` on worker threads; `onBatch` gets each batch's results, one call at a time. */
export function restoreInWorkers(data: RestoreWorkerData, jobs: RestoreJob[], onBatch: (results: RestoreResult[]) => Promise<void>): Promise<void> {
  return inWorkers(new URL('./restore-worker.js', import.meta.url), data, jobs, onBatch);
}
