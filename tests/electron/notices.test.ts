// The desktop shell's notifications and start-at-login, as plain functions
// (electron/main.ts only wires them to Electron).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dispatch } from '../../engine/transport/dispatch.js';
import { notice, NOTICE_EVERY_MS, noticeDue, startAtLogin, type NoticeKind } from '../../electron/policy.js';
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

test('notifications say what to do in plain words, name no file, and come at most once per kind every six hours', () => {
  const kinds: NoticeKind[] = ['sync-failed', 'backup-failed', 'backup-overdue', 'cloud-unreachable'];
  for (const k of kinds) {
    const n = notice(k, 3);
    assert.equal(n.title, 'Casevault');
    assert.match(n.body, /^[A-Z0-9].*\.$/);
    assert.doesNotMatch(n.body, /\/|\\|error|exception/i);
  }
  assert.match(notice('sync-failed', 1).body, /^1 file could/);
  const shown = new Map<NoticeKind, number>();
  assert.ok(noticeDue('backup-overdue', shown, 1000));
  shown.set('backup-overdue', 1000);
  assert.ok(!noticeDue('backup-overdue', shown, 1000 + NOTICE_EVERY_MS - 1));
  assert.ok(noticeDue('backup-overdue', shown, 1000 + NOTICE_EVERY_MS));
  assert.ok(noticeDue('backup-failed', shown, 1001), 'each kind has its own clock');
});
