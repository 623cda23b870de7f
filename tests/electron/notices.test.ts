// The desktop shell's notifications and start-at-login, as plain functions
// (electron/main.ts only wires them to Electron).
import assert from 'node:assert/strict';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { dispatch } from '../../engine/transport/dispatch.js';
import type { HomeView } from '../../contract/index.js';
import { healthNotices, notice, NOTICE_EVERY_MS, noticeDue, startAtLogin, trayAfter, type NoticeKind } from '../../electron/policy.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { makeVault } from '../helpers/vault.js';

test('start at login follows the saved setting, off by default and when the answer cannot be read; the change is in the audit trail', async () => {
  const { engine } = await makeVault();
  assert.equal(startAtLogin(await dispatch(engine, 'settings', {})), false);
  assert.equal((await dispatch(engine, 'updateSettings', { startAtLogin: true })).ok, true);
  assert.equal(startAtLogin(await dispatch(engine, 'settings', {})), true);
  const bad = await dispatch(engine, 'updateSettings', { startAtLogin: 'yes' });
  assert.equal(bad.ok ? 'ok' : bad.error.kind, 'usage');
  assert.equal(startAtLogin({ ok: false, error: { kind: 'failed', message: 'x' } }), false);
  assert.equal(startAtLogin({ ok: true, value: { startAtLogin: 'true' } }), false);
  await engine.unlock({ passphrase: PASSPHRASE });
  assert.ok((await engine.auditEntries()).some((e) => /start with the computer/.test(e.detail ?? '')));
});

test('notifications say what to do in plain words, name no file or folder, and come at most once per kind every six hours', () => {
  const kinds: NoticeKind[] = ['sync-failed', 'cloud', 'keys', 'backups'];
  for (const k of kinds) {
    const n = notice(k, 3);
    assert.equal(n.title, 'Casevault');
    assert.match(n.body, /^[A-Z0-9].*\.$/);
    assert.doesNotMatch(n.body, /\/|\\|error|exception/i);
  }
  assert.match(notice('sync-failed', 1).body, /^1 file could/);
  const shown = new Map<NoticeKind, number>();
  assert.ok(noticeDue('backups', shown, 1000));
  shown.set('backups', 1000);
  assert.ok(!noticeDue('backups', shown, 1000 + NOTICE_EVERY_MS - 1));
  assert.ok(noticeDue('backups', shown, 1000 + NOTICE_EVERY_MS));
  assert.ok(noticeDue('cloud', shown, 1001), 'each kind has its own clock');
});

test("the vault's health calls for a notification when the cloud, the keys or the backups need the person; never for a reminder", async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true });
  assert.deepEqual(healthNotices((await v.engine.status()).health), ['backups'], 'no backup folder is set up');
  await writeFile(join(v.vault, 'b.txt'), 'b');
  assert.deepEqual(healthNotices((await v.engine.status()).health), ['backups'], 'a change waiting is a reminder, not a notification');
  await rename(v.cloud, `${v.cloud}.away`);
  assert.deepEqual(healthNotices((await v.engine.status()).health).sort(), ['backups', 'cloud']);
});

test("the tray shows the status Home asked for, reads a fresh one after a call that may change the vault, and none after the app's own reads", async () => {
  const { engine } = await makeVault({ files: { 'a.txt': 'a' } });
  const view = await dispatch(engine, 'homeView', {});
  assert.ok(view.ok);
  assert.deepEqual(trayAfter('homeView', view), { show: (view.value as HomeView).status });
  const status = await dispatch(engine, 'status', {});
  assert.ok(status.ok);
  assert.deepEqual(trayAfter('status', status), { show: status.value });
  assert.equal((view.value as HomeView).status.files.pending, 1, 'a.txt waits to go to the cloud');
  for (const method of ['lockState', 'settings', 'backupStatus', 'vaultFiles', 'snapshots']) {
    assert.equal(trayAfter(method, await dispatch(engine, method, {})), 'none', method);
  }
  assert.equal(trayAfter('sync', await dispatch(engine, 'sync', {})), 'refresh');
  assert.equal(trayAfter('unlock', await dispatch(engine, 'unlock', { passphrase: 'not it' })), 'refresh', 'a failed call may have changed something too');
  assert.equal(trayAfter('homeView', { ok: false, error: { kind: 'failed', message: 'x' } }), 'none', 'the tray reads again by itself every 30 seconds');
});
