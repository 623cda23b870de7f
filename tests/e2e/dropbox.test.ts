// End to end in Chromium: first run with "Dropbox, signed in from here"
// against the local Dropbox test server (its authorize page approves at
// once and redirects to Casevault's loopback), then "Reconnect Dropbox".
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Page } from 'playwright-core';
import { Engine } from '../../engine/engine.js';
import { defaultStaticDir, startBrowserServer } from '../../engine/transport/server.js';
import { startDropboxServer } from '../dropbox/server.js';
import { tempDir } from '../helpers/fs.js';
import { launchChromium, needsChromium, shot } from '../helpers/browser.js';

const PASS = 'copper lantern meadow quietly ninety';

/** Follows the sign-in link as the person would: Dropbox's page opens in a new tab and sends them back. */
async function allowInDropbox(page: Page): Promise<void> {
  const tab = page.context().waitForEvent('page');
  await page.getByRole('link', { name: "Open Dropbox's sign-in page" }).click();
  const dropbox = await tab;
  await dropbox.getByText('Dropbox is connected').waitFor();
  await dropbox.close();
}

test('first run with a Dropbox sign-in from the app; files sync to Dropbox; Reconnect Dropbox in Settings', needsChromium, async () => {
  const root = await tempDir('e2e-dropbox');
  const dropbox = await startDropboxServer({ root: join(root, 'dropbox-server') });
  const engine = new Engine(join(root, 'home'), {
    CASEVAULT_KDF_PROFILE: 'interactive',
    CASEVAULT_DROPBOX_APP_KEY: dropbox.appKey,
    CASEVAULT_DROPBOX_API_URL: dropbox.url,
  });
  const server = await startBrowserServer(engine, { staticDir: defaultStaticDir() });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.getByLabel('Vault folder').fill(join(root, 'Cases'));
    await page.getByLabel('Dropbox, signed in from here').check();
    assert.equal(await page.getByRole('button', { name: 'Create vault' }).isDisabled(), true, 'not before Dropbox is connected');
    await page.getByRole('button', { name: 'Sign in to Dropbox' }).click();
    await shot(page, 'first-run-dropbox.png');
    await allowInDropbox(page);
    await page.getByText('Dropbox is connected.').waitFor();
    await page.getByLabel('Passphrase (four').fill(PASS);
    await page.getByLabel('Type the passphrase again').fill(PASS);
    await page.getByRole('button', { name: 'Create vault' }).click();
    const words = await page.getByTestId('recovery-key').innerText();
    await page.getByLabel('To check you have it').fill(words);
    await page.getByRole('button', { name: 'I have saved it: continue' }).click();
    await page.getByTestId('overall').waitFor();
    assert.ok(
      dropbox.files().some((f) => f.pathLower.endsWith('/casevault.key')),
      'the key file is in Dropbox',
    );

    await page.getByLabel('Choose files to add').setInputFiles({ name: 'letter.txt', mimeType: 'text/plain', buffer: Buffer.from('Dear member') });
    await page.getByRole('button', { name: 'Sync now' }).click();
    // The summary may already say "everything is in the cloud" from before the file came: wait for the file's own row.
    await page.getByRole('row', { name: /letter\.txt.*Synced/ }).waitFor();
    await page.getByText('Everything is encrypted and in the cloud.').waitFor();
    assert.ok(
      dropbox.files().some((f) => f.pathLower.includes('/objects/')),
      'the file went to Dropbox, encrypted',
    );

    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Reconnect Dropbox' }).click();
    await page.getByRole('heading', { name: 'Unlock the vault' }).waitFor();
    await page.getByLabel('Passphrase', { exact: true }).fill(PASS);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await allowInDropbox(page);
    await page.getByText('Dropbox is connected.').waitFor();
    assert.ok(existsSync(join(root, 'home', 'dropbox.json')), 'the new sign-in is stored, sealed');
    assert.ok((await engine.auditEntries()).some((e) => e.event === 'dropbox reconnected'));
    await page.getByRole('button', { name: 'Home' }).click();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByText('Everything is encrypted and in the cloud.').waitFor();
  } finally {
    await browser.close();
    await server.close();
    await engine.stopLiveSync();
    await dropbox.close();
  }
});
