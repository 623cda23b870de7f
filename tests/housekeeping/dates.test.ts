// Due dates: closed mark versus newest file, leap days, the years setting,
// the order of the list; and the backups' expiry estimate.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { applyRetention, DEFAULT_RETENTION, type Dated } from '../../engine/backup/retention.js';
import { listCases, pickCases } from '../../engine/housekeeping/cases.js';
import { addYears, parseDate, startOf } from '../../engine/housekeeping/dates.js';
import { lastCopyExpires } from '../../engine/housekeeping/expiry.js';
import { defaultMarks, parseMarks, setClosed } from '../../engine/housekeeping/marks.js';
import type { ScanResult } from '../../engine/mirror/scan.js';
import { type RetentionPolicy } from '../../contract/index.js';

const DAY = 86_400_000;

function scanOf(files: Record<string, string>): ScanResult {
  const m = new Map(Object.entries(files).map(([path, day]) => [path, { path, size: 10, mtimeMs: Date.parse(`${day}T15:00:00Z`), ctimeMs: 0, ino: 1 }]));
  return { files: m, unreadable: [], skippedLinks: 0, badNames: [], badFolders: [] };
}

test('parseDate accepts real days only', () => {
  assert.equal(parseDate('2024-02-29'), '2024-02-29');
  for (const bad of ['2023-02-29', '2024-13-01', '2024-00-10', '2024-1-1', '24-01-01', '2024-01-01T00:00', '', '2024-04-31'])
    assert.equal(parseDate(bad), undefined, bad);
});

test('addYears: the same day N years on; 29 February becomes 1 March, never earlier', () => {
  assert.equal(addYears('2020-02-29', 6), '2026-03-01');
  assert.equal(addYears('2020-02-29', 4), '2024-02-29');
  assert.equal(addYears('2019-12-31', 6), '2025-12-31');
  fc.assert(
    fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) }), fc.integer({ min: 1, max: 100 }), (ms, n) => {
      const d = new Date(ms).toISOString().slice(0, 10);
      const due = addYears(d, n);
      const [y] = d.split('-').map(Number) as [number];
      assert.equal(Number(due.slice(0, 4)), y + n);
      assert.ok(startOf(due) - startOf(d) >= n * 365 * DAY, 'at least N whole years');
    }),
  );
});

test('a case is due N years after its closed mark (if no file of it is newer), or else after its newest file', () => {
  const scan = scanOf({ 'Smith/a.txt': '2015-03-01', 'Smith/sub/b.txt': '2016-07-10', 'Jones/x.txt': '2018-01-05', 'loose.txt': '2020-02-29' });
  const marks = defaultMarks();
  const today = '2024-01-01';
  let cases = listCases(scan, marks, today);
  const by = (n: string) => cases.find((c) => c.info.name === n)!.info;
  assert.deepEqual(by('Smith'), {
    name: 'Smith',
    kind: 'folder',
    files: 2,
    bytes: 20,
    closed: null,
    changedSinceClosed: false,
    newestFile: '2016-07-10',
    basis: 'newest file',
    due: '2022-07-10',
    past: true,
    dueSoon: false,
  });
  assert.equal(by('Jones').due, '2024-01-05');
  assert.equal(by('Jones').dueSoon, true);
  assert.equal(by('loose.txt').kind, 'file');
  assert.equal(by('loose.txt').due, '2026-03-01');
  assert.deepEqual(
    cases.map((c) => c.info.name),
    ['Smith', 'Jones', 'loose.txt'],
    'past first, then soonest',
  );

  setClosed(marks, 'Jones', '2017-12-31');
  setClosed(marks, 'Smith', '2020-01-01');
  cases = listCases(scan, marks, today);
  // Jones has a file newer than its closing day: the mark does not count (changed since it was closed), its newest file does.
  assert.equal(by('Jones').basis, 'newest file');
  assert.equal(by('Jones').changedSinceClosed, true);
  assert.equal(by('Jones').due, '2024-01-05');
  assert.equal(by('Jones').past, false);
  assert.equal(by('Smith').due, '2026-01-01', 'a closed mark later than the newest file counts');
  assert.equal(by('Smith').past, false);

  marks.years = 3;
  cases = listCases(scan, marks, today);
  assert.equal(by('Smith').due, '2023-01-01');
  assert.equal(by('Smith').past, true);
  assert.equal(listCases(scan, marks, '2022-12-31').find((c) => c.info.name === 'Smith')!.info.past, false, 'due on the day itself, not before');
});

test('pickCases takes top-level names only', () => {
  const all = listCases(scanOf({ 'Smith/a.txt': '2015-03-01', 'b.txt': '2015-03-01' }), defaultMarks(), '2024-01-01');
  assert.equal(pickCases(all, ['Smith', 'Smith']).length, 1);
  for (const bad of [['Smith/a.txt'], ['..'], ['nobody'], [], ['']]) assert.throws(() => pickCases(all, bad), { name: 'UsageError' });
});

test('marks: the schema refuses damaged or odd content', () => {
  assert.ok(parseMarks(JSON.stringify(defaultMarks())));
  for (const bad of [
    '',
    '{',
    '[]',
    JSON.stringify({ ...defaultMarks(), years: 0 }),
    JSON.stringify({ ...defaultMarks(), closed: [{ case: 'a', date: '2023-02-29' }] }),
    JSON.stringify({ ...defaultMarks(), extra: 1 }),
    JSON.stringify({ ...defaultMarks(), version: 2 }),
  ]) {
    assert.equal(parseMarks(bad), undefined, bad);
  }
});

test('backup expiry estimate: replays the retention policy forward', () => {
  const del = Date.UTC(2026, 5, 15, 12);
  assert.equal(lastCopyExpires([], del, DEFAULT_RETENTION, DAY), null, 'no snapshot: nothing to expire');
  assert.equal(lastCopyExpires([del + DAY], del, DEFAULT_RETENTION, DAY), null, 'only later snapshots: none holds it');
  // One snapshot, on the deletion day: daily keeps it 14 days once daily backups follow.
  const one = lastCopyExpires([del - 3_600_000], del, DEFAULT_RETENTION, DAY)!;
  assert.equal(Math.round((one - del) / DAY), 14);
  // Daily backups for three years before: last year's last snapshot is kept for 7 yearly slots.
  const years = Array.from({ length: 3 * 365 }, (_, i) => del - (i + 1) * DAY);
  const far = lastCopyExpires(years, del, DEFAULT_RETENTION, DAY)!;
  const y = new Date(far).getUTCFullYear();
  assert.ok(y >= 2032 && y <= 2033, `about seven years on: ${new Date(far).toISOString()}`);
  assert.equal(
    lastCopyExpires([del - DAY], del, { last: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 }, DAY),
    del + DAY,
    'only the newest kept: gone with the next backup',
  );
  assert.equal(lastCopyExpires([Date.UTC(2025, 0, 1)], del, { ...DEFAULT_RETENTION, yearly: 1000 }, DAY), undefined, 'kept past the horizon');
});

/** The slow oracle: add one backup per step, apply the policy each time, stop when no snapshot from before the deletion is kept. */
function replay(times: number[], del: number, policy: RetentionPolicy, step: number): number | null {
  let kept: Dated[] = times.map((timeMs, i) => ({ id: `s${String(i).padStart(9, '0')}`, timeMs }));
  const holding = (s: Dated) => s.timeMs <= del;
  if (!kept.some(holding)) return null;
  kept = applyRetention(kept, policy).keep.map((k) => k.snapshot);
  if (!kept.some(holding)) return del;
  let t = Math.max(del, ...times);
  for (let k = 1; ; k++) {
    t += step;
    kept = applyRetention([...kept, { id: `t${String(k).padStart(9, '0')}`, timeMs: t }], policy).keep.map((x) => x.snapshot);
    if (!kept.some(holding)) return t;
  }
}

test('backup expiry estimate agrees with replaying forget after every backup', () => {
  const del = Date.UTC(2026, 5, 15, 12);
  const n = fc.integer({ min: 0, max: 4 });
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: del - 3 * 365 * DAY, max: del + 2 * DAY }), { maxLength: 30 }),
      fc.record({ last: n, daily: n, weekly: n, monthly: n, yearly: fc.integer({ min: 0, max: 2 }) }),
      fc.constantFrom(DAY, 6 * 3_600_000, 7 * DAY),
      (times, policy, step) => {
        assert.equal(lastCopyExpires(times, del, policy, step), replay(times, del, policy, step));
      },
    ),
    { numRuns: 150 },
  );
});
