// Bytes and time left for a running sync, from the engine's progress events.
import { size } from './text.js';
import { type ProgressEvent } from '../../contract/index.js';

export interface Run {
  startedMs: number;
  lastMs: number;
  last: ProgressEvent;
}

/** Follows one run: a new one starts when the counts go back to zero or the totals change. */
export function follow(run: Run | undefined, p: ProgressEvent, now: number): Run {
  const fresh = !run || p.bytesDone < run.last.bytesDone || p.filesTotal !== run.last.filesTotal || p.bytesTotal !== run.last.bytesTotal;
  return { startedMs: fresh ? now : run.startedMs, lastMs: now, last: p };
}

/** Still going: short of its totals, and heard from in the last minute (a pass that failed part-way sends no last event). */
export function running(run: Run | undefined, now: number): run is Run {
  return !!run && run.last.filesTotal > 0 && run.last.filesDone < run.last.filesTotal && now - run.lastMs < 60_000;
}

/** "1.2 MB of 40 MB, about 3 minutes left" (no estimate in the first seconds, when the rate means little). */
export function describeRun(run: Run, now: number): string {
  const { bytesDone, bytesTotal } = run.last;
  const head = `${size(bytesDone)} of ${size(bytesTotal)}`;
  const elapsed = now - run.startedMs;
  if (elapsed < 3000 || bytesDone === 0 || bytesDone >= bytesTotal) return head;
  const leftS = Math.ceil(((bytesTotal - bytesDone) / bytesDone) * (elapsed / 1000));
  const left =
    leftS < 60
      ? 'less than a minute'
      : leftS < 3600
        ? `about ${Math.round(leftS / 60)} ${Math.round(leftS / 60) === 1 ? 'minute' : 'minutes'}`
        : `about ${Math.round(leftS / 3600)} ${Math.round(leftS / 3600) === 1 ? 'hour' : 'hours'}`;
  return `${head}, ${left} left`;
}
