// End to end in Chromium: back up, lose a file, restore it from the backup,
// with a wrong passphrase on the way and the recovery-key path; settings.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium, type Page } from 'playwright-core';
import { Engine } from '../../engine/engine.js';
import { defaultStaticDir, startBrowserServer } from '../../engine/server.js';
import { tempDir } from '../helpers/fs.js';

const CHROMIUM = '/usr/bin/chromium';
const PASS = 'copper lantern meadow quietly ninety';

async function shot(page: Page, name: string): Promise<void> {
  if (process.env.CASEVAULT_SCREENSHOTS) await page.screenshot({ path: join(process.env.CASEVAULT_SCREENSHOTS, name), fullPage: true });
}

test('back up, delete a file, restore it from the backup (wrong passphrase first, then the recovery key); settings', { skip: !existsSync(CHROMIUM) && !process.env.CI ? 'Debian chromium is not installed (CI installs it)' : false }, async () => {
  const root = await tempDir('e2e-backup');
  const vault = join(root, 'Cases');
  await mkdir(join(vault, 'Member 0042'), { recursive: true });
  await writeFile(join(vault, 'Member 0042', 'grievance.txt'), 'Stage 2 hearing notes');
  await writeFile(join(vault, 'rota.csv'), 'name,shift\n');
  const engine = new Engine(join(root, 'home'), { CASEVAULT_KDF_PROFILE: 'interactive' });
  const { recoveryKey } = await engine.init({ vaultDir: vault, cloud: { kind: 'folder', dir: join(root, 'cloud') }, backupDir: join(root, 'usb'), passphrase: PASS });
  const server = await startBrowserServer(engine, { staticDir: defaultStaticDir() });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Backups' }).click();
    await page.getByRole('button', { name: 'Back up now' }).click();
    await page.getByText(/^Backup taken: 2 files/).waitFor();
    await page.getByText(/Last backup: \d/).waitFor();
    await shot(page, 'backups.png');

    await rm(join(vault, 'Member 0042', 'grievance.txt'));
    await page.getByLabel('File or folder to restore').fill('Member 0042/grievance.txt');
    await page.getByRole('button', { name: 'Restore', exact: true }).click();
    await page.getByRole('heading', { name: 'Unlock the vault' }).waitFor();
    await page.getByLabel('Passphrase').fill('not the passphrase');
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    assert.match(await page.getByRole('alert').innerText(), /passphrase is wrong/);
    await shot(page, 'unlock.png');

    await page.getByRole('button', { name: /Use the recovery key/ }).click();
    await page.getByLabel('Recovery key').fill(recoveryKey);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page.getByText('Restored 1 file').waitFor();
    assert.equal(await readFile(join(vault, 'Member 0042', 'grievance.txt'), 'utf8'), 'Stage 2 hearing notes');

    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Make a new recovery key' }).click();
    const words = await page.getByTestId('new-recovery-key').innerText();
    assert.equal(words.split(/[^a-z]+/).filter(Boolean).length, 27);
    assert.notEqual(words, recoveryKey);
    await shot(page, 'settings.png');
    await page.getByRole('button', { name: 'Lock now' }).click();
    await page.getByText(/^Locked:/).waitFor();
    assert.equal((await engine.status()).locked, true);
  } finally {
    await browser.close();
    await server.close();
    await engine.stopLiveSync();
  }
});
