// Spreads many small jobs over worker threads (one per core), a batch at a
// time, two batches in flight per worker; the results come back to the
// caller batch by batch, in completion order, one call at a time. The sync's
// sealing (mirror/seal-pool.ts) and the recovery's and verify's opening of
// objects (mirror/object-pool.ts) run on it: per file, a worker's synchronous calls
// cost microseconds where the main thread's promise calls each cost a
// thread-pool round trip.
import { availableParallelism } from 'node:os';
import { parentPort, Worker } from 'node:worker_threads';

const BATCH = 64;
const IN_FLIGHT_PER_WORKER = 2;
// A small young generation: a worker's objects live for one batch, and V8's default (up to 48 MiB a worker, grown by
// the batches' churn) was most of a first sync's memory at 10,000 files (175 MiB peak against 139 MiB; no slower).
const YOUNG_MB = 6;

/** Worth starting workers for: enough jobs and more than one core. */
export function worthWorkers(jobs: number): boolean {
  return jobs >= 256 && availableParallelism() > 1;
}

/** Runs `jobs` on workers started from `script` (which calls serveBatches) with `workerData`, handing each batch's results to `onBatch`. */
export async function inWorkers<J, R>(script: URL, workerData: unknown, jobs: readonly J[], onBatch: (results: R[]) => Promise<void>): Promise<void> {
  const count = Math.min(availableParallelism(), Math.ceil(jobs.length / BATCH));
  const workers = Array.from({ length: count }, () => new Worker(script, { workerData, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } }));
  let next = 0;
  let chain = Promise.resolve();
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            let outstanding = 0;
            const send = () => {
              while (outstanding < IN_FLIGHT_PER_WORKER && next < jobs.length) {
                const batch = jobs.slice(next, next + BATCH);
                next += batch.length;
                outstanding++;
                w.postMessage(batch);
              }
              if (outstanding === 0) resolve();
            };
            w.on('message', (results: R[]) => {
              chain = chain.then(() => onBatch(results));
              chain.then(() => {
                outstanding--;
                send();
              }, reject);
            });
            w.on('error', reject);
            w.on('exit', (code) => {
              if (outstanding > 0) reject(new Error(`internal error: a worker thread stopped (${code})`));
            });
            send();
          }),
      ),
    );
    await chain;
  } finally {
    // Let each worker wipe its keys and exit; force it only if it hangs.
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
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

/**
 * The worker's side: answers each batch with `run`'s results (a job at a
 * time, in order, and a batch at a time: the next batch waits in the queue,
 * so a job may keep state between its awaits; `transfer`: buffers to move
 * rather than copy) and calls `close` (to wipe keys) when told to stop.
 */
export function serveBatches<J, R>(run: (job: J) => Promise<R>, close: () => void, transfer: (r: R) => ArrayBuffer[] = () => []): void {
  let queue = Promise.resolve();
  const answer = async (batch: J[]) => {
    const results: R[] = [];
    for (const job of batch) results.push(await run(job));
    parentPort!.postMessage(results, results.flatMap(transfer));
  };
  parentPort!.on('message', (batch: J[] | 'close') => {
    queue = queue.then(() => {
      if (batch !== 'close') return answer(batch);
      close();
      parentPort!.close();
    });
  });
}
