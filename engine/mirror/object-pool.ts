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
import { runPool } from '../fsutil/pool.js';
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

type Listed = { name: string; idHex: string | undefined; size: number };

/**
 * Opens every listed object. A folder cloud's well-named small ones, when
 * there are enough, go to worker threads (restoring them into `restore`, or
 * only checking them), each result to `onResult`, one at a time; the rest,
 * and any that grew past what a worker takes, to `onMain`: eight at a time,
 * or two at a time beside the workers. Whether workers ran.
 */
export async function openEach(
  remote: Remote,
  listed: readonly Listed[],
  ring: readonly ObjectReadKeys[],
  restore: RestoreInto | undefined,
  onMain: (object: { name: string; idHex: string | undefined }) => Promise<void>,
  onResult: (result: Exclude<ObjectResult, { kind: 'large' }>) => Promise<void>,
): Promise<boolean> {
  const jobs: ObjectJob[] = [];
  const rest: Listed[] = [];
  for (const n of listed) {
    if (n.idHex !== undefined && n.size <= WORKER_OBJECT_BYTES) jobs.push({ name: n.name, idHex: n.idHex });
    else rest.push(n);
  }
  if (!(remote instanceof FolderRemote) || !worthWorkers(jobs.length)) {
    await runPool(listed, 8, onMain);
    return false;
  }
  const keys = ring.map(({ boxSecret, publicKey, authKey, nameKey }) => ({ boxSecret, publicKey, authKey, nameKey }));
  const data: ObjectWorkerData = { ring: keys, cloudDir: remote.root, ...(restore ? { restore } : {}) };
  const later: ObjectJob[] = [];
  await Promise.all([
    runPool(rest, 2, onMain),
    inWorkers<ObjectJob, ObjectResult>(new URL('./object-worker.js', import.meta.url), data, jobs, async (results) => {
      for (const r of results) {
        if (r.kind === 'large') later.push(r.job);
        else await onResult(r);
      }
    }),
  ]);
  await runPool(later, 2, onMain);
  return true;
}
