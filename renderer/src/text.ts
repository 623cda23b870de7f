// Messages from the engine, shown as sentences; sizes and dates as people
// read them. Dates follow the computer's locale, which the engine tells the
// app at start (main.tsx): in browser mode the browser's own language may be
// another, and a date must read the same in the app and at the terminal.
import { FALLBACK_LOCALE } from '../../contract/index.js';

let locale = FALLBACK_LOCALE;
/** Set once at start from the engine's `locale()`. */
export function setLocale(l: string): void {
  locale = l;
}

/** The computer's locale, for a date format of a screen's own. */
export const dateLocale = (): string => locale;

/** "the passphrase is wrong" -> "The passphrase is wrong." */
export function sentence(message: string): string {
  const m = message.trim();
  return `${m.charAt(0).toUpperCase()}${m.slice(1)}${/[.!?]$/.test(m) ? '' : '.'}`;
}

/** 1536 -> "1.5 KB": sizes as people read them. */
export function size(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return u === 0 ? `${n} ${n === 1 ? 'byte' : 'bytes'}` : `${n < 10 ? n.toFixed(1) : Math.round(n)} ${units[u]}`;
}

/** "Tuesday 1 December 2026 at 07:02" in the computer's locale and time zone. */
export function when(iso: string | number): string {
  return new Date(iso).toLocaleString(locale, { dateStyle: 'full', timeStyle: 'short' });
}

/** "1 Dec 2026, 07:02": for tables. */
export function shortWhen(iso: string | number): string {
  return new Date(iso).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "1 file", "3 files". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
