// The command line against a real S3 server (Ceph's gateway, through the
// fault proxy): `init --cloud s3://...`, sync, recover on a second computer,
// the access key kept sealed so later runs need none in their environment,
// a refused key's sentence, and kill -9 in the middle of a sync (at the
// fifth object upload the proxy sees, not after a guessed delay), after
// which a re-run completes and verify reads every object back; then the
// backups at an s3:// location: backup, kill -9 mid-backup, re-run,
// verify and restore; and `watch` uploading what is dropped in.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { it } from 'node:test';
import { BIN, PASSPHRASE, run } from '../helpers/cli.js';
import { readTree, tempDir } from '../helpers/fs.js';
import type { S3Server } from '../helpers/s3.js';
import { SMALL_BACKUPS, writeFiles } from '../helpers/vault.js';
import { describeS3Proxied, killAtUpload, type FaultProxy } from './fault-proxy.js';

let server: S3Server;
let proxy: FaultProxy;

describeS3Proxied(
  'casevault on S3 storage (Ceph)',
  (s, p) => {
    server = s;
    proxy = p;
  },
  () => {
    it('init --cloud s3://, sync, kill -9 mid-sync then a re-run and verify, recover on a second computer, the sealed access key', async () => {
      const bucket = await server.makeBucket();
      const root = await tempDir('s3-cli');
      const vault = join(root, 'Cases');
      const files: Record<string, Uint8Array> = {};
      for (let i = 0; i < 12; i++) files[`member-${i}/grievance.txt`] = randomBytes(20_000 + i);
      await mkdir(vault);
      await writeFiles(vault, files);
      const s3 = { ...server.env, CASEVAULT_S3_ENDPOINT: proxy.url };
      const base = { CASEVAULT_PASSPHRASE: PASSPHRASE, CASEVAULT_KDF_PROFILE: 'interactive', CASEVAULT_BACKUP_PARAMS: JSON.stringify(SMALL_BACKUPS) };
      const one = { ...base, ...s3, CASEVAULT_HOME: join(root, 'home') };
      const location = `s3://${bucket}/branch-7/alice`;

      const init = await run(['init', '--vault', vault, '--cloud', location], one);
      assert.equal(init.code, 0, init.stderr);
      assert.match(init.stdout, new RegExp(`Cloud copy: +${location}`));
      const sealed = await readFile(join(root, 'home', 's3.json'), 'utf8');
      assert.ok(!sealed.includes(server.conn.secretAccessKey) && !sealed.includes(server.conn.accessKeyId), 'the access key is kept sealed');

      const first = await run(['sync'], one);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /12 uploaded/);

      // More files, and a sync killed at its fifth upload.
      const more: Record<string, Uint8Array> = {};
      for (let i = 0; i < 20; i++) more[`member-${i}/letter.txt`] = randomBytes(30_000 + i);
      await writeFiles(vault, more);
      assert.ok(await killAtUpload(proxy, ['sync'], one, 5), 'the sync was killed part-way');
      // The re-run needs no S3 keys in its environment: the sealed ones serve.
      const noKeys = { ...base, CASEVAULT_HOME: join(root, 'home') };
      const rerun = await run(['sync'], noKeys);
      assert.equal(rerun.code, 0, rerun.stderr);
      const verify = await run(['verify', '--cloud'], noKeys);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      assert.match(verify.stdout, /Checked 32 objects .*32 good, 0 bad, 0 missing/);

      const two = { ...base, ...s3, CASEVAULT_HOME: join(root, 'home2') };
      const recovered = join(root, 'Recovered');
      const rec = await run(['recover', '--cloud', location, '--vault', recovered], two);
      assert.equal(rec.code, 0, rec.stderr);
      assert.deepEqual(await readTree(recovered), await readTree(vault));

      const refused = await run(['sync'], { ...two, CASEVAULT_S3_SECRET_ACCESS_KEY: 'not-the-secret' });
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /the S3 storage refused the access key/);
      assert.ok(!refused.stderr.includes('not-the-secret') && !refused.stderr.includes(server.conn.accessKeyId));

      // Backups on S3 storage: a backup, one killed at its third upload, a re-run, verify and restore.
      const backups = `s3://${bucket}/backups/alice`;
      const attach = await run(['backup-folder', backups], one);
      assert.equal(attach.code, 0, attach.stdout + attach.stderr);
      const b1 = await run(['backup'], one);
      assert.equal(b1.code, 0, b1.stdout + b1.stderr);
      await writeFiles(vault, { 'member-30/new-case.txt': randomBytes(300_000) });
      assert.ok(await killAtUpload(proxy, ['backup'], one, 3), 'the backup was killed part-way');
      const b2 = await run(['backup'], one);
      assert.equal(b2.code, 0, b2.stdout + b2.stderr);
      const vb = await run(['verify', '--backup'], one);
      assert.equal(vb.code, 0, vb.stdout + vb.stderr);
      const restored = join(root, 'Restored');
      const rs = await run(['restore', '--to', restored], one);
      assert.equal(rs.code, 0, rs.stdout + rs.stderr);
      assert.deepEqual(await readTree(restored), await readTree(vault));

      const badUrl = await run(['init', '--vault', join(root, 'Other'), '--cloud', 's3://Bad_Bucket/x'], { ...base, CASEVAULT_HOME: join(root, 'home3') });
      assert.equal(badUrl.code, 2);
      assert.match(badUrl.stderr, /bucket name/);
    });

    it('forget --prune on a bucket with Object Lock: the snapshot the policy lets go stays, and the report says until when', async () => {
      const bucket = await server.makeBucket({ objectLock: true });
      const root = await tempDir('s3-lock');
      const vault = join(root, 'Cases');
      await mkdir(vault);
      await writeFiles(vault, { 'member-1/case.txt': randomBytes(50_000) });
      const env = {
        CASEVAULT_PASSPHRASE: PASSPHRASE,
        CASEVAULT_KDF_PROFILE: 'interactive',
        CASEVAULT_BACKUP_PARAMS: JSON.stringify(SMALL_BACKUPS),
        ...server.env,
        CASEVAULT_HOME: join(root, 'home'),
      };
      const init = await run(['init', '--vault', vault, '--cloud', join(root, 'cloud'), '--backup', `s3://${bucket}/backups/bob`], env);
      assert.equal(init.code, 0, init.stderr);
      assert.equal((await run(['backup'], env)).code, 0);
      await writeFiles(vault, { 'member-2/case.txt': randomBytes(50_000) });
      assert.equal((await run(['backup'], env)).code, 0);

      const forget = await run(
        ['forget', '--keep-last', '1', '--keep-daily', '0', '--keep-weekly', '0', '--keep-monthly', '0', '--keep-yearly', '0', '--prune'],
        env,
      );
      assert.equal(forget.code, 0, forget.stdout + forget.stderr);
      assert.match(forget.stdout, /forgot 0\./);
      assert.match(forget.stdout, /Kept for now by the storage's Object Lock: [0-9a-f]{32} .*\(it can be forgotten from .+\)/);
      const snaps = await run(['snapshots'], env);
      assert.equal(snaps.code, 0);
      const verify = await run(['verify', '--backup'], env);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    });

    it('watch on an s3:// cloud copy: a running watch uploads the files there are and each one dropped in later', async () => {
      const bucket = await server.makeBucket();
      const root = await tempDir('s3-watch');
      const vault = join(root, 'Cases');
      await mkdir(vault);
      await writeFiles(vault, { 'member-1/grievance.txt': randomBytes(10_000) });
      const env = { CASEVAULT_PASSPHRASE: PASSPHRASE, CASEVAULT_KDF_PROFILE: 'interactive', ...server.env, CASEVAULT_HOME: join(root, 'home') };
      const location = `s3://${bucket}/watched`;
      assert.equal((await run(['init', '--vault', vault, '--cloud', location], env)).code, 0);
      const objects = async () => ((await server.admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'watched/objects/' }))).Contents ?? []).length;
      /** Polls the bucket (no guessed delay: as long as it takes, within the test's own timeout). */
      const until = async (n: number) => {
        while ((await objects()) < n) await new Promise((r) => setTimeout(r, 200));
      };
      const watch = spawn(process.execPath, [BIN, 'watch'], { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' });
      const stopped = new Promise((resolve) => watch.on('close', resolve));
      try {
        await until(1);
        await writeFiles(vault, { 'member-2/letter.txt': randomBytes(20_000) });
        await until(2);
      } finally {
        watch.kill('SIGTERM');
        await stopped;
      }
      const verify = await run(['verify', '--cloud'], env);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      assert.match(verify.stdout, /Checked 2 objects .*2 good, 0 bad, 0 missing/);
    });
  },
);
