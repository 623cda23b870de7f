// The vault's health: one item per area, each computed by the engine from
// the real state (never assumed), with one plain sentence and the fix as a
// typed next step. The engine hands the list over worst first (worstFirst
// below), so every shell shows the same headline: Home's, the tray's, the
// first line of `status`; `status --json` carries the list.
import type { NextStep } from './errors.js';

export type HealthArea = 'cloud' | 'backups' | 'lock' | 'keys' | 'recovery-key' | 'retention' | 'access-review' | 'devices';

/**
 * How much a problem weighs, worst first: `stopped` (files no longer reach
 * the cloud: it is missing, tampered with, or the keys moved on),
 * `attention` (a copy or the way back in is at risk: backups, files that
 * failed, an unconfirmed recovery key), `reminder` (something to do in due
 * course: cases past retention, an access review, changes waiting to go).
 */
export type HealthUrgency = 'stopped' | 'attention' | 'reminder';

export interface HealthItem {
  area: HealthArea;
  ok: boolean;
  /** One sentence in the person's words; names no command or button. */
  message: string;
  /** What fixes it, when it is not ok. */
  next?: NextStep;
  /** How much it weighs, when it is not ok. */
  urgency?: HealthUrgency;
}

/** Every area, in the order a tie between two equally urgent problems is broken. */
export const HEALTH_AREAS: readonly HealthArea[] = ['cloud', 'keys', 'devices', 'backups', 'recovery-key', 'retention', 'access-review', 'lock'];

const WEIGHT: Record<HealthUrgency, number> = { stopped: 0, attention: 1, reminder: 2 };

function rank(item: HealthItem): number {
  return item.ok ? 3 : WEIGHT[item.urgency ?? 'attention'];
}

/** The items worst first: problems by urgency, then every ok item; ties in HEALTH_AREAS order. */
export function worstFirst(items: readonly HealthItem[]): HealthItem[] {
  return [...items].sort((a, b) => rank(a) - rank(b) || HEALTH_AREAS.indexOf(a.area) - HEALTH_AREAS.indexOf(b.area));
}

/** The item a headline shows: the worst problem, or undefined when every item is ok. */
export function worstProblem(items: readonly HealthItem[]): HealthItem | undefined {
  return worstFirst(items).find((i) => !i.ok);
}
