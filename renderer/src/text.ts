// Messages from the engine, shown as sentences; sizes and dates as people
// read them. Dates follow the computer's locale, which the engine tells the
// app at start (main.tsx): in browser mode the browser's own language may be
// another, and a date must read the same in the app and at the terminal.
import { count, FALLBACK_LOCALE, worstFirst, type HealthItem, type SyncReport } from '../../contract/index.js';

let locale = FALLBACK_LOCALE;
/** Set once at start from the engine's `locale()`. */
export function setLocale(l: string): void {
  locale = l;
}

/** The computer's locale, for a date format of a screen's own. */
export const dateLocale = (): string => locale;

/** "the passphrase is wrong" -> "The passphrase is wrong." */
/** A status card's colour from the engine's health items: green when all are ok, amber for reminders only, red otherwise. */
export function tone(health: readonly HealthItem[]): 'ok' | 'busy' | 'attention' {
  const worst = worstFirst(health).find((h) => !h.ok);
  return !worst ? 'ok' : worst.urgency === 'reminder' ? 'busy' : 'attention';
}

export function sentence(message: string): string {
  const m = message.trim();
  return `${m.charAt(0).toUpperCase()}${m.slice(1)}${/[.!?]$/.test(m) ? '' : '.'}`;
}

export { byteSize as size, count } from '../../contract/words.js';

/** "Tuesday 1 December 2026 at 07:02" in the computer's locale and time zone. */
export function when(iso: string | number): string {
  return new Date(iso).toLocaleString(locale, { dateStyle: 'full', timeStyle: 'short' });
}

/** "1 Dec 2026, 07:02": for tables. */
export function shortWhen(iso: string | number): string {
  return new Date(iso).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "1 file", "3 files". */

/** The next backup, never in the past: "Tuesday 1 December 2026 at 07:02", or "overdue since ..." once that time has gone by. */
export function nextBackupWords(iso: string, now: number): string {
  return new Date(iso).getTime() <= now ? `overdue since ${when(iso)}` : when(iso);
}

/** "Sat 5 Dec 2026, 14:03:27": a backup's moment to the second (two in one minute differ), in the person's own language and time zone. */
export function exactWhen(iso: string | number): string {
  return new Date(iso).toLocaleString(locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

// No weeks: "9 days ago" reads the same wherever the engine's sentences say so (never "last week" beside "9 days").
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

/** "just now", "2 hours ago", "yesterday", "in 3 minutes": how far `iso` is from `now`, in the person's own language. */
export function ago(iso: string | number, now = Date.now()): string {
  const seconds = (new Date(iso).getTime() - now) / 1000;
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, length] of UNITS) if (Math.abs(seconds) >= length) return rtf.format(Math.trunc(seconds / length), unit);
  return 'just now'; // "now" or "in 0 seconds" would read oddly after "last backup"
}

/** "Sat 5 Dec 2026, 14:03:27 · 2 hours ago". */
export function exactAndAgo(iso: string | number, now = Date.now()): string {
  return `${exactWhen(iso)} · ${ago(iso, now)}`;
}

/**
 * What a sync the person started did: `done` when every file went, else how
 * many could not be and `where` they are listed. Never a plain "done" after
 * a rollback: someone put an older copy of the cloud back, even if this pass
 * put the newer files back.
 */
export function syncOutcome(r: SyncReport, done: string, where: string): string {
  const outcome = r.failed.length > 0 ? `${count(r.failed.length, 'file')} could not be synced; ${where}.` : done;
  return r.rolledBack ? `Warning: ${r.rolledBack}. This computer's files were uploaded again. ${outcome}` : outcome;
}
