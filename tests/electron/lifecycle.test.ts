// The desktop app's start and quit (electron/lifecycle.ts) with a stand-in
// for Electron's `app` and the real engine: a quit waits for live sync to
// stop and the keys to be wiped before the app exits; a second instance
// starts nothing; closing the window quits only without a tray.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { closeQuits, holdsSingleInstance, QuitSequence, startHidden, type LifecycleApp, type QuitEvent } from '../../electron/lifecycle.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { makeVault } from '../helpers/vault.js';

/** Electron's app as far as the quit goes: `quit()` emits before-quit and, unless a listener prevents it, the app is gone. */
class StandInApp extends EventEmitter implements LifecycleApp {
  exits: number[] = [];
  quits = 0;
  gone = false;
  constructor(private readonly lock = true) {
    super();
  }
  requestSingleInstanceLock() {
    return this.lock;
  }
  quit() {
    this.quits++;
    let prevented = false;
    const event: QuitEvent = { preventDefault: () => (prevented = true) };
    this.emit('before-quit', event);
    if (!prevented) this.gone = true;
  }
  exit(code = 0) {
    this.exits.push(code);
    this.gone = true;
  }
}

test('a quit is held until live sync has stopped and the vault is locked, then the app exits once with 0', async () => {
  const { engine } = await makeVault();
  await engine.unlock({ passphrase: PASSPHRASE });
  await engine.startLiveSync();
  const app = new StandInApp();
  let cleanups = 0;
  const quit = new QuitSequence(app, async () => {
    cleanups++;
    await engine.stopLiveSync();
    await engine.lock();
  });
  try {
    // The watcher publishes itself as watching after its first pass; wait for that (a condition, with a generous cap for a busy machine).
    for (const cap = Date.now() + 60_000; !(await engine.status()).live.watching;) {
      assert.ok(Date.now() < cap, 'live sync never reported itself running');
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (e) {
    await engine.stopLiveSync(); // a failed check must not leave the watcher holding the test open
    throw e;
  }
  app.quit();
  assert.equal(app.gone, false, 'Electron was told to wait');
  assert.equal(quit.current, 'stopping');
  app.quit(); // the person presses Quit again while it stops
  await quit.whenStopped();
  assert.equal(cleanups, 1, 'the clean-up runs once');
  assert.deepEqual(app.exits, [0]);
  const status = await engine.status();
  assert.equal(status.live.watching, false, 'live sync stopped');
  assert.equal(status.locked, true, 'the reading keys are gone');
});

test('a clean-up that fails still ends the app, with exit code 1', async () => {
  const app = new StandInApp();
  const quit = new QuitSequence(app, async () => {
    throw new Error('the disk went away');
  });
  app.quit();
  await quit.whenStopped();
  assert.deepEqual(app.exits, [1]);
});

test("an update's restart runs after the clean-up, and the updater's own quit is then let through", async () => {
  const app = new StandInApp();
  const order: string[] = [];
  const quit = new QuitSequence(app, async () => {
    order.push('cleanup');
  });
  quit.quitThen(() => {
    order.push('install');
    app.quit(); // electron-updater's quitAndInstall() quits the app itself
  });
  await quit.whenStopped();
  assert.deepEqual(order, ['cleanup', 'install']);
  assert.equal(quit.current, 'done');
  assert.deepEqual(app.exits, [], 'not exited by the sequence: the updater quit it');
  assert.equal(app.gone, true);
  assert.equal(app.quits, 2);
});

test('a second instance quits at once and starts nothing', () => {
  const second = new StandInApp(false);
  let started = false;
  if (holdsSingleInstance(second)) started = true;
  assert.equal(started, false);
  assert.equal(second.quits, 1);
  const first = new StandInApp(true);
  assert.ok(holdsSingleInstance(first));
  assert.equal(first.quits, 0);
});

test('closing the window quits only without a tray; a login start stays hidden only with one', () => {
  assert.equal(closeQuits(true), false);
  assert.equal(closeQuits(false), true);
  assert.equal(startHidden(['/opt/Casevault/casevault-desktop', '--hidden'], true), true);
  assert.equal(startHidden(['/opt/Casevault/casevault-desktop', '--hidden'], false), false, 'no tray: the window opens, or the app could not be reached');
  assert.equal(startHidden(['/opt/Casevault/casevault-desktop'], true), false);
});
