// End to end in Chromium: the dead ends a caseworker met now have buttons.
// The vault folder gone: put it back from the cloud copy, or use the folder
// it was moved to (a wrong folder refused in one sentence), with Backups
// named when a backup exists. The cloud copy lost: this computer's key file
// put back (its settings folder shown by its full path), then a sync sends
// every file again. Home reads the engine again after each fix.
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Engine } from '../../engine/engine.js';
import { makeVault } from '../helpers/vault.js';
import { needsChromium, withApp } from '../helpers/browser.js';

const files = { 'grievance.txt': 'Stage 1 meeting notes', 'letters/medical.txt': 'GP letter' };

async function withHome(engine: Engine, use: (page: Page) => Promise<void>): Promise<void> {
  await withApp(engine, async (page) => {
    await page.getByTestId('overall').waitFor();
    await use(page);
  });
}

async function reloadHome(page: Page): Promise<void> {
  await page.reload();
  await page.getByTestId('overall').waitFor();
}

const cloudOk = (s: Awaited<ReturnType<Engine['status']>>) => s.health.find((h) => h.area === 'cloud')!.ok;

const protectedNow = (page: Page) =>
  page
    .getByTestId('overall')
    .filter({ hasText: /^Everything is protected/ })
    .waitFor();

test('the vault folder gone: "Put the vault folder back from the cloud copy" puts it back where it was', needsChromium, async () => {
  const v = await makeVault({ files, synced: true, backedUp: true, unlocked: true });
  await withHome(v.engine, async (page) => {
    await rm(v.vault, { recursive: true });
    await reloadHome(page);
    await page
      .getByTestId('overall')
      .filter({ hasText: `The vault folder ${v.vault} cannot be read` })
      .waitFor();
    await page.getByText('Or put it back from a backup: Backups & restore, Everything, into the vault.').waitFor();
    await page.getByRole('button', { name: 'Put the vault folder back from the cloud copy' }).click();
    await protectedNow(page); // the fix's own note goes with the problem it fixed
  });
  assert.equal(await readFile(join(v.vault, 'letters', 'medical.txt'), 'utf8'), 'GP letter');
});

test('the vault folder moved: a stranger folder is refused in one sentence, the folder it was moved to is used', needsChromium, async () => {
  const v = await makeVault({ files, synced: true, unlocked: true });
  const moved = join(v.root, 'Cases moved');
  await withHome(v.engine, async (page) => {
    await rename(v.vault, moved);
    await reloadHome(page);
    await page.getByRole('button', { name: 'Sync now' }).click();
    const said = page.getByRole('status').filter({ hasText: `the vault folder ${v.vault} is missing` });
    await said.waitFor();
    await mkdir(v.vault); // an empty folder made where it was: Home reads it by itself
    await page.getByTestId('overall').filter({ hasText: 'is empty and is not the folder synced before' }).waitFor();
    await said.waitFor({ state: 'detached' }); // the reason given under Sync now is out of date, and goes
    await page.getByTestId('overall').filter({ hasText: 'is empty and is not the folder synced before' }).waitFor();
    assert.equal(await page.getByText('Or put it back from a backup').count(), 0, 'no backup: not offered');
    const use = page.getByRole('form', { name: 'Use this folder as the vault' });
    await use.getByRole('textbox').fill(v.cloud);
    await use.getByRole('button').click();
    await page.getByText(`${v.cloud} is the cloud folder or shares a folder with it, so it cannot be the vault folder; choose another folder.`).waitFor();
    await use.getByRole('textbox').fill(moved);
    await use.getByRole('button').click();
    await page.getByTestId('vault-dir').filter({ hasText: moved }).waitFor();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByText('Everything is encrypted and in the cloud.').waitFor();
  });
  assert.ok(cloudOk(await v.engine.status()), 'the cloud area is well again');
  assert.deepEqual(await readdir(v.vault), [], 'the empty folder is left as it was');
});

test("the cloud copy lost: its settings folder is shown, and this computer's key file is put back, then every file sent again", needsChromium, async () => {
  const v = await makeVault({ files, synced: true });
  await withHome(v.engine, async (page) => {
    for (const name of await readdir(v.cloud)) await rm(join(v.cloud, name), { recursive: true });
    await reloadHome(page);
    await page.getByTestId('overall').filter({ hasText: 'holds no key file of this vault' }).waitFor();
    assert.equal(await page.getByTestId('settings-folder').textContent(), v.home);
    await page.getByRole('button', { name: "Put this computer's key file back into the cloud, then sync" }).click();
    await page.getByTestId('settings-folder').waitFor({ state: 'detached' });
  });
  assert.ok(cloudOk(await v.engine.status()), 'the cloud area is well again');
  assert.equal((await v.engine.status()).files.synced, 2, 'both files are in the cloud copy again');
  assert.deepEqual(await readFile(join(v.cloud, 'casevault.key')), await readFile(join(v.home, 'casevault.key')));
});

test('two windows each make a new recovery key: the first window withdraws its key and says a newer one was made', needsChromium, async () => {
  const v = await makeVault({ files, synced: true, unlocked: true });
  await withHome(v.engine, async (a) => {
    const second = await a.context().browser()!.newContext(); // a second window of the same person: the sign-in cookie, not the used link
    await second.addCookies(await a.context().cookies());
    const b = await second.newPage();
    await b.goto(new URL(a.url()).origin);
    await b.getByTestId('overall').waitFor();
    const makeKey = async (page: Page) => {
      await page.getByRole('button', { name: 'Settings', exact: true }).click();
      await page.getByRole('button', { name: 'Make a new recovery key…' }).click();
      await page.getByRole('button', { name: 'Yes, make a new recovery key' }).click();
      await page.getByTestId('new-recovery-key').waitFor();
    };
    await makeKey(a);
    await makeKey(b);
    await a.getByTestId('recovery-key-replaced').waitFor();
    for (const gone of [
      a.getByTestId('new-recovery-key'),
      a.getByRole('form', { name: 'Save the recovery kit as a file' }),
      a.getByRole('form', { name: 'Type the recovery key back' }),
    ])
      assert.equal(await gone.count(), 0, 'the dead key and its Save, Print and type-back are withdrawn');
    assert.equal(await a.getByRole('button', { name: 'Print the recovery kit' }).count(), 0);
    await a.getByRole('button', { name: 'Home', exact: true }).click();
    await a.getByTestId('overall').waitFor();
    assert.equal(await a.getByText('A new recovery key is waiting to be saved and typed back.').count(), 0, 'Home no longer leads back to it');
    assert.equal(await b.getByTestId('recovery-key-replaced').count(), 0, 'the newest key stays on in the window that made it');
    await b.getByTestId('new-recovery-key').waitFor();
  });
});
