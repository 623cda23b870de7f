// `casevault cloud-move --to s3://BUCKET/PREFIX` against a real S3 server
// (Ceph's gateway, through the fault proxy): a folder's cloud copy moved to
// S3 (copied, read back, switched; the connection kept sealed, so later runs
// need no keys in their environment; a second computer recovers from S3;
// the old folder deleted on request), a move killed at an upload and run
// again, back from S3 to a folder, and the refusals: a bucket that is not
// there, a prefix that is not empty, a place overlapping the backups on S3
// (in init and backup-folder too); and the app's Settings card moving a
// vault to S3 in real Chromium, with the connection typed in (nothing in the
// engine's environment).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { it } from 'node:test';
import { failsWith, ok, PASSPHRASE, run } from '../helpers/cli.js';
import { exists, readTree, tempDir } from '../helpers/fs.js';
import type { S3Server } from '../helpers/s3.js';
import { makeVault, writeFiles } from '../helpers/vault.js';
import { needsChromium, withApp } from '../helpers/browser.js';
import { describeS3Proxied, killAtUpload, type FaultProxy } from './fault-proxy.js';

let server: S3Server;
let proxy: FaultProxy;

async function keysUnder(bucket: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await server.admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
    for (const o of page.Contents ?? []) out.push(o.Key!);
    token = page.NextContinuationToken;
  } while (token);
  return out;
}

const cloudOf = async (home: string) => (JSON.parse(await readFile(join(home, 'config.json'), 'utf8')) as { cloud: Record<string, string> }).cloud;

describeS3Proxied(
  'cloud-move to and from S3 storage (Ceph)',
  (s, p) => {
    server = s;
    proxy = p;
  },
  () => {
    it('a folder cloud copy moved to S3: read back, switched, the connection kept sealed; a kill mid-move; recover from S3; back to a folder', async () => {
      const bucket = await server.makeBucket();
      const root = await tempDir('s3-move');
      const vault = join(root, 'Cases');
      const folderCloud = join(root, 'USB', 'cloud');
      const files: Record<string, Uint8Array> = {};
      for (let i = 0; i < 15; i++) files[`Member ${i}/grievance.txt`] = randomBytes(10_000 + i);
      await mkdir(vault);
      await writeFiles(vault, files);
      const s3 = { ...server.env, CASEVAULT_S3_ENDPOINT: proxy.url };
      const base = { CASEVAULT_PASSPHRASE: PASSPHRASE, CASEVAULT_KDF_PROFILE: 'interactive', CASEVAULT_HOME: join(root, 'home') };
      ok(await run(['init', '--vault', vault, '--cloud', folderCloud], base), 'init on a folder');
      ok(await run(['sync'], base), 'sync');
      assert.ok(!(await exists(join(root, 'home', 's3.json'))), 'no S3 connection before the move');

      const location = `s3://${bucket}/branch-7/alice`;
      // Killed at its fifth upload: the vault still works on the folder, and the same move run again finishes.
      assert.ok(await killAtUpload(proxy, ['cloud-move', '--to', location], { ...base, ...s3 }, 5), 'the move was killed part-way');
      assert.equal((await cloudOf(join(root, 'home'))).dir, folderCloud, 'a move killed before its switch leaves the vault on the old place');
      ok(await run(['status'], base), 'status after the killed move');

      const moved = ok(await run(['cloud-move', '--to', location], { ...base, ...s3 }), 'cloud-move to S3');
      assert.match(moved.stdout, new RegExp(`^Copied the cloud copy from ${folderCloud} to S3 storage ${location}: \\d+ objects read back and checked\\.\n`));
      assert.match(moved.stdout, new RegExp(`This computer now uses S3 storage ${location}\\.`));
      assert.deepEqual(await cloudOf(join(root, 'home')), { kind: 's3', bucket, prefix: 'branch-7/alice' });
      const sealed = await readFile(join(root, 'home', 's3.json'), 'utf8');
      assert.ok(!sealed.includes(server.conn.secretAccessKey) && !sealed.includes(server.conn.accessKeyId), 'the access key is kept sealed');
      const keys = await keysUnder(bucket, 'branch-7/alice/');
      assert.ok(keys.includes('branch-7/alice/casevault.key'), 'the key file is there');
      assert.equal(keys.filter((k) => k.startsWith('branch-7/alice/objects/')).length, 15, 'every object is there');

      // Later runs need no keys in their environment (the sealed connection serves); a new file goes to S3.
      await writeFiles(vault, { 'Member 99/new letter.txt': 'written after the move' });
      const sync = ok(await run(['sync'], base), 'sync after the move, without S3 keys in the environment');
      assert.match(sync.stdout, /1 uploaded/);
      assert.equal((await keysUnder(bucket, 'branch-7/alice/objects/')).length, 16);
      ok(await run(['verify', '--cloud'], base), 'verify --cloud on S3');

      // A second computer recovers the whole vault from S3.
      const second = join(root, 'Laptop');
      ok(await run(['recover', '--cloud', location, '--vault', second], { ...base, ...s3, CASEVAULT_HOME: join(root, 'home-b') }), 'recover from S3');
      assert.deepEqual(await readTree(second), await readTree(vault));

      // The old folder copy is kept until the person deletes it.
      assert.ok(await exists(join(folderCloud, 'casevault.key')));
      ok(await run(['cloud-move', '--delete-old', '--yes'], base), 'delete the old copy');
      assert.ok(!(await exists(join(folderCloud, 'casevault.key'))), 'the old copy is gone');

      // And back from S3 to a folder.
      const back = join(root, 'Share', 'cloud');
      const r = ok(await run(['cloud-move', '--to', back], base), 'cloud-move from S3 to a folder');
      assert.match(r.stdout, new RegExp(`^Copied the cloud copy from S3 storage ${location} to ${back}: \\d+ objects read back and checked\\.`));
      assert.deepEqual(await cloudOf(join(root, 'home')), { kind: 'folder', dir: back });
      ok(await run(['verify', '--cloud'], base), 'verify --cloud on the folder');
      ok(await run(['cloud-move', '--delete-old', '--yes'], { ...base }), 'delete the old copy on S3');
      assert.deepEqual(await keysUnder(bucket, 'branch-7/alice/'), [], 'nothing of the vault is left on S3');
    });

    it('refused: a bucket that is not there, a prefix that is not empty, a place overlapping the backups on S3', async () => {
      const bucket = await server.makeBucket();
      const backups = await server.makeBucket();
      const root = await tempDir('s3-move-refused');
      const vault = join(root, 'Cases');
      await mkdir(vault);
      await writeFiles(vault, { 'Member 1/a.txt': 'a' });
      const env = { CASEVAULT_PASSPHRASE: PASSPHRASE, CASEVAULT_KDF_PROFILE: 'interactive', CASEVAULT_HOME: join(root, 'home'), ...server.env };

      // init and backup-folder keep the cloud copy and the backups apart on S3 too.
      failsWith(
        await run(['init', '--vault', vault, '--cloud', `s3://${bucket}/alice`, '--backup', `s3://${bucket}/alice/backups`], env),
        2,
        /cannot share a place on S3 storage/,
      );
      ok(await run(['init', '--vault', vault, '--cloud', join(root, 'cloud'), '--backup', `s3://${backups}/alice`], env), 'init');
      ok(await run(['sync'], env), 'sync');

      failsWith(await run(['cloud-move', '--to', `s3://cv-no-such-bucket-${process.pid}/alice`], env), 1, /the S3 bucket is not there/);
      failsWith(await run(['cloud-move', '--to', `s3://${backups}/alice/cloud`], env), 2, /cannot share a place on S3 storage/);
      failsWith(await run(['cloud-move', '--to', `s3://${backups}`], env), 2, /cannot share a place on S3 storage/);
      await server.admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'used/report.pdf', Body: 'not ours' }));
      failsWith(await run(['cloud-move', '--to', `s3://${bucket}/used`], env), 1, /the new place is not empty/);
      assert.deepEqual(await keysUnder(bucket, 'used/'), ['used/report.pdf'], 'nothing was written beside what was there');
      assert.equal((await cloudOf(join(root, 'home'))).dir, join(root, 'cloud'), 'still on the folder');

      // Then a move that may go: beside the backups' bucket, in the other one; backup-folder then refuses to overlap it.
      ok(await run(['cloud-move', '--to', `s3://${bucket}/alice`], env), 'cloud-move to S3');
      failsWith(await run(['backup-folder', `s3://${bucket}/alice/backups`], env), 2, /cannot share a place on S3 storage/);
      failsWith(await run(['cloud-move', '--to', `s3://${bucket}/alice/inner`], env), 2, /inside the cloud copy there, or holds it/);
    });

    it('the app: Settings moves the cloud copy to S3 with the connection typed in', needsChromium, async () => {
      const bucket = await server.makeBucket();
      const v = await makeVault({ files: { 'Member 7/letter.txt': 'a letter', 'minutes.txt': 'minutes' }, synced: true });
      await withApp(v.engine, async (page) => {
        await page.getByRole('button', { name: 'Settings', exact: true }).click();
        const card = page.locator('section', { has: page.getByRole('heading', { name: 'Move the cloud copy' }) });
        await card.getByText(`The encrypted cloud copy is in ${v.cloud}.`).waitFor();
        await card.getByLabel('The union’s object storage (S3)').check();
        await card.getByLabel('Bucket address (s3://BUCKET/PREFIX)').fill(`s3://${bucket}/branch 7`);
        await card.getByLabel('Storage server address (endpoint)').fill(server.conn.endpoint!);
        await card.getByLabel('Access key ID').fill(server.conn.accessKeyId);
        await card.getByLabel('Secret access key').fill(server.conn.secretAccessKey);
        await card.getByRole('button', { name: 'Move the cloud copy' }).click();
        await card
          .getByRole('alert')
          .getByText(/^The prefix in an s3:\/\/ location /)
          .waitFor();

        await card.getByLabel('Bucket address (s3://BUCKET/PREFIX)').fill(`s3://${bucket}/branch-7/carol`);
        await card.getByRole('button', { name: 'Move the cloud copy' }).click();
        await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
        await page.getByRole('button', { name: 'Unlock' }).click();
        await card
          .getByText(
            `The cloud copy is now in S3 storage s3://${bucket}/branch-7/carol: 2 objects copied, read back and checked. This computer uses it from now on.`,
          )
          .waitFor({ timeout: 60_000 });
        assert.equal(await card.getByLabel('Secret access key').inputValue(), '', 'the secret is cleared once used');
      });
      assert.deepEqual(await cloudOf(v.home), { kind: 's3', bucket, prefix: 'branch-7/carol' });
      await writeFiles(v.vault, { 'after.txt': 'after the move' });
      assert.equal((await v.engine.sync()).uploaded, 1, 'the vault syncs to S3 with the connection kept');
      assert.equal((await keysUnder(bucket, 'branch-7/carol/objects/')).length, 3);
    });
  },
);
