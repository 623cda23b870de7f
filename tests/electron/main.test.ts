// electron/main.ts itself, run in plain Node over a stand-in `electron`
// module (tests/electron/stand-in/): a second copy starts nothing, and the
// first starts, opens its window, and on quit exits only after live sync has
// stopped. The decisions are tested as plain modules beside this; here the
// wiring between them and Electron is.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';

const runner = fileURLToPath(new URL('./stand-in/main.js', import.meta.url));

async function runMain(home: string, env: Record<string, string> = {}) {
  const config = await tempDir('xdg-config');
  const run = spawnSync(process.execPath, [runner], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, CASEVAULT_HOME: home, XDG_CONFIG_HOME: config, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', ...env },
  });
  return { status: run.status, lines: run.stdout.split('\n').filter(Boolean), stderr: run.stderr };
}

test('a second copy quits at once: no engine, no IPC, no tray, no window', async () => {
  const { status, lines, stderr } = await runMain(join(await tempDir('second'), 'home'), { STANDIN_LOCK: '0' });
  assert.equal(status, 0, stderr);
  assert.deepEqual(lines, ['requestSingleInstanceLock', 'quit', 'quit-let-through']);
});

test('the first copy opens its window, and a quit is held until live sync has stopped, then exits with 0', async () => {
  const { home } = await makeVault();
  const { status, lines, stderr } = await runMain(home);
  assert.equal(status, 0, stderr);
  for (const channel of ['casevault:call', 'casevault:desktop', 'casevault:open-vault-folder']) assert.ok(lines.includes(`ipcMain.handle ${channel}`), channel);
  assert.ok(lines.includes('protocol.handle casevault'));
  const at = (line: string) => lines.indexOf(line);
  assert.ok(at('loadURL casevault://app/index.html') > at('Tray'), 'the window opens after the tray');
  assert.ok(at('live-sync-running') > at('loadURL casevault://app/index.html'), 'live sync was running when the quit came');
  assert.equal(lines[at('quit') + 1], 'quit-held', 'Electron is told to wait');
  assert.equal(lines.at(-1), 'exit 0 not-watching', 'the app exits once, after live sync stopped (it removes watch.json)');
});
