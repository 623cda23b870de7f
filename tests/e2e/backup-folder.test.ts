// End to end in Chromium: a recovered laptop attaches the old backup drive
// right after recovering and restores an earlier version of a file, found by
// when it changed; the restore picker starts at the latest backup with the
// archives of closed cases apart, follows a new backup, and with the drive
// away says so instead of "no backups yet".
import assert from 'node:assert/strict';
import { readFile, rename, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { makeVault } from '../helpers/vault.js';
import { needsChromium, shot, withApp } from '../helpers/browser.js';
import { OLD } from '../housekeeping/helpers.js';

const GRIEVANCE = 'Member 0042/grievance.txt';

test('a recovered laptop attaches the old backup drive and restores an earlier version of a file by when it changed', needsChromium, async () => {
  const first = new Date(Date.now() - 3 * 86_400_000);
  const old = await makeVault({ files: { [GRIEVANCE]: ['Stage 1 notes', first], 'rota.csv': 'name,shift\n' }, synced: true, backedUp: true });
  await writeFile(join(old.vault, ...GRIEVANCE.split('/')), 'Stage 2 hearing notes');
  await old.engine.sync();
  await old.engine.backup();

  const vault = join(old.root, 'New laptop', 'Cases');
  const engine = new Engine(join(old.root, 'new-home'), { CASEVAULT_KDF_PROFILE: 'interactive' });
  await withApp(engine, async (page) => {
    await page.getByRole('button', { name: /Recover it on this computer/ }).click();
    await page.getByLabel('Cloud folder that holds').fill(old.cloud);
    await page.getByLabel('New (or empty) folder').fill(vault);
    await page.getByLabel('Passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Recover my vault' }).click();
    await page.getByText(/2 files are back in/).waitFor();

    // Right after recovering: the old backup drive is offered, and adopted with its backups.
    await page.getByRole('heading', { name: 'Do you have a backup drive from before?' }).waitFor();
    await page.getByLabel('Backup folder (on a USB drive or a network share)').fill(old.backup);
    await page.getByRole('button', { name: 'Use this folder for backups' }).click();
    await page.getByText(/^This folder holds this vault's backups: 2 backups, the latest from .* · .+\. They can be restored from now on/).waitFor();
    await shot(page, 'recovered-backup-drive.png');
    assert.equal((await engine.backupStatus()).folder, old.backup);
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.getByRole('button', { name: 'Backups & restore' }).click();
    await page.getByRole('button', { name: 'Show the files in this backup' }).click();
    await page.getByLabel('Passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page.getByRole('button', { name: 'Open folder Member 0042' }).click();
    await page.getByRole('button', { name: `Versions of ${GRIEVANCE}` }).click();
    const versions = page.getByRole('region', { name: `Versions of ${GRIEVANCE}` });
    await versions.getByRole('listitem').nth(1).waitFor();
    const items = await versions.getByRole('listitem').allInnerTexts();
    assert.equal(items.length, 2, 'two versions, one in each backup');
    assert.match(items[0]!, /^Changed .* · (just now|\d+ seconds? ago|\d+ minutes? ago)/, 'the newest change first');
    assert.match(items[1]!, /^Changed .* · 3 days ago\n13 bytes; in 1 backup, the newest from /);
    await shot(page, 'file-versions.png');

    await versions
      .getByRole('button', { name: /^Restore the version changed / })
      .nth(1)
      .click();
    const written = join(vault, 'Member 0042', 'grievance (restored 2).txt');
    await page
      .getByTestId('restore-result')
      .getByText(`Restored ${GRIEVANCE} as ${written}, beside the file of the same name that was there (nothing was overwritten).`)
      .waitFor();
    assert.equal(await readFile(written, 'utf8'), 'Stage 1 notes');
    assert.equal(await readFile(join(vault, ...GRIEVANCE.split('/')), 'utf8'), 'Stage 2 hearing notes', 'the current file is untouched');
    await page.getByRole('button', { name: 'Copy the folder’s path' }).waitFor();
    await shot(page, 'restored-version.png');

    // The new laptop backs up into the old drive (the schedule took one as soon as it was attached, too).
    await page.getByRole('button', { name: 'Back up now' }).click();
    await page.getByText(/^Backup taken: 3 files/).waitFor();
    const snapshots = await engine.snapshots();
    assert.ok(snapshots.length >= 3);
    assert.equal(snapshots.at(-1)!.files, 3, 'the restored version is backed up with the rest');
    const trail = (await engine.auditEntries()).map((e) => e.event);
    assert.ok(trail.includes('backup folder attached'));
  });
});

test(
  'the restore picker starts at the latest backup, archives of closed cases apart, follows a new backup; with the drive away it says so',
  needsChromium,
  async () => {
    const { engine, vault, backup } = await makeVault({
      files: { 'Smith, J/letter.txt': ['Dear member', OLD], 'Jones/current.txt': 'still open' },
      synced: true,
      backedUp: true,
      unlocked: true,
    });
    await engine.archiveCases({ cases: ['Smith, J'], confirm: true });
    const [latest, archive] = [(await engine.snapshots()).find((s) => !s.archive)!, (await engine.snapshots()).find((s) => s.archive)!];
    assert.ok(archive.time > latest.time, 'the archive is the newest snapshot');
    await withApp(engine, async (page) => {
      await page.getByRole('button', { name: 'Backups & restore' }).click();
      const picker = page.getByLabel('Restore from the backup of');
      await picker.waitFor();
      assert.equal(await picker.inputValue(), latest.id, 'the latest backup, not the newer archive');
      assert.deepEqual(await picker.locator('optgroup').evaluateAll((gs) => gs.map((g) => (g as HTMLOptGroupElement).label)), [
        'Backups',
        'Archives of closed cases',
      ]);
      assert.match(await picker.locator('optgroup').nth(1).locator('option').innerText(), /^Archive of .*\d:\d\d:\d\d.* · .*: 1 file, /);
      await shot(page, 'restore-picker.png');

      await writeFile(join(vault, 'Jones', 'current.txt'), 'changed today');
      await utimes(join(vault, 'Jones', 'current.txt'), new Date(), new Date());
      await page.getByRole('button', { name: 'Back up now' }).click();
      await page.getByText(/^Backup taken: 1 file,/).waitFor();
      const newest = (await engine.snapshots()).filter((s) => !s.archive).at(-1)!;
      await page.waitForFunction((id) => (document.querySelector('select') as HTMLSelectElement | null)?.value === id, newest.id);
      assert.match(await picker.locator('option:checked').innerText(), /\(latest\): 1 file/);

      await rename(backup, `${backup}-away`);
      await page.reload();
      await page.getByRole('button', { name: 'Backups & restore' }).click();
      await page.getByTestId('restore-state').waitFor();
      assert.match(
        await page.getByTestId('restore-state').innerText(),
        /^The backup drive is away: plug it in \(or connect the share\) to restore from it\. This computer remembers 2 backups on it, the latest from .*/,
      );
      await shot(page, 'backup-drive-away.png');
      await rename(`${backup}-away`, backup);
    });
  },
);
