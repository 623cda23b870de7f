// A removal stopped at each of its deletions in turn is finished by the next
// `casevault remove --yes` with the same choices. The stop is an error from the file system's rm at
// that deletion, as a kill -9 there would leave things (tests/handover/
// kill.test.ts kills at random instants; this reaches every one). Before the
// settings went last but one, a stop after the handover record was deleted
// left a vault that `remove` refused to finish ("no verified handover copy").
import assert from 'node:assert/strict';
import fsp, { cp, readdir, rm } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { exists } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';
import { failsWith, handover, ok } from './helpers.js';

const STOPPED = 'stopped here, as by a kill';

/** Runs `work` with the rm of call number `at` (from 0) failing; whether it was stopped there. */
async function stoppedAtRm(at: number, work: () => Promise<unknown>): Promise<boolean> {
  const real = fsp.rm;
  let calls = 0;
  fsp.rm = async (...args: Parameters<typeof real>) => {
    if (calls++ === at) throw new Error(STOPPED);
    return real(...args);
  };
  syncBuiltinESMExports();
  try {
    await work();
    return false;
  } catch (e) {
    if ((e as Error).message !== STOPPED) throw e;
    return true;
  } finally {
    fsp.rm = real;
    syncBuiltinESMExports();
  }
}

test('a removal stopped before any one of its deletions is finished by the next `remove --yes`', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a', 'case-1/b.txt': 'b', 'case-1/deep/c.txt': 'c' }, synced: true, backedUp: true });
  ok(await handover(v, join(v.root, 'copy')), 'handover');
  const places = [v.home, v.vault, v.cloud, v.backup];
  const saved = join(v.root, 'saved');
  for (const [i, p] of places.entries()) await cp(p, join(saved, String(i)), { recursive: true });

  const restore = async () => {
    for (const [i, p] of places.entries()) {
      await rm(p, { recursive: true, force: true });
      await cp(join(saved, String(i)), p, { recursive: true });
    }
  };
  const stopAt = (at: number) => stoppedAtRm(at, () => new Engine(v.home, v.env).removeVault({ yes: true, cloud: 'delete', backups: 'delete' }));

  let stops = 0;
  let settingsGone: number | undefined;
  for (let at = 0; ; at++) {
    await restore();
    if (!(await stopAt(at))) break; // past the last deletion
    stops++;
    if (settingsGone === undefined && !(await exists(join(v.home, 'config.json'))) && (await exists(join(v.home, 'removing.json')))) settingsGone = at;
    // A stop at the lock's own release leaves it naming this process, which is alive; a killed one's would be taken over.
    await rm(join(v.home, 'lock'), { force: true });
    const emptied = (await readdir(v.home)).length === 0;
    const again = await v.cli(['remove', '--yes', '--cloud', 'delete', '--backups', 'delete']);
    if (emptied) {
      // Stopped at the release of the lock: everything was removed already.
      failsWith(again, 2, /no vault is set up/);
      await rm(v.home, { recursive: true });
    } else ok(again, `remove, after a stop at deletion ${at}`);
    assert.equal(await exists(v.vault), false, `stop at ${at}: the vault folder is removed`);
    assert.equal(await exists(v.home), false, `stop at ${at}: this computer's keys, settings and state are removed`);
    assert.equal(await exists(join(v.cloud, 'casevault.key')), false, `stop at ${at}: the cloud copy is deleted, as chosen`);
    assert.equal(await exists(join(v.backup, 'config')), false, `stop at ${at}: the backups are deleted, as chosen`);
  }
  assert.ok(stops >= 10, `stopped at each of ${stops} deletions`);

  // What a removal stopped after the settings leaves is never taken for the removal of a vault set up here later.
  assert.ok(settingsGone !== undefined, 'a stop left the marker without the settings');
  await restore();
  assert.ok(await stopAt(settingsGone));
  await rm(join(v.home, 'lock'), { force: true });
  const later = join(v.root, 'Later');
  await cp(join(saved, '1'), later, { recursive: true });
  await new Engine(v.home, v.env).init({
    vaultDir: later,
    cloud: { kind: 'folder', dir: join(v.root, 'cloud-later') },
    passphrase: v.env.CASEVAULT_PASSPHRASE!,
  });
  assert.equal(await exists(join(v.home, 'removing.json')), false, "the earlier removal's marker is gone");
  failsWith(await v.cli(['remove', '--yes', '--cloud', 'delete']), 1, /no verified handover copy/);
  assert.ok(await exists(join(later, 'a.txt')), "the new vault's files stay");
});
