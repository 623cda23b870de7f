// End to end in Chromium: the leaving-the-role wizard, as a person uses it:
// the successor's passphrase, the folder, the copy made (after unlocking)
// and checked, then the vault removed from this computer behind a
// confirmation. The successor then recovers the copy.
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
    await page.getByLabel("Successor's passphrase").fill(NEW_PASSPHRASE);
    await page.getByLabel('Type it again').fill(NEW_PASSPHRASE);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Folder for the copy').fill(copy);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Make the copy' }).click();
    await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByText(/The copy is made and checked: 1 file/).waitFor();
    const words = (await page.getByTestId('successor-recovery-key').textContent())!.trim();
    await shot(page, 'handover.png');
    assert.equal(words.split(/[^a-z]+/).filter(Boolean).length, 27);
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
  const successor = new Engine(join(root, 'successor-home'), env);
  await successor.recover({ cloud: { kind: 'folder', dir: copy }, vaultDir: join(root, 'successor'), secret: { passphrase: NEW_PASSPHRASE } });
  assert.equal(await readFile(join(root, 'successor', 'Member 7', 'letter.txt'), 'utf8'), 'for the successor');
});
