// The vault's lock as the shells show it: locked or not and, when it locked
// by itself, why (so many minutes without use, the computer going to sleep,
// the screen locking), so the page can say so. The idle rule is here once,
// for the engine's own idle timer and the desktop app's check of the
// computer's idle time alike. Spec: docs/api.md (lockState), docs/desktop-app.md.

/** Why the vault locked by itself. */
export type LockCause = { by: 'idle'; minutes: number } | { by: 'sleep' } | { by: 'screen-lock' };

export interface LockState {
  locked: boolean;
  /** While the vault stays locked after locking by itself: why, and when (ISO time). Null after the person's own Lock, and once unlocked. */
  autoLocked: (LockCause & { at: string }) | null;
}

/** Auto-lock is due once nobody has used the vault for `minutes` (the setting; 0 = never by time, only on sleep, screen lock and quit). */
export function idleLockDue(idleMs: number, minutes: number): boolean {
  return minutes > 0 && idleMs >= minutes * 60_000;
}

/** How a lock that happened by itself is told: "Locked after 15 minutes without use". */
export function lockCauseText(c: LockCause): string {
  if (c.by === 'idle') return `Locked after ${c.minutes === 1 ? '1 minute' : `${c.minutes} minutes`} without use`;
  return c.by === 'sleep' ? 'Locked when the computer went to sleep' : 'Locked when the screen was locked';
}
