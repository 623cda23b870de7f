import type { CalendarDate } from '../../contract/index.js';

const DAY_MS = 86_400_000;
const SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The date if `text` is a real calendar date written YYYY-MM-DD, else undefined. */
export function parseDate(text: string): CalendarDate | undefined {
  const m = SHAPE.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d ? text : undefined;
}

export function dateOf(ms: number): CalendarDate {
  return new Date(ms).toISOString().slice(0, 10);
}

export function startOf(d: CalendarDate): number {
  return Date.parse(`${d}T00:00:00Z`);
}

export function addDays(d: CalendarDate, days: number): CalendarDate {
  return dateOf(startOf(d) + days * DAY_MS);
}

/**
 * The same day `years` later. 29 February in a year without one becomes
 * 1 March: a case is never due before N whole years have passed.
 */
export function addYears(d: CalendarDate, years: number): CalendarDate {
  const [y, m, day] = d.split('-').map(Number) as [number, number, number];
  return dateOf(Date.UTC(y + years, m - 1, day));
}
