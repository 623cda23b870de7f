// When the backups' last copy of a deleted case can expire: an estimate.
// Manifests' file trees need the unlocked vault, so this assumes every
// snapshot taken before the deletion holds the case (an upper bound), that
// backups go on at the schedule's pace, and that `forget` is run as they
// do. For each snapshot the policy keeps now, and each rule of
// engine/backup/retention.ts keeping it, it finds the first future backup
// that ends that rule's hold: one in the same period (it is no longer that
// period's newest), or the one that pushes its period out of the last N.
import { applyRetention, BUCKETS, type Dated } from '../backup/retention.js';
import { type RetentionPolicy } from '../../contract/index.js';

const HOUR_MS = 3_600_000;
const HORIZON_MS = 100 * 366 * 24 * HOUR_MS;

/**
 * The first time `forget` would have removed every snapshot taken at or
 * before `deletedAt`; null if there is none; undefined if the policy keeps
 * one for longer than a hundred years.
 */
export function lastCopyExpires(snapshotTimes: readonly number[], deletedAt: number, policy: RetentionPolicy, everyMs: number): number | null | undefined {
  const snaps: Dated[] = snapshotTimes.map((timeMs, i) => ({ id: `s${String(i).padStart(9, '0')}`, timeMs }));
  const holding = snaps.filter((s) => s.timeMs <= deletedAt);
  if (holding.length === 0) return null;
  const kept = new Set(applyRetention(snaps, policy).keep.map((k) => k.snapshot.id));
  const step = Math.max(everyMs, HOUR_MS);
  const start = Math.max(deletedAt, ...snapshotTimes);
  const maxK = Math.ceil(HORIZON_MS / step);
  // Future backups sort after every existing one (time, then this ID).
  const future = (k: number): Dated => ({ id: `t${String(k).padStart(9, '0')}`, timeMs: start + k * step });
  let last = deletedAt; // none kept now: the next forget removes them all
  for (const s of holding) {
    if (!kept.has(s.id)) continue;
    let leaves = 1; // the newest snapshot is kept until the next one
    for (const [rule, bucket] of BUCKETS) {
      const mine = bucket(new Date(s.timeMs), s.id);
      const newer = new Set(snaps.filter((x) => x.timeMs > s.timeMs || (x.timeMs === s.timeMs && x.id > s.id)).map((x) => bucket(new Date(x.timeMs), x.id)));
      if (newer.has(mine) || newer.size >= policy[rule]) continue; // this rule does not keep it even now
      let k = 1;
      for (; k <= maxK; k++) {
        const f = future(k);
        const b = bucket(new Date(f.timeMs), f.id);
        if (b === mine) break;
        newer.add(b);
        if (newer.size >= policy[rule]) break;
      }
      if (k > maxK) return undefined;
      leaves = Math.max(leaves, k);
    }
    last = Math.max(last, future(leaves).timeMs);
  }
  return last;
}
