// A removal killed before each one of its writes in turn (tests/helpers/
// stops.ts: each deletion, and the marker's writes) is finished by the next
// `casevault remove --yes` with the same choices (tests/handover/
// kill.test.ts kills at random instants; this reaches every one). Before the
// settings went last but one, a kill after the handover record was deleted
// left a vault that `remove` refused to finish ("no verified handover copy").
import assert from 'node:assert/strict';
import { cp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { exists } from '../helpers/fs.js';
import { killStates } from '../helpers/stops.js';
import { makeVault } from '../helpers/vault.js';
import { failsWith, handover, ok } from './helpers.js';

test('a removal killed before any one of its writes is finished by the next `remove --yes`', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a', 'case-1/b.txt': 'b', 'case-1/deep/c.txt': 'c' }, synced: true, backedUp: true });
  ok(await handover(v, join(v.root, 'copy')), 'handover');
  const engine = new Engine(v.home, v.env);
  await engine.unlock({ passphrase: PASSPHRASE }); // deleting the cloud copy reads which computers still use it (sealed records)
  const states = await killStates([v.home, v.vault, v.cloud, v.backup], join(v.root, 'states'), () =>
    engine.removeVault({ yes: true, cloud: 'delete', backups: 'delete' }),
  );
  // A dead process's lock is taken over; one a kill left here names this process, which is alive.
  const restore = async (at: number) => {
    await states.restore(at);
  };

  let settingsGone: number | undefined;
  for (let at = 0; at < states.count; at++) {
    await restore(at);
    if (settingsGone === undefined && !(await exists(join(v.home, 'config.json'))) && (await exists(join(v.home, 'removing.json')))) settingsGone = at;
    const emptied = (await readdir(v.home).catch(() => [])).length === 0;
    const again = await v.cli(['remove', '--yes', '--cloud', 'delete', '--backups', 'delete']);
    if (emptied) {
      // Killed at the release of the lock or after: everything was removed already.
      failsWith(again, 2, /no vault is set up/);
      await rm(v.home, { recursive: true, force: true });
    } else ok(again, `remove, after a kill before write ${at}`);
    assert.equal(await exists(v.vault), false, `kill before ${at}: the vault folder is removed`);
    assert.equal(await exists(v.home), false, `kill before ${at}: this computer's keys, settings and state are removed`);
    assert.equal(await exists(join(v.cloud, 'casevault.key')), false, `kill before ${at}: the cloud copy is deleted, as chosen`);
    assert.equal(await exists(join(v.backup, 'config')), false, `kill before ${at}: the backups are deleted, as chosen`);
  }
  assert.ok(states.count >= 10, `killed before each of ${states.count} writes`);

  // What a removal killed after the settings leaves is never taken for the removal of a vault set up here later.
  assert.ok(settingsGone !== undefined, 'a kill left the marker without the settings');
  await restore(settingsGone);
  const later = join(v.root, 'Later');
  await cp(states.path(0, v.vault), later, { recursive: true });
  await new Engine(v.home, v.env).init({
    vaultDir: later,
    cloud: { kind: 'folder', dir: join(v.root, 'cloud-later') },
    passphrase: v.env.CASEVAULT_PASSPHRASE!,
  });
  assert.equal(await exists(join(v.home, 'removing.json')), false, "the earlier removal's marker is gone");
  failsWith(await v.cli(['remove', '--yes', '--cloud', 'delete']), 1, /no verified handover copy/);
  assert.ok(await exists(join(later, 'a.txt')), "the new vault's files stay");
});
