import type { RetentionPolicy } from '../../contract/index.js';

/**
 * Suited to case files: the last 10 backups, two weeks of dailies, two
 * months of weeklies, two years of monthlies, and yearlies for seven years
 * (past the six years the union's guidance keeps case files).
 */
export const DEFAULT_RETENTION: RetentionPolicy = { last: 10, daily: 14, weekly: 8, monthly: 24, yearly: 7 };

export interface Dated {
  id: string;
  timeMs: number;
}

function isoWeek(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((t.getTime() - yearStart) / 86400000 + 1) / 7);
  return `${t.getUTCFullYear()}-W${week}`;
}

/** Each rule and its period of a snapshot (housekeeping's expiry estimate walks them too). */
export const BUCKETS: [keyof RetentionPolicy, (d: Date, id: string) => string][] = [
  ['last', (_d, id) => id],
  ['daily', (d) => d.toISOString().slice(0, 10)],
  ['weekly', isoWeek],
  ['monthly', (d) => d.toISOString().slice(0, 7)],
  ['yearly', (d) => d.toISOString().slice(0, 4)],
];

export interface RetentionPlan<T extends Dated> {
  keep: { snapshot: T; reasons: string[] }[];
  remove: T[];
}

export function applyRetention<T extends Dated>(snapshots: readonly T[], policy: RetentionPolicy): RetentionPlan<T> {
  const sorted = [...snapshots].sort((a, b) => b.timeMs - a.timeMs || (a.id < b.id ? 1 : -1));
  const reasons = new Map<string, string[]>();
  for (const [rule, bucket] of BUCKETS) {
    const n = policy[rule];
    let kept = 0;
    let last: string | undefined;
    for (const s of sorted) {
      if (kept >= n) break;
      const b = bucket(new Date(s.timeMs), s.id);
      if (b === last) continue;
      last = b;
      kept++;
      const r = reasons.get(s.id) ?? [];
      r.push(rule);
      reasons.set(s.id, r);
    }
  }
  if (sorted.length > 0 && !reasons.has(sorted[0]!.id)) reasons.set(sorted[0]!.id, ['newest']);
  return {
    keep: sorted.filter((s) => reasons.has(s.id)).map((s) => ({ snapshot: s, reasons: reasons.get(s.id)! })),
    remove: sorted.filter((s) => !reasons.has(s.id)),
  };
}

/**
 * The policy applied to each group on its own, as restic groups by host:
 * each group keeps its newest snapshots whatever the other groups hold.
 * The backup folder's snapshots fall in two (backup-format.md has no
 * computer in a manifest, so this computer's records say which): those this
 * computer took, and every other (another computer's, or from before this
 * computer's records began). Kept newest first, as applyRetention.
 */
export function applyRetentionByGroup<T extends Dated>(groups: readonly (readonly T[])[], policy: RetentionPolicy): RetentionPlan<T> {
  const plans = groups.map((g) => applyRetention(g, policy));
  const newestFirst = (a: T, b: T) => b.timeMs - a.timeMs || (a.id < b.id ? 1 : -1);
  return {
    keep: plans.flatMap((p) => p.keep).sort((a, b) => newestFirst(a.snapshot, b.snapshot)),
    remove: plans.flatMap((p) => p.remove).sort(newestFirst),
  };
}
