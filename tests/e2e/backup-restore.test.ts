// End to end in Chromium: back up, lose a folder, browse the backup's tree
// and restore the folder (wrong passphrase first, then the recovery key),
// find a file by name and restore it elsewhere; the audit trail with its
// filters, export and access review; settings.
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultStaticDir, startBrowserServer } from '../../engine/transport/server.js';
import { makeVault } from '../helpers/vault.js';
import { launchChromium, needsChromium, shot } from '../helpers/browser.js';

test(
  "back up, lose a folder, restore it from the backup's tree (wrong passphrase first, then the recovery key); audit trail; settings",
  needsChromium,
  async () => {
    const { root, vault, engine, recoveryKey } = await makeVault({
      files: { 'Member 0042/grievance.txt': 'Stage 2 hearing notes', 'Member 0042/Letters/invite.txt': 'Hearing on Monday', 'rota.csv': 'name,shift\n' },
      backup: true,
    });
    const server = await startBrowserServer(engine, { staticDir: defaultStaticDir() });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ acceptDownloads: true });
      await page.goto(server.url);
      await page.getByRole('button', { name: 'Backups & restore' }).click();
      await page.getByRole('button', { name: 'Back up now' }).click();
      await page.getByText(/^Backup taken: 3 files/).waitFor();
      await page.getByText(/Last backup: (?!never)\w/).waitFor();
      await page.getByTestId('backup-target').getByText('The backup folder is connected.').waitFor();
      await page.getByRole('heading', { name: 'Recent backups' }).waitFor();
      await page.getByRole('cell', { name: /^Backed up 3 files/ }).waitFor();
      await shot(page, 'backups.png');

      await rm(join(vault, 'Member 0042'), { recursive: true });
      await writeFile(join(vault, 'rota.csv'), 'changed since the backup');
      await page.getByRole('button', { name: 'Show the files in this backup' }).click();
      await page.getByRole('heading', { name: 'Unlock the vault' }).waitFor();
      assert.equal(await page.evaluate('document.activeElement && document.activeElement.getAttribute("type")'), 'password', 'the prompt takes the keyboard');
      await page.getByLabel('Passphrase').fill('not the passphrase');
      await page.getByRole('button', { name: 'Unlock', exact: true }).click();
      assert.match(await page.getByRole('alert').innerText(), /passphrase is wrong/);
      await shot(page, 'unlock.png');

      await page.getByRole('button', { name: /Use the recovery key/ }).click();
      await page.getByLabel('Recovery key').fill(recoveryKey);
      await page.getByRole('button', { name: 'Unlock', exact: true }).click();

      // Browse: open the folder, tick it (its files are ticked with it), restore into the vault.
      await page.getByRole('button', { name: 'Open folder Member 0042' }).click();
      await page.getByRole('button', { name: 'Open folder Letters' }).click();
      await page.getByRole('checkbox', { name: 'Member 0042/' }).check();
      assert.equal(await page.getByRole('checkbox', { name: 'invite.txt' }).isChecked(), true);
      assert.equal(await page.getByRole('checkbox', { name: 'invite.txt' }).isDisabled(), true, 'covered by the ticked folder');
      await shot(page, 'restore.png');
      await page.getByRole('button', { name: 'Restore', exact: true }).click();
      await page.getByText(/^Restored 2 files/).waitFor();
      assert.equal(await readFile(join(vault, 'Member 0042', 'grievance.txt'), 'utf8'), 'Stage 2 hearing notes');
      assert.equal(await readFile(join(vault, 'Member 0042', 'Letters', 'invite.txt'), 'utf8'), 'Hearing on Monday');

      // Search by name; restore into another folder; the vault's newer file is untouched.
      await page.getByLabel('Search this backup by name').fill('ROTA');
      await page.getByRole('checkbox', { name: 'rota.csv' }).check();
      await page.getByLabel('Another folder').check();
      await page.getByLabel('Folder to restore into').fill(join(root, 'Restored'));
      await page.getByRole('button', { name: 'Restore', exact: true }).click();
      await page.getByText(/^Restored rota\.csv as .*Restored\/rota\.csv\./).waitFor();
      assert.equal(await readFile(join(root, 'Restored', 'rota.csv'), 'utf8'), 'name,shift\n');
      assert.equal(await readFile(join(vault, 'rota.csv'), 'utf8'), 'changed since the backup');

      // The audit trail: intact, filtered, exported, reviewed.
      await page.getByRole('button', { name: 'Audit trail' }).click();
      await page.getByText(/^The audit trail is intact: \d+ entries\.$/).waitFor();
      await page.getByLabel('Kind of event').selectOption('restored from a backup');
      await page
        .getByTestId('audit-count')
        .filter({ hasText: /^Showing 2 of/ })
        .waitFor();
      await page.getByLabel('Containing').fill('Member 0042');
      await page
        .getByTestId('audit-count')
        .filter({ hasText: /^Showing 1 of/ })
        .waitFor();
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export as CSV' }).click();
      const csv = await readFile((await (await download).path())!, 'utf8');
      assert.match(csv, /^"time","event","detail"\r\n"[^"]+","restored from a backup","2 files from snapshot [0-9a-f]+ \(Member 0042\)/);
      assert.equal(csv.trimEnd().split('\r\n').length, 2, 'the export follows the filters');
      await page.getByLabel('Containing').fill('');
      await page.getByLabel('Kind of event').selectOption('');
      await page.getByRole('button', { name: 'Record an access review' }).click();
      await page.getByText('Access review recorded.').waitFor();
      await shot(page, 'audit.png');

      // 200% zoom is half the width: everything still fits across, nothing scrolls sideways.
      const size = page.viewportSize()!;
      await page.setViewportSize({ width: 640, height: 900 });
      for (const section of ['Audit trail', 'Backups & restore', 'Home', 'Settings']) {
        await page.getByRole('button', { name: section, exact: true }).click();
        await page.locator('main h2').first().waitFor();
        assert.equal(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), true, `${section} fits at 200% zoom`);
      }
      await page.getByRole('button', { name: 'Backups & restore' }).click();
      await page.getByRole('button', { name: 'Show the files in this backup' }).click();
      await page.getByRole('checkbox', { name: 'Member 0042/' }).waitFor();
      assert.equal(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), true, 'the restore tree fits at 200% zoom');
      await shot(page, 'restore-zoomed.png');
      await page.setViewportSize(size);

      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByRole('button', { name: 'Make a new recovery key…' }).click();
      await page.getByRole('button', { name: 'Yes, make a new recovery key' }).click();
      const words = await page.getByTestId('new-recovery-key').innerText();
      assert.equal(words.split(/[^a-z]+/).filter(Boolean).length, 27);
      assert.notEqual(words, recoveryKey);
      await page.getByLabel('To check you have it').fill(words);
      await page.getByRole('button', { name: 'I have saved it: done' }).click();
      await page.getByText('The new recovery key is saved and checked. The old one no longer opens the vault.').waitFor();
      await page.getByLabel('Lock after this many idle minutes').fill('5');
      await page.getByRole('form', { name: 'Auto-lock' }).getByRole('button', { name: 'Save' }).click();
      await page.getByText(/^Saved\./).waitFor();
      assert.equal((await engine.settings()).autoLockMinutes, 5);
      await shot(page, 'settings.png');
      await page.getByRole('button', { name: 'Lock', exact: true }).click();
      await page
        .getByTestId('lock-state')
        .filter({ hasText: /^Locked$/ })
        .waitFor();
      assert.equal((await engine.status()).locked, true);
      const trail = await engine.auditVerify();
      assert.equal(trail.ok, true);
    } finally {
      await browser.close();
      await server.close();
      await engine.stopLiveSync();
    }
  },
);
