// The vault's health: one item per area, each computed by the engine from
// the real state (never assumed), with one plain sentence and the fix as a
// typed next step. Home's headline shows the worst item; `status --json`
// carries the list.
import type { NextStep } from './errors.js';

export type HealthArea = 'cloud' | 'backups' | 'lock' | 'keys' | 'recovery-key' | 'retention' | 'access-review';

export interface HealthItem {
  area: HealthArea;
  ok: boolean;
  /** One sentence in the person's words; names no command or button. */
  message: string;
  /** What fixes it, when it is not ok. */
  next?: NextStep;
}
