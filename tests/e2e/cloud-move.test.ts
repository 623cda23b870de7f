// End to end in Chromium: Settings, "Move the cloud copy". A relative folder
// is refused with the folder it would have been; a move to a new folder
// unlocks first, copies and checks, and says so; the vault then syncs to the
// new place; the old copy is deleted only after its own confirmation.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultStaticDir, startBrowserServer } from '../../engine/transport/server.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { exists, listFiles } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';
import { launchChromium, needsChromium, shot } from '../helpers/browser.js';

test('Settings moves the cloud copy to a new folder, checked, then deletes the old copy once confirmed', needsChromium, async () => {
  const v = await makeVault({ files: { 'Member 7/letter.txt': 'a letter', 'minutes.txt': 'minutes' }, synced: true });
  const server = await startBrowserServer(v.engine, { staticDir: defaultStaticDir() });
  const browser = await launchChromium();
  const moved = join(v.root, 'Dropbox', 'Casevault');
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const card = page.locator('section', { has: page.getByRole('heading', { name: 'Move the cloud copy' }) });
    await card.getByText(`The encrypted cloud copy is in ${v.cloud}.`).waitFor();

    await card.getByLabel('New folder for the cloud copy (the full path)').fill('Dropbox/Casevault');
    await card.getByRole('button', { name: 'Move the cloud copy' }).click();
    await card
      .getByRole('alert')
      .getByText(/^"Dropbox\/Casevault" is not a full path: as it is, the new cloud folder would be \/.+; give the full path/)
      .waitFor();

    await card.getByLabel('New folder for the cloud copy (the full path)').fill(moved);
    await card.getByRole('button', { name: 'Move the cloud copy' }).click();
    await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await card
      .getByText(`The cloud copy is now in ${moved}: 2 objects copied, read back and checked. This computer uses it from now on.`)
      .waitFor({ timeout: 60_000 });
    await card.getByText(/The old copy in .* is kept\. Once every computer of the vault uses the new place, delete it/).waitFor();
    await shot(page, 'cloud-move.png');
    assert.equal((JSON.parse(await readFile(join(v.home, 'config.json'), 'utf8')) as { cloud: { dir: string } }).cloud.dir, moved);

    await writeFile(join(v.vault, 'after.txt'), 'after the move');
    const r = await v.engine.sync();
    assert.equal(r.failed.length, 0);
    assert.equal((await listFiles(moved)).filter((p) => p.startsWith('objects/')).length, 3, 'a new file goes to the new place');

    const del = card.getByRole('button', { name: 'Delete the old copy' });
    assert.equal(await del.isDisabled(), true, 'not before the confirmation');
    assert.ok(await exists(join(v.cloud, 'casevault.key')));
    await card.getByLabel(/Every computer uses the new place: delete the old copy/).check();
    await del.click();
    await card.getByText(/^Deleted the old copy in .* \(\d+ items\)\.$/).waitFor();
    assert.equal(await exists(v.cloud), false);
  } finally {
    await browser.close();
    await server.close();
    await v.engine.stopLiveSync();
  }
});
