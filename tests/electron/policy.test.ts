// The desktop shell's security decisions (Electron itself cannot run here).
import assert from 'node:assert/strict';
import { mkdir, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { appFile, autoLockDue, autoLockNow, ipcSenderAllowed, isAppUrl, restoredFolder, trayState, windowOptions } from '../../electron/policy.js';
import { tempDir } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';

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

test('auto-lock', () => {
  assert.equal(autoLockDue(899, 15), false);
  assert.equal(autoLockDue(900, 15), true);
  assert.equal(autoLockDue(1e9, 0), false);
  assert.equal(autoLockNow(10, 'locked', 15), true, "Linux's locked screen locks at once, whatever the idle minutes");
  assert.equal(autoLockNow(10, 'locked', 0), true, '0 minutes still locks on screen lock');
  assert.equal(autoLockNow(10, 'active', 15), false);
  assert.equal(autoLockNow(900, 'idle', 15), true);
});

test("the tray follows the vault's health: everything protected, changes waiting, the cloud folder away", async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true, backedUp: true });
  assert.deepEqual(trayState(await v.engine.status()), { icon: 'synced', tooltip: 'Casevault: everything is protected' });
  await writeFile(join(v.vault, 'b.txt'), 'b');
  assert.deepEqual(trayState(await v.engine.status()), { icon: 'syncing', tooltip: 'Casevault: 1 change waits to go to the cloud' });
  await rename(v.cloud, `${v.cloud}.away`);
  const away = trayState(await v.engine.status());
  assert.equal(away.icon, 'attention');
  assert.equal(away.tooltip, `Casevault: The cloud folder ${v.cloud} is not there, so nothing is sent to the cloud`);
});

test('"Open folder" after a restore: the one file\'s folder (where it went beside another), else the folder restored into', () => {
  const report = { snapshot: 's', bytes: 1, identical: 0, renamed: [], failed: [], to: '/v' };
  const one = { path: 'Member 7/letter.txt', writtenAs: '/v/Member 7/letter (restored 2).txt' };
  assert.equal(restoredFolder({ ...report, restored: 1, written: [one] }), '/v/Member 7');
  assert.equal(restoredFolder({ ...report, restored: 2, written: [one, { path: 'rota.csv', writtenAs: '/v/rota.csv' }] }), '/v');
  assert.equal(restoredFolder({ ...report, restored: 0, written: [] }), '/v', 'nothing written: the folder it would have gone to');
});
