// When the next backup is due, and when the person must be warned that
// backups have stopped. Pure functions of the clock and the run record, so
// the watch loop (and the desktop app) only ask "is it due?" on each tick:
// a run missed while the laptop slept or was off is due as soon as it wakes
// (catch-up), and a failed run (the drive is unplugged) is retried after
// `retryMs` rather than on every tick.
export interface BackupSchedule {
  /** A backup this long after the last successful one. Default: daily. */
  everyMs: number;
  /** Optionally also this long after the vault last changed, if it changed since the last backup. */
  afterChangeMs?: number;
  /** After a failed run, wait this long before trying again. */
  retryMs: number;
  /** Warn loudly once no backup has succeeded for this long. Default: 7 days. */
  warnAfterMs: number;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export const DEFAULT_SCHEDULE: BackupSchedule = { everyMs: DAY, retryMs: 15 * MINUTE, warnAfterMs: 7 * DAY };

export interface ScheduleState {
  now: number;
  /** When backups were set up for this vault (the clock for the first warning). */
  sinceMs: number;
  lastSuccessMs: number | null;
  /** The last run of any outcome. */
  lastAttemptMs: number | null;
  lastAttemptOk: boolean | null;
  /** When a file in the vault last changed, if known. */
  lastChangeMs?: number | null;
}

/** When the next backup should start; at or before `now` means it is due now. */
export function nextBackupAt(s: BackupSchedule, st: ScheduleState): number {
  let at = st.lastSuccessMs === null ? st.sinceMs : st.lastSuccessMs + s.everyMs;
  if (
    s.afterChangeMs !== undefined &&
    st.lastChangeMs !== undefined &&
    st.lastChangeMs !== null &&
    st.lastSuccessMs !== null &&
    st.lastChangeMs > st.lastSuccessMs
  ) {
    at = Math.min(at, st.lastChangeMs + s.afterChangeMs);
  }
  if (st.lastAttemptOk === false && st.lastAttemptMs !== null && (st.lastSuccessMs === null || st.lastAttemptMs > st.lastSuccessMs)) {
    at = Math.max(at, st.lastAttemptMs + s.retryMs);
  }
  return at;
}

export function backupDue(s: BackupSchedule, st: ScheduleState): boolean {
  return nextBackupAt(s, st) <= st.now;
}

/** Overdue: no successful backup for `warnAfterMs` (counted from set-up if there never was one). */
export function backupOverdue(s: BackupSchedule, st: ScheduleState): { overdue: boolean; sinceMs: number } {
  const since = st.lastSuccessMs ?? st.sinceMs;
  return { overdue: st.now - since >= s.warnAfterMs, sinceMs: since };
}
