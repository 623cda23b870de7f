// Opens a folder cloud's small objects on worker threads
// (fsutil/worker-batches.ts): each worker reads the object, authenticates
// and decrypts it whole, and either writes the file (recover) or only counts
// its bytes (verify --cloud), with synchronous calls. A recovery of 10,000
// small files on the main thread's promise calls spent most of its time
// handing work to the thread pool and back (over 40 futex calls a file) and
// no more than a core. Restoring workers write without an fsync per file:
// the caller makes the whole folder durable once at the end (restoreAll),
// before anything records the files as restored.
import type { ObjectReadKeys } from '../../crypto/index.js';
import { inWorkers, worthWorkers } from '../fsutil/worker-batches.js';
import { FolderRemote } from '../remotes/folder.js';
import type { Remote } from '../remotes/remote.js';
import type { RestoredFile } from './restore-objects.js';

/** Larger objects are read on the main thread, streamed (a worker holds a whole object in memory). */
export const WORKER_OBJECT_BYTES = 1024 * 1024 + 64 * 1024;

export interface RestoreInto {
  dir: string;
  resume: boolean;
  /** fsync each file (where the whole folder cannot be flushed at once). */
  fsyncEach: boolean;
}

export interface ObjectWorkerData {
  /** Current keys first, then earlier ones (restoreObject). */
  ring: ObjectReadKeys[];
  cloudDir: string;
  /** Restore into this folder (as restoreObject does); without it, only check each object. */
  restore?: RestoreInto;
}

export interface ObjectJob {
  name: string;
  idHex: string;
}

export type ObjectResult =
  | { kind: 'restored'; file: RestoredFile }
  /** Authentic and whole (checking only): what verify --cloud compares with its records. */
  | { kind: 'checked'; job: ObjectJob; path: string; generation: number; bytes: number; tag?: string }
  /** Too large for a worker (grown since it was listed): for the main thread. */
  | { kind: 'large'; job: ObjectJob }
  /** Under earlier keys: the main thread decides whether a copy under the current keys makes it an old one. */
  | { kind: 'earlier'; job: ObjectJob; path: string }
  | { kind: 'failed'; job: ObjectJob; reason: string; damaged: boolean };

/**
 * Which listed objects go to the workers (a folder cloud's well-named small
 * ones, when there are enough) and which stay on the main thread; undefined
 * when all do.
 */
export function forWorkers<T extends { name: string; idHex: string | undefined; size: number }>(
  remote: Remote,
  listed: readonly T[],
): { cloudDir: string; jobs: ObjectJob[]; onMain: T[] } | undefined {
  if (!(remote instanceof FolderRemote)) return undefined;
  const jobs: ObjectJob[] = [];
  const onMain: T[] = [];
  for (const n of listed) {
    if (n.idHex !== undefined && n.size <= WORKER_OBJECT_BYTES) jobs.push({ name: n.name, idHex: n.idHex });
    else onMain.push(n);
  }
  return worthWorkers(jobs.length) ? { cloudDir: remote.root, jobs, onMain } : undefined;
}

/** Opens `jobs` (forWorkers) on worker threads with the reading keys `ring`, restoring them or only checking them; `onBatch` gets each batch's results, one call at a time. */
export function openInWorkers(
  cloudDir: string,
  ring: readonly ObjectReadKeys[],
  restore: RestoreInto | undefined,
  jobs: ObjectJob[],
  onBatch: (results: ObjectResult[]) => Promise<void>,
): Promise<void> {
  const keys = ring.map(({ boxSecret, publicKey, authKey, nameKey }) => ({ boxSecret, publicKey, authKey, nameKey }));
  const data: ObjectWorkerData = { ring: keys, cloudDir, ...(restore ? { restore } : {}) };
  return inWorkers(new URL('./object-worker.js', import.meta.url), data, jobs, onBatch);
}
