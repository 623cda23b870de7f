// Pure logic: the retention policy and the backup schedule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyRetention, applyRetentionByGroup, DEFAULT_RETENTION } from '../../engine/backup/retention.js';
import { backupDue, backupOverdue, DEFAULT_SCHEDULE, nextBackupAt } from '../../engine/backup/schedule.js';

const H = 3600_000;
const D = 24 * H;
const T0 = Date.UTC(2026, 0, 1, 12);

test('retention: last N, then the newest per day, ISO week, month and year; the newest always stays', () => {
  // Four backups a day for 400 days.
  const snaps = Array.from({ length: 1600 }, (_, i) => ({ id: `s${String(i).padStart(4, '0')}`, timeMs: T0 + i * 6 * H }));
  const plan = applyRetention(snaps, DEFAULT_RETENTION);
  const kept = plan.keep.map((k) => k.snapshot);
  assert.equal(kept.length + plan.remove.length, snaps.length);
  assert.equal(kept[0]!.id, 's1599');
  assert.ok(plan.keep.slice(0, 10).every((k) => k.reasons.includes('last')));
  const days = new Set(plan.keep.filter((k) => k.reasons.includes('daily')).map((k) => new Date(k.snapshot.timeMs).toISOString().slice(0, 10)));
  assert.equal(days.size, 14);
  assert.equal(plan.keep.filter((k) => k.reasons.includes('weekly')).length, 8);
  assert.equal(plan.keep.filter((k) => k.reasons.includes('monthly')).length, 14, 'only 14 months exist');
  assert.equal(plan.keep.filter((k) => k.reasons.includes('yearly')).length, 2);
  // Each rule keeps the newest snapshot of its period.
  for (const k of plan.keep.filter((x) => x.reasons.includes('monthly'))) {
    const month = new Date(k.snapshot.timeMs).toISOString().slice(0, 7);
    const newest = snaps.filter((s) => new Date(s.timeMs).toISOString().slice(0, 7) === month).at(-1)!;
    assert.equal(k.snapshot.id, newest.id);
  }
  assert.deepEqual(
    applyRetention(snaps, { last: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 }).keep.map((k) => k.snapshot.id),
    ['s1599'],
  );
  assert.deepEqual(applyRetention([], DEFAULT_RETENTION), { keep: [], remove: [] });
});

test('schedule: daily, due at once the first time, caught up after sleep, retried after a failure, warned after 7 days', () => {
  const s = DEFAULT_SCHEDULE;
  const base = { sinceMs: T0, lastAttemptMs: null, lastAttemptOk: null };
  assert.ok(backupDue(s, { ...base, now: T0, lastSuccessMs: null }));
  assert.ok(!backupDue(s, { ...base, now: T0 + 23 * H, lastSuccessMs: T0, lastAttemptMs: T0, lastAttemptOk: true }));
  assert.ok(backupDue(s, { ...base, now: T0 + 24 * H, lastSuccessMs: T0, lastAttemptMs: T0, lastAttemptOk: true }));
  // The laptop slept through three scheduled runs: one run, as soon as it wakes.
  assert.ok(backupDue(s, { ...base, now: T0 + 3.5 * D, lastSuccessMs: T0, lastAttemptMs: T0, lastAttemptOk: true }));
  // The drive was unplugged at the last attempt: retry after 15 minutes, not on every tick.
  const failed = { ...base, lastSuccessMs: T0, lastAttemptMs: T0 + 2 * D, lastAttemptOk: false };
  assert.ok(!backupDue(s, { ...failed, now: T0 + 2 * D + 5 * 60_000 }));
  assert.ok(backupDue(s, { ...failed, now: T0 + 2 * D + 15 * 60_000 }));
  assert.ok(!backupOverdue(s, { ...failed, now: T0 + 6 * D }).overdue);
  assert.ok(backupOverdue(s, { ...failed, now: T0 + 7 * D }).overdue);
  assert.ok(backupOverdue(s, { ...base, now: T0 + 8 * D, lastSuccessMs: null }).overdue, 'never backed up since set-up');
  // "On change after N minutes".
  const onChange = { ...s, afterChangeMs: 10 * 60_000 };
  const st = { ...base, lastSuccessMs: T0, lastAttemptMs: T0, lastAttemptOk: true, lastChangeMs: T0 + H };
  assert.equal(nextBackupAt(onChange, { ...st, now: T0 + H }), T0 + H + 10 * 60_000);
  assert.equal(nextBackupAt(onChange, { ...st, lastChangeMs: T0 - H, now: T0 + H }), T0 + D, 'a change before the last backup does not count');
});

test('applyRetentionByGroup: each group gets the whole policy on its own', () => {
  const h = 3_600_000;
  const t0 = Date.UTC(2026, 0, 5, 8);
  const other = [{ id: 'a1', timeMs: t0 }];
  const own = Array.from({ length: 12 }, (_, i) => ({ id: `b${String(i).padStart(2, '0')}`, timeMs: t0 + (i + 1) * h }));
  const policy = { last: 10, daily: 0, weekly: 0, monthly: 0, yearly: 0 };
  const plan = applyRetentionByGroup([own, other], policy);
  assert.ok(
    plan.keep.some((k) => k.snapshot.id === 'a1'),
    "the other group's only snapshot is kept",
  );
  assert.deepEqual(
    plan.remove.map((s) => s.id),
    ['b01', 'b00'],
    'the policy still forgets within a group, newest first',
  );
  assert.equal(plan.keep.length, 11);
  assert.deepEqual(
    plan.keep.map((k) => k.snapshot.timeMs),
    [...plan.keep.map((k) => k.snapshot.timeMs)].sort((a, b) => b - a),
    'kept newest first',
  );
  assert.deepEqual(applyRetentionByGroup([[...own, ...other]], policy), applyRetention([...own, ...other], policy), 'one group: the policy as before');
});
