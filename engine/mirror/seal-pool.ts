// Spreads the sealing of many small files over worker threads
// (fsutil/worker-batches.ts). For a folder cloud the workers also write each
// object (temporary file, rename) and hand back only its record: the main
// thread schedules, records the state and makes the writes durable at its
// checkpoints (FolderRemote.written).
import type { WriteKeys } from '../../crypto/index.js';
import { inWorkers } from '../fsutil/worker-batches.js';
import type { FileRecord } from './state.js';

export interface SealWorkerData {
  keys: WriteKeys;
  vaultDir: string;
  /** A folder cloud's root: the workers write the objects there themselves. */
  cloudDir?: string;
}

export type SealResult =
  | { path: string; kind: 'sealed'; name: string; bytes: Uint8Array; record: FileRecord }
  | { path: string; kind: 'written'; name: string; record: FileRecord }
  | { path: string; kind: 'large' }
  | { path: string; kind: 'failed'; retry: boolean; reason: string };

/** Seals `paths` on worker threads and calls `onBatch` for each batch of results, in completion order, one call at a time. */
export function sealInWorkers(data: SealWorkerData, paths: string[], onBatch: (results: SealResult[]) => Promise<void>): Promise<void> {
  return inWorkers(new URL('./seal-worker.js', import.meta.url), data, paths, onBatch);
}
