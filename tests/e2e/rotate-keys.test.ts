// End to end in Chromium: a computer is lost, so the keys are rotated from
// Settings. Afterwards the cloud's key file opens with the new passphrase
// and recovery key only, every cloud object is a new one, and a new
// computer recovers every file with the new passphrase.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeRecoveryKey, openKeyFile, parseKeyFile, wipeKeys } from '../../crypto/index.js';
import { Engine } from '../../engine/engine.js';
import { defaultStaticDir, startBrowserServer } from '../../engine/server.js';
import { listFiles, readTree, tempDir } from '../helpers/fs.js';
import { launchChromium, needsChromium, shot } from '../helpers/browser.js';

const OLD = 'copper lantern meadow quietly ninety';
const NEW = 'harbour violin seventeen crooked umbrella';

test('lost computer: rotate the keys from Settings; the cloud copy opens only with the new passphrase and recovers whole', needsChromium, async () => {
  const root = await tempDir('e2e-rotate');
  const vault = join(root, 'Cases');
  const cloud = join(root, 'cloud');
  await mkdir(join(vault, 'Member 0042'), { recursive: true });
  await writeFile(join(vault, 'grievance.txt'), 'Stage 1 meeting notes');
  await writeFile(join(vault, 'Member 0042', 'medical letter.pdf'), randomBytes(200_000));
  await writeFile(join(vault, 'Member 0042', 'réunion.eml'), 'Subject: hearing\r\n\r\nThursday 10:00');
  const files = await readTree(vault);
  const engine = new Engine(join(root, 'home'), { CASEVAULT_KDF_PROFILE: 'interactive' });
  const { recoveryKey: oldRecoveryKey } = await engine.init({ vaultDir: vault, cloud: { kind: 'folder', dir: cloud }, passphrase: OLD });
  await engine.sync();
  const keyFileBefore = await readFile(join(cloud, 'casevault.key'));
  const objectsBefore = await listFiles(join(cloud, 'objects'));
  assert.equal(objectsBefore.length, 3);
  assert.equal((await engine.status()).locked, true, 'the rotation asks to unlock first');

  const server = await startBrowserServer(engine, { staticDir: defaultStaticDir() });
  const browser = await launchChromium();
  let words: string;
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.getByTestId('overall').waitFor();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('heading', { name: 'Lost or stolen computer' }).waitFor();
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

    words = await page.getByTestId('rotated-recovery-key').innerText({ timeout: 60_000 });
    assert.equal(words.split(/[^a-z]+/).filter(Boolean).length, 27);
    assert.notEqual(words, oldRecoveryKey);
    await page.getByText('In the cloud copy, 3 items were re-encrypted and none failed.').waitFor();
    await page.getByText('There are no backups yet, so nothing there needed changing.').waitFor();
    const done = page.getByRole('button', { name: 'Done' });
    assert.equal(await done.isDisabled(), true, 'the new key must be typed back first');
    await page.getByLabel('To check you have it').fill(words.replace(/ - /g, ' '));
    await done.click();
    await page.getByText(/^Done: this computer uses the new keys/).waitFor();
    assert.equal((await engine.status()).keyRotation, 'none');
  } finally {
    await browser.close();
    await server.close();
    await engine.stopLiveSync();
  }

  const keyFileAfter = await readFile(join(cloud, 'casevault.key'));
  assert.notDeepEqual(keyFileAfter, keyFileBefore, 'the cloud key file changed');
  const kf = parseKeyFile(new Uint8Array(keyFileAfter));
  await wipeKeys(await openKeyFile(kf, { passphrase: NEW }));
  await wipeKeys(await openKeyFile(kf, { recoveryKey: await decodeRecoveryKey(words) }));
  await assert.rejects(openKeyFile(kf, { passphrase: OLD }), { name: 'WrongSecret' }, 'the old passphrase no longer opens it');
  await assert.rejects(openKeyFile(kf, { recoveryKey: await decodeRecoveryKey(oldRecoveryKey) }), { name: 'WrongSecret' }, 'nor the old recovery key');
  const objectsAfter = await listFiles(join(cloud, 'objects'));
  assert.equal(objectsAfter.length, 3);
  assert.deepEqual(objectsAfter.filter((o) => objectsBefore.includes(o)), [], 'every object was re-encrypted under a new name, the old ones deleted');

  const other = new Engine(join(root, 'other-home'), { CASEVAULT_KDF_PROFILE: 'interactive' });
  const report = await other.recover({ vaultDir: join(root, 'recovered'), cloud: { kind: 'folder', dir: cloud }, secret: { passphrase: NEW } });
  assert.equal(report.restored, 3);
  assert.deepEqual(report.failed, []);
  assert.deepEqual(await readTree(join(root, 'recovered')), files, 'every file back, byte for byte');
});
