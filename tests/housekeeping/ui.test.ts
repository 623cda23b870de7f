// The Housekeeping screen in Chromium over the real engine (browser mode):
// the list, marking closed, delete and archive behind the dialog that names
// the case and its files, the reports, and the records saved as a page.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultStaticDir, startBrowserServer } from '../../engine/transport/server.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { exists, listFiles } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';
import { OLD } from './helpers.js';
import { launchChromium, needsChromium, shot } from '../helpers/browser.js';

test('housekeeping screen: list, mark closed, delete and archive through the dialog, records page', needsChromium, async () => {
  const v = await makeVault({
    files: { 'Smith/a.txt': ['a', OLD], 'Smith/b.txt': ['b', OLD], 'Brown/c.txt': ['c', OLD], 'Jones/d.txt': 'open', 'minutes.txt': ['loose', OLD] },
    backup: true,
  });
  const { engine } = v;
  const server = await startBrowserServer(engine, { staticDir: defaultStaticDir() });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ acceptDownloads: true, locale: 'en-GB' });
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Housekeeping' }).click();
    await page.getByRole('heading', { name: '2 cases are past retention' }).waitFor();
    const rows = await page.locator('tbody th').allInnerTexts();
    assert.deepEqual(rows, ['Brown', 'Smith', 'Jones', 'minutes.txt'], 'past retention first; the loose file apart, after the cases');
    const loose = page.locator('section', { has: page.getByRole('heading', { name: 'Loose files: 1 past retention' }) });
    assert.deepEqual(
      await loose.locator('tbody th').allInnerTexts(),
      ['minutes.txt'],
      'a file directly in the vault folder is listed as a loose file, not a case',
    );
    await loose.getByText(/not in a case folder\. They are not cases: each is kept 6 years from the day it last changed/).waitFor();
    assert.match(await page.locator('tbody tr').first().innerText(), /newest file 30 June 2015\s+30 June 2021 \(past retention\)/);

    const jones = page.locator('tbody tr', { hasText: 'Jones' });
    await jones.getByRole('button', { name: 'Mark closed' }).click();
    await jones.getByLabel('Closed on').fill('2016-02-29');
    await jones.getByRole('button', { name: 'Save' }).click();
    // Its file changed after that day: the mark does not count, and the row says so.
    await page.getByText(/^Marked closed on 29 February 2016, but a file in the case changed after that day, so the mark does not count/).waitFor();
    await page.getByRole('heading', { name: '2 cases are past retention' }).waitFor();
    await jones.getByText(/changed since it was closed on 29 February 2016/).waitFor(); // the list is read again after the message: waited for, not read once
    assert.ok(await jones.getByRole('button', { name: 'Mark closed' }).isVisible(), 'it can be closed again');
    await shot(page, 'housekeeping.png');

    await page.locator('tbody tr', { hasText: 'Brown' }).getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('alertdialog');
    assert.equal(await dialog.getByRole('heading').innerText(), 'Delete “Brown”?');
    assert.match(
      await dialog.innerText(),
      /The 1 file of this case will be deleted[\s\S]*This computer: deleted now[\s\S]*Cloud: moved to the cloud trash[\s\S]*Backups: kept until/,
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.ok(await exists(join(v.vault, 'Brown/c.txt')), 'cancel deletes nothing');
    await page.locator('tbody tr', { hasText: 'Brown' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete 1 file' }).click();
    const report = page.getByRole('status', { name: 'Deletion report' });
    await report.waitFor();
    await shot(page, 'housekeeping-deleted.png');
    await report.waitFor();
    assert.match(
      await report.innerText(),
      /Deleted “Brown”: 1 file\.[\s\S]*this computer: gone now[\s\S]*cloud: gone from \d+ \w+ \d{4}[\s\S]*backups: gone now/,
    );
    assert.equal(await exists(join(v.vault, 'Brown')), false);

    await page.locator('tbody tr', { hasText: 'Smith' }).getByRole('button', { name: 'Archive' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Archive 2 files' }).click();
    await page.getByRole('heading', { name: 'Unlock the vault' }).waitFor();
    await page.getByLabel('Passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    const archived = page.getByRole('status', { name: 'Archive report' });
    await archived.waitFor();
    assert.match(await archived.innerText(), /Archived “Smith”: 2 files written to the backup folder, read back and checked, then 2 files removed/);
    assert.deepEqual(await listFiles(v.vault), ['Jones/d.txt', 'minutes.txt']);

    await page.getByRole('button', { name: 'Show records' }).click();
    await page.getByRole('heading', { name: 'Backup record' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save as a page' }).click()]);
    const saved = join(v.root, 'records.html');
    await download.saveAs(saved);
    assert.match(await readFile(saved, 'utf8'), /<h2>Asset record: where this vault's copies are<\/h2>/);

    await engine.unlock({ passphrase: PASSPHRASE });
    const events = (await engine.auditEntries()).map((e) => e.event);
    for (const e of ['case marked closed', 'case deleted', 'case archived']) assert.ok(events.includes(e), e);
  } finally {
    await browser.close();
    await server.close();
    await engine.stopLiveSync();
  }
});
