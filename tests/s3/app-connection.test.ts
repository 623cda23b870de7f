// The S3 connection given as API parameters (the desktop app's route), with
// nothing in the engine's environment, against Ceph's S3 gateway: init with
// the cloud copy and the backups on S3 storage, a sync and a backup while
// the vault is locked, recover on a second computer with the backups at
// the s3:// address attached, and connectS3: refused while locked, a wrong
// secret refused by the bucket (the sealed key left as it was, the secret
// in no message), the right one kept sealed and used after a restart.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { Engine } from '../../engine/index.js';
import { failureOf } from '../../engine/errors.js';
import { homeFiles } from '../../engine/home.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { tempDir } from '../helpers/fs.js';
import { describeS3, type S3Server } from '../helpers/s3.js';

let server: S3Server;

/** What `p` failed with, as the shells see it. */
async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    return failureOf(e);
  }
  assert.fail('expected a failure');
}

describeS3('the S3 connection as API parameters (Ceph)', { started: (s) => (server = s) }, () => {
  it('init and recover take the connection; connectS3 checks a new key against the bucket before keeping it', async () => {
    const bucket = await server.makeBucket();
    const root = await tempDir('s3-app');
    const cloud = { kind: 's3' as const, bucket, prefix: 'bob' };
    const backupDir = `s3://${bucket}/bob-backups`;
    const env = { CASEVAULT_KDF_PROFILE: 'interactive' };

    const one = new Engine(join(root, 'home1'), env);
    await one.init({ vaultDir: join(root, 'Cases'), cloud, backupDir, passphrase: PASSPHRASE, s3: server.conn });
    await writeFile(join(root, 'Cases', 'grievance.txt'), 'Stage 1 meeting notes');
    assert.equal(one.unlocked, false);
    assert.equal((await one.sync()).uploaded, 1);
    assert.equal((await one.backup()).files, 1);

    const two = new Engine(join(root, 'home2'), env);
    const r = await two.recover({ vaultDir: join(root, 'Again'), cloud, secret: { passphrase: PASSPHRASE }, backupDir, s3: server.conn });
    assert.equal(r.restored, 1);
    assert.equal(r.backup?.folder, backupDir, 'the backups at the s3:// address are attached');
    assert.equal(await readFile(join(root, 'Again', 'grievance.txt'), 'utf8'), 'Stage 1 meeting notes');

    const sealedPath = join(root, 'home2', homeFiles.s3Connection);
    const sealed = await readFile(sealedPath);
    assert.equal(sealed.includes(Buffer.from(server.conn.secretAccessKey)), false, 'kept sealed');
    assert.equal((await failure(two.connectS3(server.conn))).kind, 'locked');
    await two.unlock({ passphrase: PASSPHRASE });
    const wrong = await failure(two.connectS3({ ...server.conn, secretAccessKey: 'not-the-secret-at-all' }));
    assert.deepEqual([wrong.kind, wrong.next], ['signed-out', 'connect-s3']);
    assert.doesNotMatch(wrong.message, /not-the-secret-at-all/);
    assert.deepEqual(await readFile(sealedPath), sealed, 'a refused key replaces nothing');
    assert.deepEqual(await two.connectS3(server.conn), { connected: true });
    assert.notDeepEqual(await readFile(sealedPath), sealed, 'sealed afresh');
    await two.lock();

    // A restart with nothing in the environment: the sealed key serves once the vault is unlocked.
    const again = new Engine(join(root, 'home2'), env);
    await again.unlock({ passphrase: PASSPHRASE });
    assert.equal((await again.backup()).files, 1);
    assert.equal((await again.sync()).failed.length, 0);
  });
});
