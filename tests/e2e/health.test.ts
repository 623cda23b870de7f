// End to end in Chromium: Home's headline is the vault's health as the
// engine computes it, in the states a caseworker met: the backup drive
// unplugged, backups overdue, the cloud folder missing (a lasting state,
// after a reload too, with nothing written anywhere), and the keys changed
// on another computer (the new passphrase typed right on Home takes them
// on). "Everything is protected" shows only when every area is ok. Pages are
// reloaded rather than waited on, so nothing depends on Home's refresh timer.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Engine } from '../../engine/engine.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { listFiles } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';
import { needsChromium, shot, withApp } from '../helpers/browser.js';
import { backupsTakenEarlier, DAY, secondComputer } from '../health/helpers.js';
import { ROTATED } from '../rotate/helpers.js';

/** The app in Chromium on `engine`, at Home. */
async function withHome(engine: Engine, use: (page: Page) => Promise<void>): Promise<void> {
  await withApp(engine, async (page) => {
    await page.getByTestId('overall').waitFor();
    await use(page);
  });
}

/** Home's headline, once it reads `text` (Home is read again after a reload or a fix, never assumed). */
async function headline(page: Page, text: string | RegExp): Promise<void> {
  await page.getByTestId('overall').filter({ hasText: text }).waitFor();
}

async function reloadHome(page: Page): Promise<void> {
  await page.reload();
  await page.getByTestId('overall').waitFor();
}

test(
  'the backup drive unplugged, then backups overdue: Home names the drive and says so; plugged back in, "Back up now" makes all well',
  needsChromium,
  async () => {
    const v = await makeVault({ files: { 'grievance.txt': 'Stage 1 meeting notes' }, synced: true, backedUp: true });
    await withHome(v.engine, async (page) => {
      await headline(page, /^Everything is protected · last backup just now$/);
      await shot(page, 'home-protected.png');

      await rename(v.backup, `${v.backup}.away`);
      await reloadHome(page);
      await headline(page, `The backup drive (${v.backup}) is not connected; the last backup was just now.`);
      assert.equal(await page.getByTestId('other-problems').count(), 0, 'nothing else is wrong');

      await backupsTakenEarlier(v.home, 9 * DAY);
      await reloadHome(page);
      await headline(page, `The backup drive (${v.backup}) is not connected; the last backup was 9 days ago and backups are overdue: none for 9 days.`);
      await page.getByText(/Next backup: overdue since /).waitFor();
      await shot(page, 'home-backup-drive-away.png');

      // "Check again" reads the state anew: with the drive still away, nothing changes.
      await page.getByRole('button', { name: 'Check again' }).click();
      await headline(page, /^The backup drive .* is not connected/);
      await rename(`${v.backup}.away`, v.backup);
      await reloadHome(page); // not "Check again": Home's own refresh may see the drive first and take the button away
      await headline(page, 'No backup has been taken for 9 days, so backups are overdue.');
      await page.getByRole('button', { name: 'Back up now' }).click();
      await headline(page, /^Everything is protected · last backup just now$/);
    });
  },
);

test('the cloud folder missing: a lasting state after a reload, naming the folder, with nothing written; back again, it syncs', needsChromium, async () => {
  const v = await makeVault({ files: { 'grievance.txt': 'Stage 1 meeting notes' }, synced: true, backedUp: true });
  const objects = await listFiles(join(v.cloud, 'objects'));
  await rename(v.cloud, `${v.cloud}.away`);
  await writeFile(join(v.vault, 'hearing.txt'), 'Thursday 10:00');
  const missing = `The cloud folder ${v.cloud} is not there, so nothing is sent to the cloud.`;
  await withHome(v.engine, async (page) => {
    await headline(page, missing);
    await page
      .getByText(/^Reconnect the drive or share that holds the cloud folder/)
      .first()
      .waitFor();
    await page.getByRole('button', { name: 'Check again' }).click();
    await headline(page, missing);
    await reloadHome(page);
    await headline(page, missing);
    await page
      .getByTestId('other-problems')
      .getByText(/checked once the cloud's key file can be read/)
      .waitFor();
    await shot(page, 'home-cloud-missing.png');
    assert.equal(await page.locator('.counts dt').nth(1).textContent(), 'Synced at the last sync', 'the count is not said to be in the cloud now');
    await page.getByText(/^Synced: in the cloud copy at the last sync/).waitFor(); // and the file list says so
    assert.ok(!existsSync(v.cloud), 'no cloud folder was made');

    await rename(`${v.cloud}.away`, v.cloud);
    // "Check again", or "Sync now" if Home's own refresh saw the folder first (the change still waits then): both send it.
    await page
      .getByRole('button', { name: /^(Check again|Sync now)$/ })
      .first()
      .click();
    await headline(page, /^Everything is protected/);
    assert.equal(await page.locator('.counts dt').nth(1).textContent(), 'Synced');
    assert.equal(await page.getByText(/^Synced: in the cloud copy at the last sync/).count(), 0);
  });
  assert.equal((await listFiles(join(v.cloud, 'objects'))).length, objects.length + 1, 'the waiting file went up once the folder was back');
});

test('keys changed on another computer: Home asks for the new passphrase right there, and typing it takes the keys on', needsChromium, async () => {
  const v = await makeVault({ files: { 'grievance.txt': 'Stage 1 meeting notes' }, synced: true, backedUp: true });
  const laptop = await secondComputer(v);
  await v.engine.unlock({ passphrase: PASSPHRASE });
  await v.engine.rotateKeys({ newPassphrase: ROTATED });
  await v.engine.finishKeyRotation(); // the cloud copy re-encrypted there: the laptop's file is in it under the new keys
  await v.engine.lock();
  await writeFile(join(laptop.vault, 'hearing.txt'), 'Thursday 10:00');

  await withHome(laptop.engine, async (page) => {
    await headline(
      page,
      "The vault's keys were changed on another computer, so nothing is sent to the cloud until the new passphrase is typed on this computer.",
    );
    const field = page.getByRole('textbox', { name: 'Type the new passphrase (the one chosen on the other computer)' });
    await shot(page, 'home-keys-changed.png');
    await field.fill(ROTATED);
    await page.getByRole('button', { name: 'Take on the new keys' }).click();
    // This laptop was recovered without a backup folder: that is what is left.
    await headline(page, 'No backup folder is set up, so there is no copy of the vault apart from the cloud.');
    await page.getByTestId('other-problems').getByText('1 change waits to go to the cloud.').waitFor();
  });
  const keys = (await laptop.engine.status()).health.find((h) => h.area === 'keys');
  assert.equal(keys?.ok, true, "the laptop has the vault's new keys");
  assert.equal((await laptop.engine.sync()).failed.length, 0, 'and syncs under them');
});
