// Reads files' text on a worker thread, one file at a time, with a time
// limit and a memory limit: a hostile PDF that would loop or balloon stops
// that worker (which is replaced), is reported, and the search carries on.
import { Worker } from 'node:worker_threads';
import type { TextKind } from './kinds.js';
import type { ExtractReply, ExtractRequest } from './extract-worker.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
const MEMORY_MB = 1024;

export type Extracted = { text: string } | { reason: string };

export class Extractor {
  private worker: Worker | undefined;
  private next = 0;

  constructor(private readonly timeoutMs = DEFAULT_TIMEOUT_MS) {}

  private spawn(): Worker {
    const w = new Worker(new URL('./extract-worker.js', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: MEMORY_MB },
      stdout: true,
      stderr: true,
    });
    w.unref();
    return w;
  }

  /** The text of the file at `full` (an absolute path inside the vault), or why it could not be read. */
  read(full: string, kind: TextKind): Promise<Extracted> {
    const w = (this.worker ??= this.spawn());
    const id = ++this.next;
    return new Promise<Extracted>((resolve) => {
      const finish = (r: Extracted, broken: boolean) => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onFailure);
        w.off('exit', onFailure);
        if (broken) {
          if (this.worker === w) this.worker = undefined;
          void w.terminate();
        }
        resolve(r);
      };
      const onMessage = (m: ExtractReply) => {
        if (m.id === id) finish('text' in m ? { text: m.text } : { reason: m.reason }, false);
      };
      const onFailure = () => finish({ reason: 'it is too large or complex to read' }, true);
      const secs = Math.max(1, Math.round(this.timeoutMs / 1000));
      const timer = setTimeout(() => finish({ reason: `it took more than ${secs === 1 ? '1 second' : `${secs} seconds`} to read` }, true), this.timeoutMs);
      w.on('message', onMessage);
      w.once('error', onFailure);
      w.once('exit', onFailure);
      w.postMessage({ id, full, kind } satisfies ExtractRequest);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }
}
