// End to end, as a person would: the real UI in Debian's Chromium, driven
// by Playwright, against the real engine in browser mode.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { defaultStaticDir, startBrowserServer } from '../../engine/transport/server.js';
import { listFiles, tempDir } from '../helpers/fs.js';
import { launchChromium, needsChromium, shot } from '../helpers/browser.js';

test('first run in the browser: create a vault, save the recovery key, drop files, sync them', needsChromium, async () => {
  const root = await tempDir('e2e');
  const vault = join(root, 'Cases');
  const cloud = join(root, 'Dropbox', 'Casevault');
  await mkdir(join(root, 'Dropbox'));
  await mkdir(join(root, 'USB'));
  const engine = new Engine(join(root, 'home'), { CASEVAULT_KDF_PROFILE: 'interactive' });
  const server = await startBrowserServer(engine, { staticDir: defaultStaticDir() });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    assert.equal(new URL(page.url()).search, '', 'the token is stripped from the address bar');

    await page.getByLabel('Vault folder').fill(vault);
    await page.getByLabel('Cloud folder').fill(cloud);
    await page.getByLabel('Backup folder').fill(join(root, 'USB', 'backups'));
    await page.getByLabel('How often to back up').selectOption({ label: 'Every 6 hours' });
    await page.getByLabel('Passphrase (four').fill('password123');
    await page.getByLabel('Type the passphrase again').fill('password123');
    await page.getByRole('button', { name: 'Create vault' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /too weak/);

    const strong = 'copper lantern meadow quietly ninety';
    await page.getByLabel('Passphrase (four').fill(strong);
    await page.getByLabel('Type the passphrase again').fill(strong);
    await page.getByText('Strong').or(page.getByText('Good')).first().waitFor();
    await shot(page, 'first-run.png');
    await page.getByRole('button', { name: 'Create vault' }).click();

    const words = await page.getByTestId('recovery-key').innerText();
    assert.equal(words.split(/[^a-z]+/).filter(Boolean).length, 27);
    await shot(page, 'recovery-key.png');
    const proceed = page.getByRole('button', { name: 'I have saved it: continue' });
    assert.equal(await proceed.isDisabled(), true, 'the key must be typed back first');
    await page.getByLabel('To check you have it').fill(words.replace(/ - /g, ' '));
    await proceed.click();

    await page.getByTestId('overall').waitFor();
    assert.equal((await engine.settings()).backupEveryHours, 6, 'the schedule chosen at first run');
    assert.equal(await page.getByTestId('total').innerText(), '0');
    await writeFile(join(vault, 'grievance.txt'), 'Stage 1 meeting notes');
    await mkdir(join(vault, 'Member 0042'));
    await writeFile(join(vault, 'Member 0042', '<img src=x onerror=alert(1)>.txt'), 'a name that is not markup');
    let dialogs = 0;
    page.on('dialog', () => dialogs++);
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByTestId('synced').filter({ hasText: /^2$/ }).waitFor();
    await page.getByText('Everything is encrypted and in the cloud.').waitFor();
    assert.equal(await page.getByTestId('overall').innerText(), 'All files are safe in the cloud');
    assert.equal((await listFiles(join(cloud, 'objects'))).length, 2);
    assert.equal(dialogs, 0);

    // Add a file through the app (the keyboard-friendly twin of dropping it on the window).
    await page
      .getByLabel('Choose files to add')
      .setInputFiles({ name: 'medical letter.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 letter') });
    await page.getByText('1 file added to the vault').waitFor();
    assert.equal(await readFile(join(vault, 'medical letter.pdf'), 'utf8'), '%PDF-1.4 letter');
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByText('Everything is encrypted and in the cloud.').waitFor();
    await page.getByTestId('synced').filter({ hasText: /^3$/ }).waitFor();
    const row = (name: string) => page.getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) });
    await row('medical letter.pdf').getByText('Synced').waitFor();
    assert.equal(await page.getByTestId('vault-dir').innerText(), vault, "browser mode shows the folder's path to copy");
    // Live sync took the first backup too: it was due as soon as the vault existed.
    await page.getByRole('button', { name: 'Backups' }).click();
    await page.getByText(/Last backup: (?!never)\w/).waitFor();

    // A file that cannot be synced says why, with a Retry.
    await page.getByRole('button', { name: 'Home' }).click();
    await writeFile(Buffer.from(join(vault, 'bad-\xff-name.txt'), 'latin1'), 'x');
    await page.getByRole('button', { name: 'Sync now' }).click();
    const failed = page.locator('tr[data-state="failed"]');
    await failed.waitFor();
    assert.equal(await failed.count(), 1);
    assert.match(await failed.innerText(), /Failed[\s\S]*rename/i);
    await failed.getByRole('button', { name: /^Retry / }).waitFor();
    await shot(page, 'home.png');
  } finally {
    await browser.close();
    await server.close();
    await engine.stopLiveSync();
  }
});
