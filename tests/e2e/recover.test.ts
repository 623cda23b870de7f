// End to end in Chromium: the "new computer" journey, with the recovery key.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { defaultStaticDir, startBrowserServer } from '../../engine/transport/server.js';
import { tempDir } from '../helpers/fs.js';
import { launchChromium, needsChromium, shot } from '../helpers/browser.js';

test('a new computer: recover the vault from the cloud copy with the recovery key', needsChromium, async () => {
  const root = await tempDir('e2e-recover');
  const oldVault = join(root, 'old');
  const cloud = join(root, 'cloud');
  await mkdir(join(oldVault, 'Member 7'), { recursive: true });
  await writeFile(join(oldVault, 'Member 7', 'letter.txt'), 'from the old laptop');
  const old = new Engine(join(root, 'old-home'), { CASEVAULT_KDF_PROFILE: 'interactive' });
  const { recoveryKey } = await old.init({ vaultDir: oldVault, cloud: { kind: 'folder', dir: cloud }, passphrase: 'copper lantern meadow quietly ninety' });
  await old.sync();

  const engine = new Engine(join(root, 'new-home'), { CASEVAULT_KDF_PROFILE: 'interactive' });
  const server = await startBrowserServer(engine, { staticDir: defaultStaticDir() });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.getByRole('button', { name: /Recover it on this computer/ }).click();
    await page.getByLabel('Cloud folder that holds').fill(cloud);
    await page.getByLabel('New (or empty) folder').fill(join(root, 'new'));
    await page.getByRole('button', { name: /Use the recovery key/ }).click();
    await page.getByLabel('Recovery key').fill(recoveryKey.replace(/ - /g, '\n'));
    await page.getByRole('button', { name: 'Recover my vault' }).click();
    await page.getByText(/1 file is back in/).waitFor();
    await shot(page, 'recovered.png');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('overall').waitFor();
    assert.equal(await readFile(join(root, 'new', 'Member 7', 'letter.txt'), 'utf8'), 'from the old laptop');
  } finally {
    await browser.close();
    await server.close();
    await engine.stopLiveSync();
  }
});
