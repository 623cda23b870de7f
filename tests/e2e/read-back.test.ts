// End to end in Chromium: the read-back checks, the steps the app names for
// damage. "Check the backups" (Backups screen): a backup drive that altered
// data in place; the check (after the passphrase) lists the damage and says
// to back up now; after "Back up now" it says every backup restores in
// full; Home's health item for an unreadable last backup leads there.
// "Check the cloud copy" (Settings): an object altered and one deleted in
// the cloud are listed, "Sync now" uploads their files again, and the check
// then says all is sound.
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { damageEveryBlob } from '../helpers/backup-damage.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { listFiles } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';
import { needsChromium, shot, withApp } from '../helpers/browser.js';

test(
  'a damaged backup drive: "Check the backups" finds it, "Back up now" heals it, and the check then says every backup restores in full',
  needsChromium,
  async () => {
    const v = await makeVault({ files: { 'Member 0042/grievance.txt': `Stage 2 hearing notes ${'x'.repeat(3000)}` }, backedUp: true });
    assert.equal(await damageEveryBlob(v.home, v.backup), 1);
    await withApp(v.engine, async (page) => {
      await page.getByRole('button', { name: 'Backups & restore' }).click();
      await page.getByRole('button', { name: 'Check the backups' }).click();
      await page.getByRole('heading', { name: 'Unlock the vault' }).waitFor();
      await page.getByLabel('Passphrase').fill(PASSPHRASE);
      await page.getByRole('button', { name: 'Unlock', exact: true }).click();
      const result = page.getByTestId('check-backups-result');
      await result.filter({ hasText: /^1 problem found in the backup folder: damaged, tampered with or missing data\. 1 backup and 1 pack/ }).waitFor();
      assert.match(await result.innerText(), /fails authentication/);
      assert.match(await result.innerText(), /1 backup restores only in part: restoring it recovers every other file\./);
      assert.match(await result.innerText(), /Back up now, so that your files as they are today are in a sound backup/);
      await shot(page, 'check-backups-damaged.png');

      await page.getByRole('button', { name: 'Back up now' }).click();
      await page.getByText(/^Backup taken: 1 file/).waitFor();
      assert.equal((await listFiles(join(v.backup, 'packs'))).length, 2, 'the damaged chunk was stored again');
      await page.getByRole('button', { name: 'Check the backups' }).click();
      await result.filter({ hasText: /^Every backup restores in full\. Part of the backup folder was damaged/ }).waitFor();
      assert.match(await result.innerText(), /2 backups and 2 packs of data read back and checked/);
      await shot(page, 'check-backups-healed.png');
    });
  },
);

test('Home\'s health item for a last backup that cannot be read leads to "Check the backups"', needsChromium, async () => {
  const v = await makeVault({ files: { 'grievance.txt': 'Stage 1 meeting notes' }, synced: true, backedUp: true });
  const [snapshot] = await listFiles(join(v.backup, 'snapshots'));
  await writeFile(join(v.backup, 'snapshots', snapshot!), 'not a snapshot');
  await withApp(v.engine, async (page) => {
    await page.getByTestId('overall').waitFor();
    await page.getByText(/cannot be read from .*: it is missing, damaged or was tampered with/).waitFor();
    await page.getByRole('button', { name: 'Check the backups' }).click();
    await page.getByRole('heading', { name: 'Check the backups' }).waitFor();
  });
});

test(
  '"Check the cloud copy" lists an altered and a deleted object; "Sync now" uploads their files again, and the check then finds all sound',
  needsChromium,
  async () => {
    const v = await makeVault({ files: { 'grievance.txt': 'Stage 1 meeting notes', 'letter.txt': 'Dear member' }, synced: true });
    const objects = (await listFiles(v.cloud)).filter((f) => f.startsWith('objects/'));
    assert.equal(objects.length, 2);
    const altered = join(v.cloud, ...objects[0]!.split('/'));
    const bytes = await readFile(altered);
    bytes[bytes.length >> 1]! ^= 0x55;
    await writeFile(altered, bytes);
    await rm(join(v.cloud, ...objects[1]!.split('/')));
    await withApp(v.engine, async (page) => {
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByRole('button', { name: 'Check the cloud copy' }).click();
      const unlock = page.getByRole('form', { name: 'Unlock the vault' });
      await unlock.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
      await unlock.getByRole('button', { name: 'Unlock', exact: true }).click();
      const result = page.getByTestId('check-cloud-result');
      await result.filter({ hasText: /^2 problems found in the cloud copy: damaged, tampered with or missing objects\. 1 object read back/ }).waitFor();
      assert.match(await result.innerText(), /missing from the cloud: (grievance|letter)\.txt/);
      await shot(page, 'check-cloud-damaged.png', page.locator('section', { has: result }));
      await result.getByRole('button', { name: 'Sync now' }).click();
      await result.getByText(/^Synced: the files of the damaged and missing objects were uploaded again/).waitFor();
      await page.getByRole('button', { name: 'Check the cloud copy' }).click();
      await result.filter({ hasText: /^All sound: 2 objects read back and checked/ }).waitFor();
    });
  },
);
