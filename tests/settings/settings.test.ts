// Settings (engine/settings.ts through the Engine): validated, persisted in
// CASEVAULT_HOME, recorded in the audit trail, and used by the backup
// schedule, retention and the access-review reminder.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { dispatch } from '../../engine/transport/dispatch.js';
import { Engine } from '../../engine/engine.js';
import { accessReviewDueAt, DEFAULT_SETTINGS } from '../../engine/settings.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { makeVault } from '../helpers/vault.js';

const vault = () => makeVault({ backup: true });

test('settings: defaults, validated changes persisted and recorded in the audit trail, a damaged file reads as the defaults', async () => {
  const { home, engine } = await vault();
  assert.deepEqual(await engine.settings(), DEFAULT_SETTINGS);
  const s = await engine.updateSettings({ autoLockMinutes: 5, backupEveryHours: 12, retention: { last: 3, daily: 7, weekly: 4, monthly: 12, yearly: 7 } });
  assert.equal(s.autoLockMinutes, 5);
  assert.deepEqual(await new Engine(home).settings(), s, 'persisted');

  for (const bad of [
    { autoLockMinutes: -1 },
    { autoLockMinutes: 1.5 },
    { backupEveryHours: 0 },
    { retention: { last: 1 } },
    { accessReviewMonths: 100 },
    { lastAccessReview: '2020-01-01T00:00:00Z' },
    { other: 1 },
  ]) {
    const r = await dispatch(engine, 'updateSettings', bad);
    assert.equal(r.ok, false, JSON.stringify(bad));
  }
  await assert.rejects(engine.updateSettings({ backupWarnAfterDays: 0 }), {
    name: 'UsageError',
    message: 'that setting is not allowed: the overdue warning must be at least 1',
  });
  await assert.rejects(engine.updateSettings({ autoLockMinutes: 2.5 }), { message: 'that setting is not allowed: the auto-lock time must be a whole number' });
  assert.equal((await engine.settings()).autoLockMinutes, 5, 'a refused change leaves the settings alone');

  await engine.unlock({ passphrase: PASSPHRASE });
  const changes = (await engine.auditEntries()).filter((e) => e.event === 'settings changed');
  assert.equal(changes.length, 1);
  assert.match(changes[0]!.detail!, /auto-lock after 5 idle minutes; a backup every 12 hours; backups kept: last 3, daily 7/);
  await engine.lock();

  await writeFile(join(home, 'settings.json'), '{ not json');
  assert.deepEqual(await engine.settings(), DEFAULT_SETTINGS);
});

test('the backup schedule setting moves the next backup and the overdue warning', async () => {
  const { engine } = await vault();
  await engine.backup();
  const daily = await engine.backupStatus();
  await engine.updateSettings({ backupEveryHours: 2 });
  const twoHourly = await engine.backupStatus();
  assert.equal(Date.parse(daily.nextBackup!) - Date.parse(twoHourly.nextBackup!), 22 * 3_600_000);
  assert.equal(twoHourly.overdue, false);
});

test("access review: due every N months from the vault's creation or the last review; recording one resets it", async () => {
  const { home, engine } = await vault();
  assert.equal((await engine.status()).accessReviewDue, false);
  assert.equal(accessReviewDueAt({ ...DEFAULT_SETTINGS, accessReviewMonths: 6 }, '2026-01-15T09:00:00.000Z').toISOString(), '2026-07-15T09:00:00.000Z');
  const config = JSON.parse(await readFile(join(home, 'config.json'), 'utf8')) as { createdAt: string };
  await writeFile(join(home, 'config.json'), JSON.stringify({ ...config, createdAt: '2020-01-01T00:00:00.000Z' }));
  assert.equal((await engine.status()).accessReviewDue, true);
  const s = await engine.recordAccessReview();
  assert.ok(s.lastAccessReview);
  assert.equal((await engine.status()).accessReviewDue, false);
  await engine.unlock({ passphrase: PASSPHRASE });
  assert.equal((await engine.auditEntries()).at(-2)?.event, 'access reviewed');
  await engine.lock();
});
