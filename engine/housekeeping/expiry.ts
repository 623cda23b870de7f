// When the backups' last copy of a deleted case can expire: an estimate.
// Manifests' file trees need the unlocked vault, so this assumes every
// snapshot taken before the deletion holds the case (an upper bound), that
// backups go on at the schedule's pace, and that `forget` is run as they
// do. It replays the retention policy (engine/backup/retention.ts) forward
// until no snapshot from before the deletion is kept.
import { applyRetention, type Dated, type RetentionPolicy } from '../backup/retention.js';

const HOUR_MS = 3_600_000;
const HORIZON_YEARS = 100;

/**
 * The first time `forget` would have removed every snapshot taken at or
 * before `deletedAt`; null if there is none; undefined if the policy keeps
 * one for longer than a hundred years.
 */
export function lastCopyExpires(snapshotTimes: readonly number[], deletedAt: number, policy: RetentionPolicy, everyMs: number): number | null | undefined {
  const holding = (s: Dated) => s.timeMs <= deletedAt;
  let kept: Dated[] = snapshotTimes.map((timeMs, i) => ({ id: `s${i}`, timeMs }));
  if (!kept.some(holding)) return null;
  const step = Math.max(everyMs, HOUR_MS);
  const end = deletedAt + HORIZON_YEARS * 366 * 24 * HOUR_MS;
  let t = Math.max(deletedAt, ...snapshotTimes);
  for (let n = 0; t < end; n++) {
    t += step;
    kept = applyRetention([...kept, { id: `f${n}`, timeMs: t }], policy).keep.map((k) => k.snapshot);
    if (!kept.some(holding)) return t;
  }
  return undefined;
}
