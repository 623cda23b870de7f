// The desktop shell's notifications and start-at-login, as plain functions
// (electron/main.ts only wires them to Electron).
import assert from 'node:assert/strict';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { dispatch } from '../../engine/transport/dispatch.js';
import { healthNotices, notice, NOTICE_EVERY_MS, noticeDue, startAtLogin, type NoticeKind } from '../../electron/policy.js';
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
