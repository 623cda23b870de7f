// End to end in Chromium, in browser mode: the header shows Locked or
// Unlocked on every screen, with Unlock opening the unlock form; the
// engine's own idle timer (on a clock the test moves, reachable only from
// this process, never from the network) locks the vault while the page sits
// on Home polling its status, and the page says "Locked after 1 minute
// without use". Then a new recovery key from Settings: asked first, shown
// once, unconfirmed until typed back, a wrong word named, and the old key
// stops working.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Engine } from '../../engine/engine.js';
import { loadRecoveryConfirmation } from '../../engine/keys/recovery-confirmation.js';
import { dispatch } from '../../engine/transport/dispatch.js';
import { needsChromium, shot, withApp } from '../helpers/browser.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { TestClock } from '../helpers/clock.js';
import { makeVault } from '../helpers/vault.js';

test('browser mode: the lock in the header, auto-lock by the engine, and a new recovery key typed back', needsChromium, async () => {
  const v = await makeVault({ files: { 'Member 0042/letter.txt': 'Dear member' }, synced: true });
  await v.engine.stopLiveSync();
  const clock = new TestClock();
  const engine = new Engine(v.home, v.env, undefined, { clock });
  assert.ok((await dispatch(engine, 'updateSettings', { autoLockMinutes: 1 })).ok);
  await withApp(engine, async (page) => {
    await page.getByTestId('overall').waitFor();
    const lockState = page.getByTestId('lock-state');
    await lockState.filter({ hasText: /^Locked$/ }).waitFor();
    await shot(page, 'header-locked.png');
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByRole('form', { name: 'Unlock the vault' }).getByRole('button', { name: 'Unlock', exact: true }).click();
    await lockState.filter({ hasText: /^Unlocked$/ }).waitFor();
    await page.getByRole('button', { name: 'Lock', exact: true }).waitFor();

    // Home keeps polling; only time passes. Each step waits for the calls the clicks made to end (one step locks once nothing is in progress).
    for (let step = 0; !engine.lockState().locked; step++) {
      assert.ok(step < 100, 'auto-lock never came');
      await sleep(50);
      await clock.advance(61_000);
    }
    await page.getByTestId('auto-locked').filter({ hasText: 'Locked after 1 minute without use' }).waitFor();
    await lockState.filter({ hasText: /^Locked$/ }).waitFor();
    await shot(page, 'auto-locked.png');
    assert.equal((await dispatch(engine, 'auditEntries', {})).ok, false, 'the reading keys are gone');

    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('button', { name: 'Make a new recovery key…' }).click();
    await page.getByText(/stops working as soon as a new one is made/).waitFor();
    await page.getByRole('button', { name: 'Yes, make a new recovery key' }).click();
    await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByRole('form', { name: 'Unlock the vault' }).getByRole('button', { name: 'Unlock', exact: true }).click();
    const words = (await page.getByTestId('new-recovery-key').innerText()).split(/[^a-z]+/).filter(Boolean);
    assert.equal(words.length, 27);
    assert.equal((await loadRecoveryConfirmation(v.home)).confirmedAt, null, 'shown but not typed back: what a reload would find');
    await lockState.filter({ hasText: /^Unlocked$/ }).waitFor();
    await shot(page, 'new-recovery-key.png');

    const typeBack = page.getByLabel('To check you have it');
    const wrong = [...words];
    wrong[6] = words[6] === 'kitchen' ? 'zoo' : 'kitchen';
    await typeBack.fill(wrong.join(' '));
    await page.getByRole('button', { name: 'I have saved it: done' }).click();
    await page.getByRole('alert').filter({ hasText: 'Word 7 is not the one shown.' }).waitFor();
    await shot(page, 'recovery-key-wrong-word.png');
    assert.equal((await loadRecoveryConfirmation(v.home)).confirmedAt, null);

    await typeBack.fill(words.join(' '));
    await page.getByRole('button', { name: 'I have saved it: done' }).click();
    await page.getByText('The new recovery key is saved and checked. The old one no longer opens the vault.').waitFor();
    assert.notEqual((await loadRecoveryConfirmation(v.home)).confirmedAt, null);
    await assert.rejects(engine.confirmRecoveryKey(v.recoveryKey), { name: 'WrongSecret' }, 'the printed key stopped working');
  });
});
