// The union's object storage in the app, end to end: first run in Chromium
// choosing S3 for the cloud copy and an s3:// address for the backups, the
// connection typed into the form (none in the engine's environment), a
// file synced to the bucket (listed with the SDK, the administrator's
// side), a backup taken there, the secret kept sealed (nowhere in the
// engine's settings folder as plain text), and Settings' "Object storage
// (S3)" card refusing a wrong secret and taking the right one. Runs against
// Ceph's S3 gateway (tests/helpers/s3.ts); skipped visibly without Ceph.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Engine } from '../../engine/index.js';
import { needsChromium, shot, withApp } from '../helpers/browser.js';
import { tempDir } from '../helpers/fs.js';
import { describeS3, type S3Server } from '../helpers/s3.js';

let server: S3Server;

/** Every object's key under `prefix` in `bucket`. */
async function keys(bucket: string, prefix: string): Promise<string[]> {
  const r = await server.admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (r.Contents ?? []).map((o) => o.Key!);
}

/** Every file's bytes under `dir`, concatenated (the secret must be in none of them). */
async function allBytes(dir: string): Promise<Buffer> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return Buffer.concat(await Promise.all(files.map((f) => readFile(f))));
}

describeS3('the app on S3 storage (Ceph)', { started: (s) => (server = s), skip: needsChromium.skip }, () => {
  it('first run with S3 for the cloud copy and the backups: a file syncs to the bucket, a backup runs, Settings replaces the key', async () => {
    const bucket = await server.makeBucket();
    const root = await tempDir('e2e-s3');
    const vault = join(root, 'Cases');
    const home = join(root, 'home');
    const engine = new Engine(home, { CASEVAULT_KDF_PROFILE: 'interactive' });
    const strong = 'copper lantern meadow quietly ninety';
    await withApp(engine, async (page) => {
      await page.getByLabel('Vault folder').fill(vault);
      await page.getByLabel("The union's object storage (S3)").check();
      await page.getByText("The union's storage administrator gives you these").waitFor();
      await page.getByLabel('Bucket address').fill(`s3://${bucket}/alice`);
      await page.getByLabel('Storage server address').fill(server.endpoint);
      await page.getByLabel('Region').fill(server.conn.region);
      await page.getByLabel('Access key ID').fill(server.conn.accessKeyId);
      await page.getByLabel('Secret access key').fill(server.conn.secretAccessKey);
      assert.equal(await page.getByLabel('Secret access key').getAttribute('type'), 'password');
      await page.getByLabel('Backup folder').fill(`s3://${bucket}/alice-backups`);
      await page.getByLabel('Passphrase (four').fill(strong);
      await page.getByLabel('Type the passphrase again').fill(strong);
      await page.getByText('Strong').or(page.getByText('Good')).first().waitFor();
      await shot(page, 'first-run-s3.png');
      await page.getByRole('button', { name: 'Create vault' }).click();

      const words = await page.getByTestId('recovery-key').innerText();
      await page.getByLabel('To check you have it').fill(words);
      await page.getByRole('button', { name: 'I have saved it: continue' }).click();
      await page.getByTestId('overall').waitFor();
      assert.equal((await engine.status()).cloud, `S3 storage s3://${bucket}/alice`);
      assert.equal(engine.unlocked, false, 'first run leaves the vault locked: sync and backups run on what was given at first run');

      await writeFile(join(vault, 'grievance.txt'), 'Stage 1 meeting notes');
      await page.getByRole('button', { name: 'Sync now' }).click();
      await page.getByTestId('synced').filter({ hasText: /^1$/ }).waitFor();
      await page.getByText('Everything is encrypted and in the cloud.').waitFor();
      const objects = (await keys(bucket, 'alice/')).filter((k) => k.startsWith('alice/objects/'));
      assert.equal(objects.length, 1, 'the file is one object in the bucket');

      // Live sync takes the first backup at once (it was due as soon as the vault existed), at the s3:// address, while the vault is locked.
      await page.getByRole('button', { name: 'Backups' }).click();
      await page.getByText(/Last backup: (?!never)\w/).waitFor();
      assert.ok((await keys(bucket, 'alice-backups/')).length > 0, 'the backup is in the bucket');

      const sealed = await allBytes(home);
      assert.equal(sealed.includes(Buffer.from(server.conn.secretAccessKey)), false, 'the secret is kept sealed, never as plain text');

      // Settings: a wrong secret is refused (the bucket is asked), the right one is kept.
      await page.getByRole('button', { name: 'Settings' }).click();
      const card = page.getByRole('region', { name: 'Object storage (S3)' });
      await card.getByLabel('Storage server address').fill(server.endpoint);
      await card.getByLabel('Region').fill(server.conn.region);
      await card.getByLabel('Access key ID').fill(server.conn.accessKeyId);
      await card.getByLabel('Secret access key').fill('not-the-secret');
      await card.getByRole('button', { name: 'Replace the access key' }).click();
      // Locked since first run: the sealed key needs the vault unlocked to be replaced, and the card asks for it.
      await card.getByLabel('Passphrase').fill(strong);
      await card.getByRole('button', { name: 'Unlock' }).click();
      const refused = card.getByRole('alert');
      await refused.waitFor();
      assert.match(await refused.innerText(), /refused the access key/);
      assert.doesNotMatch(await refused.innerText(), /not-the-secret/);
      await card.getByLabel('Secret access key').fill(server.conn.secretAccessKey);
      await card.getByRole('button', { name: 'Replace the access key' }).click();
      await card.getByText('The storage accepted the key').waitFor();
      await shot(page, 'settings-s3.png');
      await page.getByRole('button', { name: 'Home' }).click();
      await writeFile(join(vault, 'letter.txt'), 'a second file');
      await page.getByRole('button', { name: 'Sync now' }).click();
      await page.getByTestId('synced').filter({ hasText: /^2$/ }).waitFor();
    });
  });
});
