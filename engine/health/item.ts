// What every area of the vault's health is made of: an ok item, a problem
// with its urgency and fix, and durations in words ("3 hours"), which stay
// true in every language setting and time zone the sentence is read in.
import type { FailureInfo, HealthArea, HealthItem, HealthUrgency, NextStep } from '../../contract/index.js';

export function fine(area: HealthArea, message: string): HealthItem {
  return { area, ok: true, message };
}

export function problem(area: HealthArea, urgency: HealthUrgency, message: string, next?: NextStep): HealthItem {
  return { area, ok: false, message, urgency, ...(next ? { next } : {}) };
}

/** A failure (an engine error's kind, sentence and next step) as an area's problem. */
export function failed(area: HealthArea, urgency: HealthUrgency, f: FailureInfo, next?: NextStep): HealthItem {
  return problem(area, urgency, f.message, f.next ?? next);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** 90 minutes -> "1 hour", 50 hours -> "2 days": the largest whole unit, rounded down. */
export function duration(ms: number): string {
  if (ms >= 2 * DAY) return plural(Math.floor(ms / DAY), 'day');
  if (ms >= HOUR) return plural(Math.floor(ms / HOUR), 'hour');
  return plural(Math.max(1, Math.floor(ms / MINUTE)), 'minute');
}

/** How long ago `at` was, seen from `now`: "just now", "5 minutes ago". */
export function ago(at: number, now: number): string {
  return now - at < MINUTE ? 'just now' : `${duration(now - at)} ago`;
}
