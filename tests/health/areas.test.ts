// The vault's health, area by area, on real vaults put in each state: every
// area is always there once, problems come worst first with their fix, and
// nothing is assumed (what cannot be checked says so). A new Engine on the
// same home (a restart) sees the same, because nothing is kept between asks.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { HEALTH_AREAS, worstProblem } from '../../contract/index.js';
import { Engine } from '../../engine/engine.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { makeVault } from '../helpers/vault.js';
import { ROTATED } from '../rotate/helpers.js';
import { accessReviewedAgo, area, backupsTakenEarlier, DAY, healthOf, HOUR, secondComputer } from './helpers.js';

test('a vault synced and backed up, its recovery key typed back: every area ok, each saying why; locked or unlocked', async () => {
  const v = await makeVault({ files: { 'Smith/notes.txt': 'notes' }, synced: true, backedUp: true });
  const h = await healthOf(v.engine);
  assert.deepEqual(h.map((i) => i.area).sort(), [...HEALTH_AREAS].sort(), 'every area, once');
  assert.equal(worstProblem(h), undefined, JSON.stringify(h.filter((i) => !i.ok)));
  assert.equal(area(h, 'cloud').message, `every file is in the cloud copy (folder ${v.cloud})`);
  assert.equal(area(h, 'keys').message, "this computer has the vault's current keys");
  assert.equal(area(h, 'backups').message, `the last backup was just now, to ${v.backup}`);
  assert.match(area(h, 'lock').message, /^the vault is locked: files still go to the cloud and the backups/);
  assert.equal(area(h, 'recovery-key').message, 'the recovery key was typed back just now');
  assert.equal(area(h, 'retention').message, 'no case is past the retention period of 6 years');
  assert.match(area(h, 'access-review').message, /^the next review of who can open this vault is due in 1\d\d days$/);
  await v.engine.unlock({ passphrase: PASSPHRASE });
  const unlocked = area(await healthOf(v.engine), 'lock');
  assert.deepEqual([unlocked.ok, unlocked.message], [true, 'the vault is unlocked on this computer until it is locked or locks itself']);
});

test('the cloud: changes waiting, a file that failed, the vault folder gone', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true, backedUp: true });
  await writeFile(join(v.vault, 'b.txt'), 'b');
  await rm(join(v.vault, 'a.txt'));
  assert.deepEqual(area(await healthOf(v.engine), 'cloud'), {
    area: 'cloud',
    ok: false,
    message: '2 changes wait to go to the cloud',
    urgency: 'reminder',
    next: 'sync-now',
  });
  await writeFile(Buffer.from(join(v.vault, 'bad-\xff.txt'), 'latin1'), 'x');
  await v.engine.sync();
  const failed = area(await healthOf(v.engine), 'cloud');
  assert.deepEqual([failed.message, failed.urgency, failed.next], ['1 file could not be sent to the cloud', 'attention', 'check-sync-status']);
  await rename(v.vault, `${v.vault}.away`);
  const gone = area(await healthOf(v.engine), 'cloud');
  assert.deepEqual([gone.message, gone.urgency], [`the vault folder ${v.vault} cannot be read, so nothing is sent to the cloud`, 'stopped']);
});

test('the cloud folder away is the worst problem, lasts across a restart, and the keys cannot be checked meanwhile; nothing is written', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true, backedUp: true });
  await rename(v.cloud, `${v.cloud}.away`);
  for (const engine of [v.engine, new Engine(v.home, v.env)]) {
    const h = await healthOf(engine);
    assert.deepEqual(h[0], {
      area: 'cloud',
      ok: false,
      message: `the cloud folder ${v.cloud} is not there, so nothing is sent to the cloud`,
      urgency: 'stopped',
      next: 'reconnect-cloud',
    });
    assert.deepEqual(area(h, 'keys'), {
      area: 'keys',
      ok: false,
      message: "whether the vault's keys were changed on another computer is checked once the cloud's key file can be read",
      urgency: 'reminder',
      next: 'reconnect-cloud',
    });
  }
  // Live sync keeps trying; the health says so, and still nothing is made.
  await v.engine.startLiveSync();
  try {
    await assert.rejects(v.engine.sync(), { next: 'reconnect-cloud' });
    assert.match(area(await healthOf(v.engine), 'cloud').message, /is not there, so nothing is sent to the cloud; Casevault keeps checking by itself$/);
  } finally {
    await v.engine.stopLiveSync();
  }
  assert.ok(!existsSync(v.cloud), 'live sync did not make the cloud folder either');

  await rename(`${v.cloud}.away`, v.cloud);
  assert.equal(worstProblem(await healthOf(v.engine)), undefined, 'back: every area ok again');
});

test("the cloud folder without its key file, with a damaged one, with another vault's", async () => {
  const v = await makeVault({ synced: true, backedUp: true });
  const other = await makeVault();
  await rename(join(v.cloud, 'casevault.key'), join(v.root, 'key.aside'));
  const missing = area(await healthOf(v.engine), 'cloud');
  assert.deepEqual(
    [missing.message, missing.urgency, missing.next],
    [`the cloud folder ${v.cloud} holds no key file of this vault (casevault.key), so nothing is sent to it`, 'stopped', 'restore-cloud-key-file'],
  );
  await writeFile(join(v.cloud, 'casevault.key'), 'not a key file');
  const damaged = area(await healthOf(v.engine), 'cloud');
  assert.deepEqual(
    [damaged.message, damaged.next],
    [`the key file in the cloud folder ${v.cloud} is damaged, so nothing is sent to the cloud`, 'restore-cloud-key-file'],
  );
  await rm(join(v.cloud, 'casevault.key'));
  await rename(join(other.cloud, 'casevault.key'), join(v.cloud, 'casevault.key'));
  assert.match(area(await healthOf(v.engine), 'cloud').message, /belongs to another vault/);
});

test('keys changed on another computer: this one is told to type the new passphrase, and typing it takes them on', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true, backedUp: true });
  const laptop = await secondComputer(v);
  assert.ok(area(await healthOf(laptop.engine), 'keys').ok);
  await v.engine.unlock({ passphrase: PASSPHRASE });
  await v.engine.rotateKeys({ newPassphrase: ROTATED });

  const h = await healthOf(laptop.engine);
  assert.deepEqual(h[0], {
    area: 'keys',
    ok: false,
    message: "the vault's keys were changed on another computer, so nothing is sent to the cloud until the new passphrase is typed on this computer",
    urgency: 'stopped',
    next: 'unlock-with-new-passphrase',
  });
  assert.equal(area(h, 'cloud').ok, true, 'the cloud itself is there and this vault’s');
  await writeFile(join(laptop.vault, 'b.txt'), 'b');
  const waiting = area(await healthOf(laptop.engine), 'cloud');
  assert.deepEqual(
    [waiting.message, waiting.next],
    ["1 change waits to go to the cloud, once this computer has the vault's new keys", 'unlock-with-new-passphrase'],
    'the fix offered for the waiting change is the new passphrase, not a sync that would be refused',
  );

  await laptop.engine.unlock({ passphrase: ROTATED });
  assert.ok(area(await healthOf(laptop.engine), 'keys').ok);
  // The other computer has not re-encrypted the cloud copy yet: a.txt is not in it under the new keys, and the laptop's next sync sends it.
  assert.deepEqual((await laptop.engine.status()).files, { total: 2, synced: 0, pending: 2, failed: 0 });
  await v.engine.finishKeyRotation();
  assert.deepEqual((await laptop.engine.status()).files, { total: 2, synced: 1, pending: 1, failed: 0 });
  await laptop.engine.sync();
  assert.ok(area(await healthOf(laptop.engine), 'cloud').ok);
});

test('backups: none set up; set up but none taken; the drive unplugged; a run that failed; back again', async () => {
  const none = await makeVault({ synced: true });
  assert.deepEqual(area(await healthOf(none.engine), 'backups'), {
    area: 'backups',
    ok: false,
    message: 'no backup folder is set up, so there is no copy of the vault apart from the cloud',
    urgency: 'attention',
    next: 'set-backup-folder',
  });

  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true, backup: true });
  const first = area(await healthOf(v.engine), 'backups');
  assert.deepEqual([first.message, first.next], ['no backup has been taken yet', 'take-backup'], 'the folder is made by the first backup: not a drive away');
  await v.engine.backup();
  assert.ok(area(await healthOf(v.engine), 'backups').ok);

  await rename(v.backup, `${v.backup}.away`);
  const unplugged = area(await healthOf(v.engine), 'backups');
  assert.deepEqual(
    [unplugged.message, unplugged.next],
    [`the backup drive (${v.backup}) is not connected; the last backup was just now`, 'plug-in-backup-drive'],
  );
  await mkdir(v.backup); // an empty mount point: the backup refuses it, and the run is recorded as failed
  await assert.rejects(v.engine.backup());
  const failed = area(await healthOf(v.engine), 'backups');
  assert.match(failed.message, /^the last backup did not work \(.+\); the last backup was just now$/);
  assert.equal(failed.next, 'take-backup');
  await rm(v.backup, { recursive: true });
  await rename(`${v.backup}.away`, v.backup);
  await v.engine.backup();
  assert.ok(area(await healthOf(v.engine), 'backups').ok);
});

test('backups late and overdue follow the schedule in Settings; the next backup is never shown in the past', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true, backedUp: true });
  await backupsTakenEarlier(v.home, 3 * HOUR);
  assert.ok(area(await healthOf(v.engine), 'backups').ok, 'daily by default: not due yet');
  await v.engine.updateSettings({ backupEveryHours: 1 });
  const late = area(await healthOf(v.engine), 'backups');
  assert.deepEqual(
    [late.ok, late.urgency, late.message, late.next],
    [false, 'reminder', 'a backup has been due for 2 hours; the last backup was 3 hours ago', 'take-backup'],
  );
  assert.ok(Date.parse((await v.engine.status()).nextBackup!) < Date.now(), 'the raw due time stays in the status (the shells say "overdue since")');

  await backupsTakenEarlier(v.home, 9 * DAY);
  const overdue = area(await healthOf(v.engine), 'backups');
  assert.deepEqual([overdue.urgency, overdue.message], ['attention', 'no backup has been taken for 9 days, so backups are overdue']);
  await v.engine.updateSettings({ backupWarnAfterDays: 30 });
  assert.equal(area(await healthOf(v.engine), 'backups').urgency, 'reminder', 'with a month allowed, it is late, not overdue');
});

test('the recovery key never typed back is not ok until it is', async () => {
  const v = await makeVault({ confirmedKey: false });
  assert.deepEqual(area(await healthOf(v.engine), 'recovery-key'), {
    area: 'recovery-key',
    ok: false,
    message: 'the recovery key was never typed back, so nothing shows it was kept; without it a forgotten passphrase loses the vault',
    urgency: 'attention',
    next: 'confirm-recovery-key',
  });
  await v.engine.confirmRecoveryKey(v.recoveryKey);
  assert.ok(area(await healthOf(v.engine), 'recovery-key').ok);
});

test('cases past retention and the access review are reminders, with the screen that deals with them', async () => {
  const old = new Date(Date.now() - 7 * 366 * DAY);
  const v = await makeVault({ files: { 'Smith/notes.txt': ['notes', old], 'Jones/letter.txt': 'new' }, synced: true, backedUp: true });
  assert.deepEqual(area(await healthOf(v.engine), 'retention'), {
    area: 'retention',
    ok: false,
    message: '1 case is past the retention period of 6 years',
    urgency: 'reminder',
    next: 'review-retention',
  });
  await accessReviewedAgo(v.engine, v.home, 200 * DAY);
  const review = area(await healthOf(v.engine), 'access-review');
  assert.deepEqual([review.ok, review.message, review.next], [false, 'the review of who can open this vault is due', 'review-access']);
  await v.engine.recordAccessReview();
  assert.ok(area(await healthOf(v.engine), 'access-review').ok);
});

test('an area that cannot be checked is a problem of its own, and the others are still there', async () => {
  const v = await makeVault({ synced: true, backedUp: true });
  await writeFile(join(v.home, 'housekeeping.json'), '{ damaged');
  const h = await healthOf(v.engine);
  const retention = area(h, 'retention');
  assert.equal(retention.ok, false);
  assert.match(retention.message, /^the retention of cases could not be checked: /);
  assert.equal(h.length, HEALTH_AREAS.length);
  assert.equal(await readFile(join(v.home, 'housekeeping.json'), 'utf8'), '{ damaged', 'the damaged file is left as it was');
});
