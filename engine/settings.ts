// The person's choices on this computer (CASEVAULT_HOME/settings.json):
// auto-lock, the backup schedule and retention, the access-review reminder.
// Nothing in it is secret. A missing or damaged file reads as the defaults
// (the app shows them, and the next change rewrites the file), so a bad
// file never stops the vault from locking or backing up.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './fsutil/atomic.js';
import { DEFAULT_RETENTION } from './backup/retention.js';
import { DEFAULT_SCHEDULE, type BackupSchedule } from './backup/schedule.js';
import { UsageError } from './errors.js';
import { homeFiles } from './home.js';
import { settingsUpdateSchema, type Settings } from '../contract/index.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const DEFAULT_SETTINGS: Settings = {
  autoLockMinutes: 15,
  backupEveryHours: DEFAULT_SCHEDULE.everyMs / HOUR,
  backupWarnAfterDays: DEFAULT_SCHEDULE.warnAfterMs / DAY,
  retention: DEFAULT_RETENTION,
  accessReviewMonths: 6,
  startAtLogin: false,
  lastAccessReview: null,
};

const storedSchema = settingsUpdateSchema.extend({ lastAccessReview: z.string().datetime().nullable().optional() });

export async function loadSettings(home: string): Promise<Settings> {
  const text = await readFile(join(home, homeFiles.settings), 'utf8').catch(() => '');
  let parsed: z.infer<typeof storedSchema> = {};
  try {
    parsed = storedSchema.parse(JSON.parse(text));
  } catch {
    // missing or damaged: the defaults
  }
  return { ...DEFAULT_SETTINGS, ...parsed };
}

/** Validates and saves a change; returns the new settings and a plain description of what changed (for the audit trail). */
export async function updateSettings(home: string, update: unknown): Promise<{ settings: Settings; changes: string[] }> {
  const u = settingsUpdateSchema.safeParse(update);
  if (!u.success) throw new UsageError(`that setting is not allowed: ${describeIssue(u.error)}`);
  const before = await loadSettings(home);
  const after: Settings = { ...before, ...u.data };
  await saveSettings(home, after);
  return { settings: after, changes: describeChanges(before, after) };
}

export async function saveSettings(home: string, s: Settings): Promise<void> {
  await writeFileAtomic(join(home, homeFiles.settings), JSON.stringify(s, null, 2) + '\n');
}

const FIELD_NAMES: Record<string, string> = {
  autoLockMinutes: 'the auto-lock time',
  backupEveryHours: 'the time between backups',
  backupWarnAfterDays: 'the overdue warning',
  retention: 'the number of backups kept',
  accessReviewMonths: 'the time between access reviews',
  startAtLogin: 'starting with the computer',
};

function describeIssue(e: z.ZodError): string {
  const i = e.issues[0];
  if (!i) return 'check the values';
  const field = FIELD_NAMES[String(i.path[0])] ?? 'a value';
  if (i.code === 'too_small') return `${field} must be at least ${String(i.minimum)}`;
  if (i.code === 'too_big') return `${field} must be at most ${String(i.maximum)}`;
  if (i.code === 'unrecognized_keys') return 'unknown setting';
  if (i.code === 'invalid_type' && i.expected === 'boolean') return `${field} must be on or off`;
  return `${field} must be a whole number`;
}

const LABELS: Record<Exclude<keyof Settings, 'lastAccessReview' | 'retention' | 'startAtLogin'>, (v: number) => string> = {
  autoLockMinutes: (v) => `auto-lock ${v === 0 ? 'only on sleep and screen lock' : `after ${v} idle minutes`}`,
  backupEveryHours: (v) => `a backup every ${v} hours`,
  backupWarnAfterDays: (v) => `warn when backups are ${v} days overdue`,
  accessReviewMonths: (v) => `an access review every ${v} months`,
};

export function describeChanges(before: Settings, after: Settings): string[] {
  const out: string[] = [];
  for (const k of Object.keys(LABELS) as (keyof typeof LABELS)[]) if (before[k] !== after[k]) out.push(LABELS[k](after[k]));
  if (before.startAtLogin !== after.startAtLogin) out.push(after.startAtLogin ? 'start with the computer' : 'do not start with the computer');
  const r = after.retention;
  if (JSON.stringify(before.retention) !== JSON.stringify(r)) {
    out.push(`backups kept: last ${r.last}, daily ${r.daily}, weekly ${r.weekly}, monthly ${r.monthly}, yearly ${r.yearly}`);
  }
  return out;
}

export function backupSchedule(s: Settings): BackupSchedule {
  return { ...DEFAULT_SCHEDULE, everyMs: s.backupEveryHours * HOUR, warnAfterMs: s.backupWarnAfterDays * DAY };
}

/** When the next access review is due: `accessReviewMonths` after the last one (or after the vault was created). */
export function accessReviewDueAt(s: Settings, createdAt: string): Date {
  const since = new Date(s.lastAccessReview ?? createdAt);
  const due = new Date(since);
  due.setUTCMonth(due.getUTCMonth() + s.accessReviewMonths);
  return due;
}
