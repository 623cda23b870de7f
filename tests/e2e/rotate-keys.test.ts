// End to end in Chromium: a computer is lost, so the keys are rotated from
// Settings (and a rotation that stopped part-way is finished there). When
// the new recovery key is shown, the cloud's key file already opens with the
// new passphrase and recovery key only; once it is typed back, every cloud
// object is re-encrypted under a new name, and a new computer recovers every
// file with the new passphrase.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { decodeRecoveryKey, openKeyFile, parseKeyFile, wipeKeys } from '../../crypto/index.js';
import { Engine } from '../../engine/engine.js';
import { defaultStaticDir, startBrowserServer } from '../../engine/transport/server.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { listFiles, readTree } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';
import { launchChromium, needsChromium, shot } from '../helpers/browser.js';

const OLD = PASSPHRASE;
const NEW = 'harbour violin seventeen crooked umbrella';

type Vault = Awaited<ReturnType<typeof syncedVault>>;

/** A vault of three files, synced to a cloud folder, locked; and its cloud as it was before any rotation. */
async function syncedVault() {
  const v = await makeVault({
    files: {
      'grievance.txt': 'Stage 1 meeting notes',
      'Member 0042/medical letter.pdf': randomBytes(200_000),
      'Member 0042/réunion.eml': 'Subject: hearing\r\n\r\nThursday 10:00',
    },
    synced: true,
  });
  const objects = await listFiles(join(v.cloud, 'objects'));
  assert.equal(objects.length, 3);
  return { ...v, files: await readTree(v.vault), before: { keyFile: await readFile(join(v.cloud, 'casevault.key')), objects, recoveryKey: v.recoveryKey } };
}

/** The app in Chromium on the vault's engine, at Settings. */
async function withSettings(v: Vault, use: (page: Page) => Promise<void>): Promise<void> {
  const server = await startBrowserServer(v.engine, { staticDir: defaultStaticDir() });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.getByTestId('overall').waitFor();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('heading', { name: 'Lost or stolen computer' }).waitFor();
    await use(page);
  } finally {
    await browser.close();
    await server.close();
    await v.engine.stopLiveSync();
  }
}

/** The new recovery key, shown once (the vault has switched to the new keys by then, the cloud objects not yet re-encrypted). */
async function newKeyShown(v: Vault, page: Page): Promise<string> {
  const words = await page.getByTestId('rotated-recovery-key').innerText();
  assert.equal(words.split(/[^a-z]+/).filter(Boolean).length, 27);
  await checkKeyFile(v, words);
  assert.deepEqual(await listFiles(join(v.cloud, 'objects')), v.before.objects, 'nothing re-encrypted while the key is on screen');
  return words;
}

/** The re-encryption waits until the new key is typed back; then the outcome. */
async function typeBackNewKey(page: Page, words: string): Promise<void> {
  const saved = page.getByRole('button', { name: 'I have saved it: re-encrypt the cloud copy' });
  await page.getByLabel('To check you have it').fill(words);
  await saved.click();
  const done = page.getByRole('status').filter({ hasText: /^Done: this computer uses the new keys/ });
  await done.getByText('In the cloud copy, 3 items were re-encrypted and none failed.').waitFor();
  await done.getByText('There are no backups yet, so nothing there needed changing.').waitFor();
  assert.equal(await page.getByTestId('rotated-recovery-key').count(), 0, 'the key is gone once saved');
}

/** The cloud's key file changed, and opens with the new passphrase and `words` only. */
async function checkKeyFile(v: Vault, words: string): Promise<void> {
  const keyFile = await readFile(join(v.cloud, 'casevault.key'));
  assert.notDeepEqual(keyFile, v.before.keyFile, 'the cloud key file changed');
  const kf = parseKeyFile(new Uint8Array(keyFile));
  await wipeKeys(await openKeyFile(kf, { passphrase: NEW }));
  await wipeKeys(await openKeyFile(kf, { recoveryKey: await decodeRecoveryKey(words) }));
  await assert.rejects(openKeyFile(kf, { passphrase: OLD }), { name: 'WrongSecret' }, 'the old passphrase no longer opens it');
  await assert.rejects(openKeyFile(kf, { recoveryKey: await decodeRecoveryKey(v.before.recoveryKey) }), { name: 'WrongSecret' }, 'nor the old recovery key');
}

/** The rotation finished: the key file as checkKeyFile says, every object is new, and a new computer recovers every file. */
async function checkRotated(v: Vault, words: string): Promise<void> {
  assert.equal((await v.engine.status()).keyRotation, 'none');
  await checkKeyFile(v, words);
  const objects = await listFiles(join(v.cloud, 'objects'));
  assert.equal(objects.length, 3);
  assert.deepEqual(
    objects.filter((o) => v.before.objects.includes(o)),
    [],
    'every object was re-encrypted under a new name, the old ones deleted',
  );

  const other = new Engine(join(v.root, 'other-home'), v.env);
  const report = await other.recover({ vaultDir: join(v.root, 'recovered'), cloud: { kind: 'folder', dir: v.cloud }, secret: { passphrase: NEW } });
  assert.equal(report.restored, 3);
  assert.deepEqual(report.failed, []);
  assert.deepEqual(await readTree(join(v.root, 'recovered')), v.files, 'every file back, byte for byte');
}

test('lost computer: rotate the keys from Settings; the cloud copy opens only with the new passphrase and recovers whole', needsChromium, async () => {
  const v = await syncedVault();
  assert.equal((await v.engine.status()).locked, true, 'the rotation asks to unlock first');
  let words = '';
  await withSettings(v, async (page) => {
    await page.getByRole('button', { name: 'Rotate keys…' }).click();
    const form = page.getByRole('form', { name: 'Rotate keys' });
    await form.getByLabel(/^New passphrase/).fill(NEW);
    await form.getByLabel('Type the new passphrase again').fill(NEW);
    await form.getByText('Strong').or(form.getByText('Good')).first().waitFor();
    await shot(page, 'rotate-keys.png');
    await form.getByRole('button', { name: 'Rotate keys now' }).click();
    const unlock = page.getByRole('form', { name: 'Unlock the vault' });
    await unlock.getByLabel('Passphrase', { exact: true }).fill(OLD);
    await unlock.getByRole('button', { name: 'Unlock' }).click();
    words = await newKeyShown(v, page);
    assert.notEqual(words, v.before.recoveryKey);
    await shot(page, 'rotate-keys-key.png');
    await typeBackNewKey(page, words);
  });
  await checkRotated(v, words);
});

test('a rotation that stopped part-way is finished from Settings with the new passphrase chosen then, no unlock', needsChromium, async () => {
  const v = await syncedVault();
  // The cloud's key file cannot be replaced (a folder is in its way), so the rotation stops after it started.
  const keyPath = join(v.cloud, 'casevault.key');
  await rm(keyPath);
  await mkdir(join(keyPath, 'in the way'), { recursive: true });

  let words = '';
  await withSettings(v, async (page) => {
    await page.getByRole('button', { name: 'Rotate keys…' }).click();
    const start = page.getByRole('form', { name: 'Rotate keys' });
    await start.getByLabel(/^New passphrase/).fill(NEW);
    await start.getByLabel('Type the new passphrase again').fill(NEW);
    await start.getByRole('button', { name: 'Rotate keys now' }).click();
    const unlock = page.getByRole('form', { name: 'Unlock the vault' });
    await unlock.getByLabel('Passphrase', { exact: true }).fill(OLD);
    await unlock.getByRole('button', { name: 'Unlock' }).click();

    const form = page.getByRole('form', { name: 'Finish rotating keys' });
    await form.getByText(/^A file or folder in the cloud folder .+ is in the way of Casevault's own; check the folder and try again\.$/).waitFor();
    await page
      .getByRole('alert')
      .filter({ hasText: /^A key rotation on this computer did not finish\./ })
      .waitFor();
    assert.equal((await v.engine.status()).keyRotation, 'interrupted');
    assert.equal(await page.getByRole('button', { name: 'Rotate keys…' }).count(), 0, 'no fresh rotation until this one is finished');
    await rm(keyPath, { recursive: true });
    await writeFile(keyPath, v.before.keyFile);
    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    await page
      .getByTestId('lock-state')
      .filter({ hasText: /^Locked$/ })
      .waitFor();

    await form.getByLabel('The new passphrase chosen then').fill(OLD);

    await form.getByLabel('Type it again').fill(OLD);
    await form.getByRole('button', { name: 'Finish rotating keys' }).click();
    await form.getByText(/^A key rotation was started on this computer and not finished: type the new passphrase chosen then to finish it/).waitFor();
    await form.getByLabel('The new passphrase chosen then').fill(NEW);
    await form.getByLabel('Type it again').fill(NEW);
    await form.getByRole('button', { name: 'Finish rotating keys' }).click();
    words = await newKeyShown(v, page);
    await typeBackNewKey(page, words);
    assert.equal(await page.getByRole('form', { name: 'Unlock the vault' }).count(), 0, 'no unlock was asked for');
  });
  await checkRotated(v, words);
});
