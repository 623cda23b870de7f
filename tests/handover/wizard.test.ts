// End to end in Chromium: the leaving-the-role wizard, as a person uses it:
// the successor's passphrase (a weak one refused at once, on its own step),
// the folder, the copy made (after unlocking) and checked, the handover
// sheet saved, then the vault removed from this computer behind a
// confirmation. The successor then opens the copy in the app, on a computer
// of their own, with no terminal: the Recover screen, the copy's folder and
// their passphrase.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { defaultStaticDir, startBrowserServer } from '../../engine/transport/server.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { exists } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';
import { NEW_PASSPHRASE } from './helpers.js';
import { launchChromium, needsChromium, shot } from '../helpers/browser.js';

test('the handover wizard: copy made and checked, then the vault removed from this computer', needsChromium, async () => {
  const { root, vault, cloud, engine, env } = await makeVault({ files: { 'Member 7/letter.txt': 'for the successor' }, synced: true });
  const server = await startBrowserServer(engine, { staticDir: defaultStaticDir() });
  const browser = await launchChromium();
  const copy = join(root, 'usb', 'handover');
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Leaving the role' }).click();
    await page.getByLabel("Successor's passphrase").fill('password1');
    await page.getByLabel('Type it again').fill('password1');
    await page.getByRole('button', { name: 'Next' }).click();
    await page
      .getByRole('alert')
      .getByText(/^That passphrase is too weak: .+\. Choose a longer one/)
      .waitFor();
    assert.equal(await page.getByLabel('Folder for the copy').count(), 0, 'a weak passphrase stays on step 1');
    await page.getByLabel("Successor's passphrase").fill(NEW_PASSPHRASE);
    await page.getByLabel('Type it again').fill(NEW_PASSPHRASE);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Folder for the copy').fill(cloud); // refused at Next, by the rules the copy is made by
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText(/^The handover folder must be separate from the vault folder/).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Make the copy' }).count(), 0, 'still at step 2');
    await page.getByLabel('Folder for the copy').fill(copy);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Make the copy' }).click();
    await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByText(/The copy is made and checked: 1 file \(17 bytes\)/).waitFor();
    await page.getByText(/A checked copy was made on .+ \(1 file\)\./).waitFor();
    const words = (await page.getByTestId('successor-recovery-key').textContent())!.trim();
    await shot(page, 'handover.png');
    assert.equal(words.split(/[^a-z]+/).filter(Boolean).length, 27);
    await page.getByLabel('To check you have it').fill(words); // the successor's key is typed back like any other
    assert.equal(await page.getByText(/casevault recover|--cloud/).count(), 0, 'the successor is never told to type a command');
    await page.getByLabel('Your name, printed on the sheet (optional)').fill('Pat Caseworker');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save the handover sheet' }).click();
    const sheet = await readFile((await (await download).path())!, 'utf8');
    assert.match(sheet, /Made on .+ by Pat Caseworker\./);
    assert.ok(sheet.includes(copy) && !sheet.includes(words) && !sheet.includes(NEW_PASSPHRASE), "the copy's folder; no key or passphrase");
    await page.getByText(/open it and print it for your successor/).waitFor();
    await page.getByRole('button', { name: /Next: remove from this computer/ }).click();
    const remove = page.getByRole('button', { name: 'Remove from this computer' });
    assert.equal(await remove.isDisabled(), true, 'nothing is removed before the confirmation');
    await page.getByLabel(/My successor has the copy/).check();
    await remove.click();
    await page.getByRole('button', { name: 'Create vault' }).waitFor();
    assert.equal(await exists(vault), false);
    assert.equal(await exists(join(cloud, 'casevault.key')), true, 'the cloud copy is kept by default');
  } finally {
    await browser.close();
    await server.close();
    await engine.stopLiveSync();
  }

  // The successor's own computer: a fresh Casevault, the copy's folder and their passphrase, in the app.
  const successor = new Engine(join(root, 'successor-home'), { CASEVAULT_KDF_PROFILE: env.CASEVAULT_KDF_PROFILE! });
  const theirs = await startBrowserServer(successor, { staticDir: defaultStaticDir() });
  const browser2 = await launchChromium();
  try {
    const page = await browser2.newPage();
    await page.goto(theirs.url);
    await page.getByRole('button', { name: 'Already have a vault? Recover it on this computer' }).click();
    await page.getByLabel('Cloud folder that holds the encrypted copy').fill(copy);
    await page.getByLabel('New (or empty) folder for the vault').fill(join(root, 'successor'));
    await page.getByLabel('Passphrase', { exact: true }).fill(NEW_PASSPHRASE);
    await page.getByRole('button', { name: 'Recover my vault' }).click();
    await page.getByText(/1 file is back in /).waitFor({ timeout: 60_000 });
    await shot(page, 'handover-successor.png');
  } finally {
    await browser2.close();
    await theirs.close();
    await successor.stopLiveSync();
  }
  assert.equal(await readFile(join(root, 'successor', 'Member 7', 'letter.txt'), 'utf8'), 'for the successor');
});
