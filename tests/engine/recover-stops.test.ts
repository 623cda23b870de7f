// `casevault recover` on a new computer killed before each one of its writes
// in turn (tests/helpers/stops.ts), then run again with the same choices, as
// a person would: it finishes, every file is there byte for byte, and the
// records say everything is in the cloud copy (nothing waits to sync).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { PASSPHRASE, run } from '../helpers/cli.js';
import { exists, readTree } from '../helpers/fs.js';
import { killStates } from '../helpers/stops.js';
import { makeVault } from '../helpers/vault.js';
import { ok } from '../handover/helpers.js';

test('recover killed before any one of its writes is finished by the next `recover` with the same choices', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a', 'case-1/deep/b.txt': 'b', 'case-2/c.txt': 'c' }, synced: true });
  const want = await readTree(v.vault);
  const home = join(v.root, 'new-home');
  const into = join(v.root, 'Recovered');
  const env = { CASEVAULT_HOME: home, CASEVAULT_PASSPHRASE: PASSPHRASE, CASEVAULT_KDF_PROFILE: 'interactive' };
  const states = await killStates([home, into, v.cloud], join(v.root, 'states'), () =>
    new Engine(home, env).recover({ vaultDir: into, cloud: { kind: 'folder', dir: v.cloud }, secret: { passphrase: PASSPHRASE } }),
  );

  let doneBefore = 0;
  for (let at = 0; at < states.count; at++) {
    await states.restore(at);
    const done = (await exists(join(home, 'config.json'))) && !(await exists(join(home, 'recovering.json')));
    const again = await run(['recover', '--cloud', v.cloud, '--vault', into], env);
    if (done) {
      doneBefore++;
      assert.equal(again.code, 1, again.stderr);
      assert.match(again.stderr, /already has a vault set up/);
    } else ok(again, `recover, after a kill before write ${at}`);
    assert.deepEqual(await readTree(into), want, `kill before ${at}: every file, byte for byte`);
    // Killed once it had finished, the records name the files as that run wrote them; these are copies put back (other inodes), so only a re-run's records are compared.
    if (!done) {
      const s = await new Engine(home, env).status();
      assert.deepEqual([s.files.synced, s.files.pending, s.pendingDeletions], [want.size, 0, 0], `kill before ${at}: nothing waits to go to the cloud`);
    }
  }
  assert.ok(states.count >= 8, `killed before each of ${states.count} writes`);
  assert.ok(doneBefore < states.count / 2, 'most kills came before the recovery finished');
});
