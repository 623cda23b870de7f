// The desktop shell's security decisions (Electron itself cannot run here).
import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { appFile, autoLockDue, autoLockNow, ipcSenderAllowed, isAppUrl, trayState, windowOptions } from '../../electron/policy.js';
import { tempDir } from '../helpers/fs.js';

test('the window runs the renderer isolated and sandboxed, with no Node and no webviews', () => {
  const w = windowOptions('/app/preload.cjs').webPreferences;
  assert.equal(w.contextIsolation, true);
  assert.equal(w.sandbox, true);
  assert.equal(w.nodeIntegration, false);
  assert.equal(w.nodeIntegrationInSubFrames, false);
  assert.equal(w.webSecurity, true);
  assert.equal(w.webviewTag, false);
  assert.equal(w.allowRunningInsecureContent, false);
});

test("only the app's own pages may be navigated to or call the API", () => {
  assert.ok(isAppUrl('casevault://app/index.html'));
  for (const bad of [
    'https://evil.example/',
    'file:///etc/passwd',
    'casevault://evil/index.html',
    'casevault://user:pw@app/',
    'javascript:alert(1)',
    '',
    undefined,
  ]) {
    assert.equal(isAppUrl(bad), false, String(bad));
  }
  assert.ok(ipcSenderAllowed('casevault://app/index.html', true));
  assert.equal(ipcSenderAllowed('casevault://app/index.html', false), false, 'an injected sub-frame is refused');
  assert.equal(ipcSenderAllowed('https://evil.example/', true), false);
});

test('app URLs map to files inside the UI folder only', async () => {
  const root = await tempDir('policy');
  const ui = join(root, 'ui');
  await mkdir(join(ui, 'assets'), { recursive: true });
  await writeFile(join(ui, 'index.html'), 'x');
  await writeFile(join(ui, 'assets', 'a.js'), 'x');
  await writeFile(join(root, 'secret.txt'), 'x');
  await symlink(join(root, 'secret.txt'), join(ui, 'link.txt'));
  assert.equal(appFile(ui, 'casevault://app/'), join(ui, 'index.html'));
  assert.equal(appFile(ui, 'casevault://app/assets/a.js'), join(ui, 'assets', 'a.js'));
  for (const bad of [
    'casevault://app/../secret.txt',
    'casevault://app/%2e%2e/secret.txt',
    'casevault://app/link.txt',
    'casevault://app/missing.js',
    'https://app/index.html',
    'casevault://app/%00',
  ]) {
    assert.equal(appFile(ui, bad), undefined, bad);
  }
});

test('auto-lock and the tray state', () => {
  assert.equal(autoLockDue(899, 15), false);
  assert.equal(autoLockDue(900, 15), true);
  assert.equal(autoLockDue(1e9, 0), false);
  assert.equal(autoLockNow(10, 'locked', 15), true, "Linux's locked screen locks at once, whatever the idle minutes");
  assert.equal(autoLockNow(10, 'locked', 0), true, '0 minutes still locks on screen lock');
  assert.equal(autoLockNow(10, 'active', 15), false);
  assert.equal(autoLockNow(900, 'idle', 15), true);
  const base = { files: { pending: 0, failed: 0 }, pendingDeletions: 0, live: { watching: true, online: true } };
  assert.equal(trayState(base), 'synced');
  assert.equal(trayState({ ...base, files: { pending: 2, failed: 0 } }), 'syncing');
  assert.equal(trayState({ ...base, files: { pending: 0, failed: 1 } }), 'attention');
  assert.equal(trayState({ ...base, live: { watching: true, online: false } }), 'attention');
});
