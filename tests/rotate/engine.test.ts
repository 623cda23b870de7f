// Key rotation through the engine API (what the app calls): a rotation that
// failed before switching this computer can be started again with another
// passphrase once unlocked; one that switched cannot be dropped that way.
import assert from 'node:assert/strict';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { openKeyFile, parseKeyFile } from '../../crypto/index.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { readTree, tempDir } from '../helpers/fs.js';
import { ROTATED } from './helpers.js';

const env = { CASEVAULT_KDF_PROFILE: 'interactive' };

async function vault(label: string) {
  const root = await tempDir(label);
  const v = { root, vault: join(root, 'vault'), cloud: join(root, 'cloud'), home: join(root, 'home') };
  await mkdir(v.vault);
  await writeFile(join(v.vault, 'a.txt'), 'case notes');
  const engine = new Engine(v.home, env);
  await engine.init({ vaultDir: v.vault, cloud: { kind: 'folder', dir: v.cloud }, passphrase: PASSPHRASE });
  await engine.sync();
  return { ...v, engine };
}

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

test('a rotation that failed before switching: status says interrupted; a wrong passphrase while locked is refused; unlocked, another passphrase starts again', async () => {
  const v = await vault('rot-engine');
  await v.engine.unlock({ passphrase: PASSPHRASE });
  await cloudKeyFileBlocked(v.cloud, () => assert.rejects(v.engine.rotateKeys({ newPassphrase: 'a first choice of new passphrase words' })));
  assert.equal((await v.engine.status()).keyRotation, 'interrupted');
  await v.engine.sync(); // nothing switched: syncing carries on under the current keys
  await v.engine.lock();
  await assert.rejects(v.engine.rotateKeys({ newPassphrase: ROTATED }), { name: 'WrongSecret', message: /type the new passphrase chosen then/ });
  await v.engine.unlock({ passphrase: PASSPHRASE });
  const r = await v.engine.rotateKeys({ newPassphrase: ROTATED });
  assert.ok(r.recoveryKey);
  assert.equal((await v.engine.status()).keyRotation, 'interrupted', 'switched, not yet re-encrypted');
  const f = await v.engine.finishKeyRotation();
  assert.equal(f.reencrypted, 1);
  assert.equal((await v.engine.status()).keyRotation, 'none');
  const kf = parseKeyFile(await readFile(join(v.cloud, 'casevault.key')));
  await openKeyFile(kf, { passphrase: ROTATED });
  await assert.rejects(openKeyFile(kf, { passphrase: 'a first choice of new passphrase words' }), { name: 'WrongSecret' });

  const other = new Engine(join(v.root, 'home2'), env);
  await other.recover({ vaultDir: join(v.root, 'recovered'), cloud: { kind: 'folder', dir: v.cloud }, secret: { passphrase: ROTATED } });
  assert.deepEqual(await readTree(join(v.root, 'recovered')), await readTree(v.vault));
  const audit = (await v.engine.auditEntries()).map((e) => e.event);
  for (const e of ['vault key rotation started', 'vault keys rotated', 'cloud copy re-encrypted under the new vault keys']) assert.ok(audit.includes(e), e);
});

test('finishKeyRotation before the switch is refused with what to do; after the switch, a wrong passphrase cannot drop the rotation even unlocked', async () => {
  const v = await vault('rot-engine2');
  await v.engine.unlock({ passphrase: PASSPHRASE });
  await cloudKeyFileBlocked(v.cloud, () => assert.rejects(v.engine.rotateKeys({ newPassphrase: ROTATED })));
  await assert.rejects(v.engine.finishKeyRotation(), { name: 'Refused', message: /rotate-keys. again with the new passphrase/ });
  await v.engine.rotateKeys({ newPassphrase: ROTATED });
  await assert.rejects(v.engine.rotateKeys({ newPassphrase: 'yet another passphrase of five words' }), { name: 'WrongSecret' });
  const r = await v.engine.rotateKeys({ newPassphrase: ROTATED });
  assert.ok(r.recoveryKey, 'the key made before was never confirmed as shown: a new one');
  await v.engine.finishKeyRotation();
  await assert.rejects(v.engine.finishKeyRotation(), { name: 'UsageError' });
});
