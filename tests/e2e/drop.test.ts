// End to end in Chromium: a file dropped on Home whose name is already in the
// vault. The app asks; "Keep both" adds it beside the old one with the day in
// its name and says so; dropped again, "Replace" puts it in place and says
// where the old version is kept; "Skip" leaves everything as it was.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileNameDay } from '../../contract/index.js';
import { defaultStaticDir, startBrowserServer } from '../../engine/transport/server.js';
import { makeVault } from '../helpers/vault.js';
import { launchChromium, needsChromium, shot } from '../helpers/browser.js';
import type { Page } from 'playwright-core';

/** Drops one file named `name` holding `text` on the drop zone, as a person dragging it from the file manager. */
async function drop(page: Page, name: string, text: string): Promise<void> {
  const transfer = await page.evaluateHandle(
    ([n, t]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([t], n, { type: 'text/csv' }));
      return dt;
    },
    [name, text] as const,
  );
  await page.locator('section.dropzone').dispatchEvent('drop', { dataTransfer: transfer });
}

test('a dropped file whose name is taken: the app asks, and says what it did', needsChromium, async () => {
  const { vault, engine } = await makeVault({ files: { 'branch members.csv': 'the old list' }, synced: true });
  const server = await startBrowserServer(engine, { staticDir: defaultStaticDir() });
  const browser = await launchChromium();
  const day = fileNameDay(new Date(), engine.locale);
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Add case files' }).waitFor();

    await drop(page, 'branch members.csv', 'the new list');
    const question = page.getByRole('alertdialog', { name: '"branch members.csv" is already in the vault' });
    await question.waitFor();
    await shot(page, 'drop-name-taken.png');
    await question.getByRole('button', { name: 'Keep both' }).click();
    await page.getByText(`"branch members.csv" was already in the vault, so the new one was added beside it as "branch members (added ${day}).csv".`).waitFor();
    assert.equal(await readFile(join(vault, 'branch members.csv'), 'utf8'), 'the old list');
    assert.equal(await readFile(join(vault, `branch members (added ${day}).csv`), 'utf8'), 'the new list');

    await drop(page, 'branch members.csv', 'the newest list');
    await question.getByRole('button', { name: 'Replace the one in the vault' }).click();
    await page.getByText(/^Replaced "branch members.csv" with the new one\. The version it replaced is kept in the cloud copy's trash for 30 days/).waitFor();
    assert.equal(await readFile(join(vault, 'branch members.csv'), 'utf8'), 'the newest list');

    await drop(page, 'branch members.csv', 'not wanted');
    await question.getByRole('button', { name: 'Skip this file' }).click();
    await page.getByText(`Skipped "branch members.csv": the vault's file of that name is unchanged.`).waitFor();
    assert.equal(await readFile(join(vault, 'branch members.csv'), 'utf8'), 'the newest list');
    assert.deepEqual((await readdir(vault)).sort(), ['branch members (added ' + day + ').csv', 'branch members.csv'].sort(), 'nothing else was written');
  } finally {
    await browser.close();
    await server.close();
    await engine.stopLiveSync();
  }
});
