// Key rotation through the engine API (what the app calls): a rotation that
// failed before switching this computer can be started again with another
// passphrase once unlocked; one that switched cannot be dropped that way.
import assert from 'node:assert/strict';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { dispatch } from '../../engine/transport/dispatch.js';
import { FolderRemote } from '../../engine/remotes/folder.js';
import { listObjects } from '../../engine/mirror/restore-objects.js';
import { reencryptCloud } from '../../engine/keys/rotation-steps.js';
import { openKeyFile, parseKeyFile } from '../../crypto/index.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { readTree } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';
import { ROTATED } from './helpers.js';

/** A vault with one file, synced. */
const vault = () => makeVault({ files: { 'a.txt': 'case notes' }, synced: true });

/** Makes the cloud's key file unwritable (a folder where it goes) while `fn` runs. */
async function cloudKeyFileBlocked<T>(cloud: string, fn: () => Promise<T>): Promise<T> {
  const kf = join(cloud, 'casevault.key');
  await rename(kf, `${kf}.aside`);
  await mkdir(kf);
  await writeFile(join(kf, 'x'), '');
  try {
    return await fn();
  } finally {
    const { rm } = await import('node:fs/promises');
    await rm(kf, { recursive: true });
    await rename(`${kf}.aside`, kf);
  }
}

/** The rotation as status() tells it, checked against keyRotation() through the dispatch table (the screen's poll, no walk of the vault). */
async function rotationNow(engine: Engine): Promise<string> {
  const told = (await engine.status()).keyRotation;
  assert.deepEqual(await dispatch(engine, 'keyRotation', {}), { ok: true, value: told });
  return told;
}

test('a rotation that failed before switching: status says interrupted; a wrong passphrase while locked is refused; unlocked, another passphrase starts again', async () => {
  const v = await vault();
  await v.engine.unlock({ passphrase: PASSPHRASE });
  await cloudKeyFileBlocked(v.cloud, () => assert.rejects(v.engine.rotateKeys({ newPassphrase: 'a first choice of new passphrase words' })));
  assert.equal(await rotationNow(v.engine), 'interrupted');
  await v.engine.sync(); // nothing switched: syncing carries on under the current keys
  await v.engine.lock();
  await assert.rejects(v.engine.rotateKeys({ newPassphrase: ROTATED }), { name: 'WrongSecret', message: /type the new passphrase chosen then/ });
  await v.engine.unlock({ passphrase: PASSPHRASE });
  const r = await v.engine.rotateKeys({ newPassphrase: ROTATED });
  assert.ok(r.recoveryKey);
  assert.equal(await rotationNow(v.engine), 'interrupted', 'switched, not yet re-encrypted');
  const during: Promise<unknown>[] = [];
  const onProgress = (p: { task: string }) => void (p.task === 'rotate' && during.push(dispatch(v.engine, 'keyRotation', {})));
  v.engine.events.on('progress', onProgress);
  const f = await v.engine.finishKeyRotation();
  v.engine.events.off('progress', onProgress);
  assert.equal(f.reencrypted, 1);
  assert.ok(during.length > 0);
  for (const r of await Promise.all(during)) assert.deepEqual(r, { ok: true, value: 'running' }, 'asked while re-encrypting');
  assert.equal(await rotationNow(v.engine), 'none');
  const kf = parseKeyFile(await readFile(join(v.cloud, 'casevault.key')));
  await openKeyFile(kf, { passphrase: ROTATED });
  await assert.rejects(openKeyFile(kf, { passphrase: 'a first choice of new passphrase words' }), { name: 'WrongSecret' });

  const other = new Engine(join(v.root, 'home2'), v.env);
  await other.recover({ vaultDir: join(v.root, 'recovered'), cloud: { kind: 'folder', dir: v.cloud }, secret: { passphrase: ROTATED } });
  assert.deepEqual(await readTree(join(v.root, 'recovered')), await readTree(v.vault));
  const audit = (await v.engine.auditEntries()).map((e) => e.event);
  for (const e of ['vault key rotation started', 'vault keys rotated', 'cloud copy re-encrypted under the new vault keys']) assert.ok(audit.includes(e), e);
});

test('finishKeyRotation before the switch is refused with what to do; after the switch, a wrong passphrase cannot drop the rotation even unlocked', async () => {
  const v = await vault();
  await v.engine.unlock({ passphrase: PASSPHRASE });
  await cloudKeyFileBlocked(v.cloud, () => assert.rejects(v.engine.rotateKeys({ newPassphrase: ROTATED })));
  await assert.rejects(v.engine.finishKeyRotation(), { name: 'Refused', kind: 'refused', next: 'finish-key-rotation' });
  await v.engine.rotateKeys({ newPassphrase: ROTATED });
  await assert.rejects(v.engine.rotateKeys({ newPassphrase: 'yet another passphrase of five words' }), { name: 'WrongSecret' });
  const r = await v.engine.rotateKeys({ newPassphrase: ROTATED });
  assert.ok(r.recoveryKey, 'the key made before was never confirmed as shown: a new one');
  await v.engine.finishKeyRotation();
  await assert.rejects(v.engine.finishKeyRotation(), { name: 'UsageError' });
});

test("an object that cannot be read just now stops the rotation short of finishing (nothing lost); a damaged one of this computer's files is uploaded again from the vault", async () => {
  const v = await vault();
  await writeFile(join(v.vault, 'b.txt'), 'second file');
  await v.engine.sync();
  await v.engine.unlock({ passphrase: PASSPHRASE });
  await v.engine.rotateKeys({ newPassphrase: ROTATED });
  const keys = await openKeyFile(parseKeyFile(await readFile(join(v.home, 'casevault.key'))), { passphrase: ROTATED });
  const names = (await listObjects(new FolderRemote(v.cloud))).map((o) => o.name);
  assert.equal(names.length, 2);
  // A cloud folder that fails to read one object (a dropped network share).
  const flaky = new FolderRemote(v.cloud);
  const get = flaky.get.bind(flaky);
  flaky.get = (name: string) => {
    // It fails on the first read, as a dropped share does.
    if (name === names[0])
      // eslint-disable-next-line require-yield
      return (async function* () {
        throw Object.assign(new Error('read failed'), { code: 'EIO' });
      })();
    return get(name);
  };
  const r = await reencryptCloud({ home: v.home, remote: flaky, keys, emit: () => {} });
  assert.deepEqual([r.reencrypted, r.unreadableNow, r.failed.length], [1, 1, 0]);
  assert.ok(
    (await listObjects(new FolderRemote(v.cloud))).some((o) => o.name === names[0]),
    'the unread object is still there, under the old keys',
  );

  // Now damage that object for good: finishing moves it to the trash and drops its record, and the next sync uploads the file again.
  const path = join(v.cloud, ...names[0]!.split('/'));
  const bytes = await readFile(path);
  bytes[bytes.length - 5]! ^= 1;
  await writeFile(path, bytes);
  const f = await v.engine.finishKeyRotation();
  assert.deepEqual([f.reencrypted, f.failed.length, f.reuploaded], [0, 1, 1]);
  const s = await v.engine.sync();
  assert.equal(s.uploaded, 1);
  assert.equal((await v.engine.verifyCloud()).bad.length, 0);
  const other = new Engine(join(v.root, 'home2'), v.env);
  await other.recover({ vaultDir: join(v.root, 'recovered'), cloud: { kind: 'folder', dir: v.cloud }, secret: { passphrase: ROTATED } });
  assert.deepEqual(await readTree(join(v.root, 'recovered')), await readTree(v.vault));
});

test("killed between the cloud's new key file and this computer's settings: sync refuses to upload under the old keys and says to finish", async () => {
  const v = await vault();
  const oldConfig = await readFile(join(v.home, 'config.json'));
  await v.engine.unlock({ passphrase: PASSPHRASE });
  await v.engine.rotateKeys({ newPassphrase: ROTATED });
  const newConfig = await readFile(join(v.home, 'config.json'));
  await writeFile(join(v.home, 'config.json'), oldConfig); // the settings as they were before the switch reached them
  await writeFile(join(v.vault, 'c.txt'), 'written meanwhile');
  const objects = (await listObjects(new FolderRemote(v.cloud))).length;
  await assert.rejects(v.engine.sync(), { name: 'Refused', message: /key rotation on this computer did not finish/ });
  assert.equal((await listObjects(new FolderRemote(v.cloud))).length, objects, 'nothing uploaded');
  await writeFile(join(v.home, 'config.json'), newConfig);
  await v.engine.finishKeyRotation();
  assert.equal((await v.engine.sync()).uploaded, 1);
});
