// Backups on S3 storage as the command line shows them (outside probe B):
// status asks the storage, never a local folder named "s3://…" (finding 4);
// init checks an s3:// backup location as backup-folder does (finding 7);
// a wrong key says so, with the next step (finding 10c); a bucket gone after
// backups is said to be gone, with no drive to plug in.
import assert from 'node:assert/strict';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { it } from 'node:test';
import { PASSPHRASE, run } from '../helpers/cli.js';
import { tempDir } from '../helpers/fs.js';
import { describeS3, type S3Server } from '../helpers/s3.js';
import { writeFiles } from '../helpers/vault.js';

let server: S3Server;

interface Health {
  area: string;
  ok: boolean;
  message: string;
}
const backupsHealth = async (env: Record<string, string>): Promise<Health> => {
  const r = await run(['status', '--json'], env);
  return (JSON.parse(r.stdout) as { health: Health[] }).health.find((h) => h.area === 'backups')!;
};

async function setUp(name: string, backupTo: (bucket: string) => string) {
  const bucket = await server.makeBucket();
  const root = await tempDir(`s3-backups-${name}`);
  const vault = join(root, 'Cases');
  await mkdir(vault);
  await writeFiles(vault, { 'member-1/grievance.txt': 'notes' });
  const env = { ...server.env, CASEVAULT_HOME: join(root, 'home'), CASEVAULT_PASSPHRASE: PASSPHRASE, CASEVAULT_KDF_PROFILE: 'interactive' };
  const backups = backupTo(bucket);
  const init = await run(['init', '--vault', vault, '--cloud', join(root, 'cloud'), '--backup', backups], env);
  return { bucket, root, vault, env, backups, init };
}

describeS3('backups on S3 storage (Ceph)', { started: (s) => (server = s) }, () => {
  it('status after a good backup is ok, and a deleted snapshot object is reported (not "the backup drive is not connected")', async () => {
    const { bucket, env, backups, init } = await setUp('status', (b) => `s3://${b}/alice`);
    assert.equal(init.code, 0, init.stderr);
    const b = await run(['backup'], env);
    assert.equal(b.code, 0, b.stderr);
    const good = await backupsHealth(env);
    assert.equal(good.ok, true, good.message);
    assert.match(good.message, new RegExp(`the last backup was just now, to ${backups}`));
    const listed = await server.admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'alice/snapshots/' }));
    assert.equal(listed.Contents?.length, 1);
    await server.admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: listed.Contents![0]!.Key! }));
    const gone = await backupsHealth(env);
    assert.equal(gone.ok, false);
    assert.match(gone.message, /cannot be read from s3:\/\//);
    assert.doesNotMatch(gone.message, /not connected/);
  });

  it('init --backup s3:// with no such bucket is refused as backup-folder refuses it, nothing made', async () => {
    const { root, vault, init } = await setUp('nobucket', () => 's3://casevault-no-such-bucket/x');
    assert.equal(init.code, 1, init.stderr);
    assert.equal(
      init.stderr,
      "casevault: the S3 bucket is not there; buckets are made by the union's storage administrator: ask them to make it, then try again.\n",
    );
    assert.deepEqual(await readdir(join(root, 'home')), [], 'no settings kept');
    assert.deepEqual(await readdir(vault), ['member-1'], 'the vault folder as it was');
    await assert.rejects(readdir(join(root, 'cloud')), 'no cloud folder made');
  });

  it('a bucket removed after init: backup says so in one sentence, with no backup drive to plug in', async () => {
    const { bucket, env, init } = await setUp('removed', (b) => `s3://${b}/carol`);
    assert.equal(init.code, 0, init.stderr);
    await server.admin.send(new DeleteBucketCommand({ Bucket: bucket }));
    const b = await run(['backup'], env);
    assert.equal(b.code, 1, b.stderr);
    assert.match(b.stderr, /^casevault: the S3 bucket is not there; [^;]*: ask them to make it, then try again\.\n$/);
  });
  it('the bucket gone after backups: backup and status say so, never to plug a drive in; emptied, they say the backups are gone', async () => {
    const { bucket, env, backups, init } = await setUp('gone', (b) => `s3://${b}/dave`);
    assert.equal(init.code, 0, init.stderr);
    assert.equal((await run(['backup'], env)).code, 0);
    const emptyBucket = async () => {
      const listed = await server.admin.send(new ListObjectsV2Command({ Bucket: bucket }));
      for (const o of listed.Contents ?? []) await server.admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key! }));
    };
    await emptyBucket();
    await server.admin.send(new DeleteBucketCommand({ Bucket: bucket }));
    const b = await run(['backup'], env);
    assert.equal(b.code, 1, b.stderr);
    assert.equal(
      b.stderr,
      `casevault: the S3 bucket of the backups (${backups}) is not there (removed, or its address is wrong: the union's storage administrator can tell); choose a folder with \`casevault backup-folder DIR\`.\n`,
    );
    const health = (await run(['status', '--json'], env)).stdout;
    const item = (JSON.parse(health) as { health: (Health & { next?: string })[] }).health.find((h) => h.area === 'backups')!;
    assert.equal(item.ok, false);
    assert.match(item.message, /^the S3 bucket of the backups \(s3:\/\/[^)]+\) is not there /);
    assert.equal(item.next, 'change-backup-folder');
    for (const said of [b.stderr, item.message]) assert.doesNotMatch(said, /plug|drive/);

    await server.admin.send(new CreateBucketCommand({ Bucket: bucket }));
    const empty = await run(['backup'], env);
    assert.equal(empty.code, 1, empty.stderr);
    assert.match(empty.stderr, /^casevault: the S3 storage holds no backups at s3:\/\/\S+ any more \(deleted, or the address is wrong/);
    assert.doesNotMatch(empty.stderr, /plug|drive/);
  });

  it('S3 storage that does not answer: status says so, to check its address or the storage, never to plug a drive in', async () => {
    const { env, init } = await setUp('silent', (b) => `s3://${b}/frank`);
    assert.equal(init.code, 0, init.stderr);
    assert.equal((await run(['backup'], env)).code, 0);
    const r = await run(['status', '--json'], { ...env, CASEVAULT_S3_ENDPOINT: 'http://127.0.0.1:9' }); // nothing listens there
    const item = (JSON.parse(r.stdout) as { health: (Health & { next?: string })[] }).health.find((h) => h.area === 'backups')!;
    assert.equal(item.ok, false);
    assert.match(
      item.message,
      /^the S3 storage holding the backups \(s3:\/\/[^)]+\) did not answer just now: check its address, or whether the storage is up; /,
    );
    assert.equal(item.next, 'retry');
    assert.doesNotMatch(item.message, /plug|drive/);
  });

  it('a wrong S3 secret for backups says the storage refused the access key, and to check it', async () => {
    const { env, init } = await setUp('wrongkey', (b) => `s3://${b}/bob`);
    assert.equal(init.code, 0, init.stderr);
    assert.equal((await run(['backup'], env)).code, 0);
    for (const args of [['backup'], ['snapshots']]) {
      const r = await run(args, { ...env, CASEVAULT_S3_SECRET_ACCESS_KEY: 'not-the-secret' });
      assert.equal(r.code, 1, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, /^casevault: the S3 storage refused the access key; check the access key and secret the union gave you /, args[0]);
      assert.equal(r.stderr.match(/check the access key/g)?.length, 1, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1);
      assert.doesNotMatch(r.stderr, /HTTP 403|Unknown|not-the-secret/);
    }
  });
});
