// A key rotation killed before each one of its writes in turn (tests/helpers/
// stops.ts) is finished by the next `casevault rotate-keys`, with a cloud
// folder and a backup folder: the vault folder is untouched, the cloud copy
// verifies with the new passphrase only, and the backup from before restores.
// tests/rotate/kill.test.ts kills at random instants; this reaches every write.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseKeyFile } from '../../crypto/index.js';
import { Engine } from '../../engine/engine.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { exists, readTree } from '../helpers/fs.js';
import { killStates } from '../helpers/stops.js';
import { failsWith, ok } from '../handover/helpers.js';
import { makeVault } from '../helpers/vault.js';
import { ROTATED } from './helpers.js';

test('rotate-keys killed before any one of its writes is finished by the next `rotate-keys`', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a', 'case-1/deep/b.txt': 'b' }, synced: true, backedUp: true });
  const want = await readTree(v.vault);
  const engine = new Engine(v.home, v.env);
  await engine.unlock({ passphrase: PASSPHRASE });
  const states = await killStates([v.home, v.cloud, v.backup], join(v.root, 'states'), async () => {
    await engine.rotateKeys({ newPassphrase: ROTATED });
    await engine.finishKeyRotation();
  });
  await engine.lock();
  const oldKey = parseKeyFile(await readFile(join(states.path(0, v.cloud), 'casevault.key'))).publicKey;

  let finishedBefore = 0;
  for (let at = 0; at < states.count; at++) {
    await states.restore(at);
    // A dead process's locks are taken over; these name this one, which is alive.
    const done = !(await exists(join(v.home, 'rotating.json'))) && parseKeyFile(await readFile(join(v.cloud, 'casevault.key'))).previous?.cloud === 'done';
    const again = await v.cli(['rotate-keys'], { CASEVAULT_NEW_PASSPHRASE: ROTATED });
    if (done) {
      // Killed after the rotation finished (its last audit line, the lock's release): the old passphrase opens nothing.
      finishedBefore++;
      failsWith(again, 4, /the passphrase is wrong/);
    } else ok(again, `rotate-keys, after a kill before write ${at}`);
    const kf = parseKeyFile(await readFile(join(v.cloud, 'casevault.key')));
    assert.notEqual(kf.publicKey, oldKey, `kill before ${at}: the cloud key file has the new keys`);
    assert.equal(kf.previous?.cloud, 'done', `kill before ${at}: the cloud copy is re-encrypted`);
    assert.deepEqual(await readTree(v.vault), want, `kill before ${at}: the vault folder is untouched`);
    const e = new Engine(v.home, { ...v.env, CASEVAULT_PASSPHRASE: ROTATED });
    await e.unlock({ passphrase: ROTATED });
    try {
      assert.equal((await e.status()).keyRotation, 'none', `kill before ${at}: no rotation left pending`);
      const verify = await e.verifyCloud();
      assert.equal(verify.ok, want.size, `kill before ${at}: every cloud object opens with the new keys`);
      assert.deepEqual([verify.bad, verify.missing], [[], []]);
      const to = join(v.root, `restored-${at}`);
      const r = await e.restoreBackup({ snapshot: 'latest', path: 'case-1/deep/b.txt', to });
      assert.equal(r.restored, 1, `kill before ${at}: the backup from before restores`);
      assert.deepEqual(await readFile(join(to, 'case-1', 'deep', 'b.txt')), want.get('case-1/deep/b.txt'));
    } finally {
      await e.lock();
    }
  }
  assert.ok(states.count >= 30, `killed before each of ${states.count} writes`);
  assert.ok(finishedBefore < states.count / 4, 'most kills came before the rotation finished');
});
