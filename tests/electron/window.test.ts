// The desktop app's real window: Electron itself (the main process, the
// preload bridge, the sandboxed renderer on the app's own scheme), driven by
// Playwright's Electron launcher under Xvfb: first run, add a file, lock,
// unlock, quit. It runs where an Electron runtime exists (the one `npx
// install-electron` fetched, or ELECTRON_OVERRIDE_DIST_PATH=DIR) and a display
// can be had (DISPLAY, or Debian's xvfb); elsewhere, which includes this
// project's CI (no runtime can be downloaded there), it is skipped with the
// reason, so a skip is never mistaken for a pass. Browser mode's end-to-end
// tests (tests/e2e/) cover the same screens in Chromium everywhere.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { _electron } from 'playwright-core';
import { electronBinary } from '../../electron/launch.js';
import { appDir } from '../../electron/package-linux.js';
import { exists, tempDir } from '../helpers/fs.js';

const runtime = electronBinary(join(appDir, 'node_modules', 'electron'), process.env);
const xvfb = spawnSync('sh', ['-c', 'command -v Xvfb']).status === 0;
const skip = !runtime
  ? 'no Electron runtime on this computer (fetch one with npx install-electron, or set ELECTRON_OVERRIDE_DIST_PATH=DIR): the real window is not tested here'
  : !process.env.DISPLAY && !xvfb
    ? 'no display and no Xvfb (Debian: xvfb): the real window is not tested here'
    : false;

/** A private X server; resolves with its display name once it is ready to take windows. */
function startXvfb(): Promise<{ display: string; server: ChildProcess }> {
  const server = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    (server.stdio[3] as NodeJS.ReadableStream).once('data', (d: Buffer) => resolve({ display: `:${d.toString().trim()}`, server }));
    server.once('exit', () => reject(new Error('Xvfb did not start')));
  });
}

test('the Electron window: first run, add a file, lock, unlock, quit with the vault locked', { skip }, async () => {
  const root = await tempDir('electron-window');
  const vault = join(root, 'Cases');
  await mkdir(join(root, 'Cloud'));
  const x = process.env.DISPLAY ? undefined : await startXvfb();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, {
    DISPLAY: x?.display ?? process.env.DISPLAY,
    CASEVAULT_HOME: join(root, 'home'),
    CASEVAULT_KDF_PROFILE: 'interactive',
    XDG_CONFIG_HOME: join(root, 'config'), // Electron's own profile, and the autostart folder, stay in the test's folder
    DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', // no tray can be seen: closing quits, and Settings says so
  });
  delete env.XDG_CURRENT_DESKTOP;
  const app = await _electron.launch({
    executablePath: runtime!,
    // Chromium's sandbox refuses to run as root (CI); the renderer's own sandbox (sandbox: true) is unaffected.
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), appDir],
    env,
  });
  try {
    const page = await app.firstWindow();
    assert.match(page.url(), /^casevault:\/\/app\//);

    await page.getByLabel('Vault folder').fill(vault);
    await page.getByLabel('Cloud folder').fill(join(root, 'Cloud', 'Casevault'));
    await page.getByLabel('Backup folder').fill(join(root, 'USB', 'backups'));
    const passphrase = 'copper lantern meadow quietly ninety';
    await page.getByLabel('Passphrase (four').fill(passphrase);
    await page.getByLabel('Type the passphrase again').fill(passphrase);
    await page.getByRole('button', { name: 'Create vault' }).click();
    const words = await page.getByTestId('recovery-key').innerText();
    await page.getByLabel('To check you have it').fill(words.replace(/ - /g, ' '));
    await page.getByRole('button', { name: 'I have saved it: continue' }).click();
    await page.getByTestId('overall').waitFor();

    await page.getByLabel('Choose files to add').setInputFiles({ name: 'letter.txt', mimeType: 'text/plain', buffer: Buffer.from('Dear member') });
    await page.getByText('1 file added to the vault').waitFor();
    assert.equal(await readFile(join(vault, 'letter.txt'), 'utf8'), 'Dear member');

    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByText(/shows no tray icon, so closing the Casevault window quits it/).waitFor();
    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    await page.getByRole('button', { name: 'Unlock', exact: true }).waitFor();
    const locked = async () => ((await page.evaluate("window.casevault.call('status', {})")) as { value: { locked: boolean } }).value.locked;
    assert.equal(await locked(), true, 'locked, as the main process reports it');

    await page.getByRole('button', { name: 'Make a new recovery key…' }).click();
    await page.getByRole('button', { name: 'Yes, make a new recovery key' }).click();
    await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await page.getByRole('form', { name: 'Unlock the vault' }).getByRole('button', { name: 'Unlock', exact: true }).click();
    await page.getByTestId('new-recovery-key').waitFor();
    assert.equal(await locked(), false);
  } finally {
    await app.close(); // the quit sequence: live sync stops and the vault locks before Electron exits
    x?.server.kill();
  }
  assert.ok(await exists(join(root, 'home', 'config.json')), 'the vault was set up in the test home');
  assert.equal(await exists(join(root, 'home', 'watch.json')), false, 'live sync stopped before the app exited (it removes its state file)');
});
