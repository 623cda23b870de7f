// End to end in Chromium: the "new computer" journey, with the recovery key.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { makeVault } from '../helpers/vault.js';
import { needsChromium, shot, withApp } from '../helpers/browser.js';

test('a new computer: recover the vault from the cloud copy with the recovery key', needsChromium, async () => {
  const { root, cloud, recoveryKey } = await makeVault({ files: { 'Member 7/letter.txt': 'from the old laptop' }, synced: true });

  const engine = new Engine(join(root, 'new-home'), { CASEVAULT_KDF_PROFILE: 'interactive' });
  await withApp(engine, async (page) => {
    await page.getByRole('button', { name: /Recover it on this computer/ }).click();
    await page.getByLabel('Cloud folder that holds').fill(cloud);
    await page.getByLabel('New (or empty) folder').fill(join(root, 'new'));
    await page.getByRole('button', { name: /Use the recovery key/ }).click();
    await page.getByLabel('Recovery key').fill(recoveryKey.replace(/ - /g, '\n'));
    await page.getByRole('button', { name: 'Recover my vault' }).click();
    await page.getByText(/1 file is back in/).waitFor();
    await page.getByText(/The cloud copy was last changed on .+ by the computer ".+"\. If you changed files after that/).waitFor(); // which copy it got: a person can tell an older one
    await shot(page, 'recovered.png');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('overall').waitFor();
    assert.equal(await readFile(join(root, 'new', 'Member 7', 'letter.txt'), 'utf8'), 'from the old laptop');
  });
});
