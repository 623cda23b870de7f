// `cloud-move --to DIR` and `cloud-move --delete-old --yes` killed before each
// one of their writes in turn (tests/helpers/stops.ts), then run again as a
// person would: each finishes, the vault folder is untouched, the cloud copy
// in use verifies, and until the old copy is deleted on purpose it is whole.
// The vault folder is not put back between kills (a copy's new inodes would
// read as changes): neither command writes there, and each check says so.
// tests/cli/cloud-move.test.ts kills at random instants; this reaches every write.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { exists, listFiles, readTree } from '../helpers/fs.js';
import { killStates } from '../helpers/stops.js';
import { makeVault, type TestVault } from '../helpers/vault.js';
import { failsWith, ok } from '../handover/helpers.js';

const FILES = { 'a.txt': 'a', 'case-1/deep/b.txt': 'b' };
const cloudOf = async (home: string) => (JSON.parse(await readFile(join(home, 'config.json'), 'utf8')) as { cloud: { dir: string } }).cloud.dir;

/** The vault, unlocked in this process, with the cloud copy in `cloud`: every object opens, the key file is the vault's, and nothing waits to sync. */
async function verified(v: TestVault, cloud: string, what: string): Promise<void> {
  assert.equal(await cloudOf(v.home), cloud, `${what}: this computer uses ${cloud}`);
  const e = new Engine(v.home, v.env);
  await e.unlock({ passphrase: PASSPHRASE });
  try {
    const r = await e.verifyCloud();
    assert.deepEqual([r.ok, r.bad, r.missing, r.keyFileMatches], [Object.keys(FILES).length, [], [], true], what);
    const s = await e.status();
    assert.deepEqual([s.files.synced, s.files.pending, s.pendingDeletions], [Object.keys(FILES).length, 0, 0], `${what}: nothing waits to go to the cloud`);
  } finally {
    await e.lock();
  }
}

test('cloud-move --to DIR killed before any one of its writes is finished by the next `cloud-move --to DIR`', async () => {
  const v = await makeVault({ files: FILES, synced: true });
  const want = await readTree(v.vault);
  const oldCloud = await readTree(v.cloud);
  const to = join(v.root, 'new-cloud');
  const engine = new Engine(v.home, v.env);
  await engine.unlock({ passphrase: PASSPHRASE });
  const states = await killStates([v.home, v.cloud, to], join(v.root, 'states'), () => engine.moveCloud({ to: { kind: 'folder', dir: to } }));
  await engine.lock();

  let doneBefore = 0;
  for (let at = 0; at < states.count; at++) {
    await states.restore(at);
    const switched = (await cloudOf(v.home)) === to && JSON.parse(await readFile(join(v.home, 'cloud-move.json'), 'utf8')).switchedAt !== undefined;
    const again = await v.cli(['cloud-move', '--to', to]);
    if (switched) {
      // Killed after the move finished (its audit line, the lock's release): the truth, and nothing to do.
      doneBefore++;
      failsWith(again, 2, /the cloud copy is already there/);
    } else {
      ok(again, `cloud-move, after a kill before write ${at}`);
      assert.match(again.stdout, new RegExp(`This computer now uses ${to}\\.`));
    }
    assert.deepEqual(await readTree(v.vault), want, `kill before ${at}: the vault folder is untouched`);
    assert.deepEqual(await readTree(v.cloud), oldCloud, `kill before ${at}: the old copy is whole`);
    await verified(v, to, `kill before ${at}`);
    assert.deepEqual(
      (await v.engine.cloudMoveStatus()).oldCopy?.cloud,
      `folder ${v.cloud}`,
      `kill before ${at}: the old copy is kept, to be deleted on purpose`,
    );
  }
  assert.ok(states.count >= 8, `killed before each of ${states.count} writes`);
  assert.ok(doneBefore < states.count / 2, 'most kills came before the move finished');
});

test('cloud-move --delete-old --yes killed before any one of its writes is finished by the next one', async () => {
  const v = await makeVault({ files: FILES, synced: true });
  const want = await readTree(v.vault);
  const to = join(v.root, 'new-cloud');
  ok(await v.cli(['cloud-move', '--to', to]), 'cloud-move');
  const newCloud = await readTree(to);
  const engine = new Engine(v.home, v.env);
  const states = await killStates([v.home, v.cloud, to], join(v.root, 'states'), () => engine.deleteOldCloud());

  let doneBefore = 0;
  for (let at = 0; at < states.count; at++) {
    await states.restore(at);
    const pending = await exists(join(v.home, 'cloud-move.json'));
    const again = await v.cli(['cloud-move', '--delete-old', '--yes']);
    if (!pending) {
      doneBefore++;
      failsWith(again, 2, /no old cloud copy to delete/);
    } else {
      ok(again, `cloud-move --delete-old, after a kill before write ${at}`);
      assert.match(again.stdout, new RegExp(`Deleted the old cloud copy in ${v.cloud}`));
    }
    assert.deepEqual(await listFiles(v.cloud).catch(() => []), [], `kill before ${at}: nothing of the vault is left in the old place`);
    assert.deepEqual(await readTree(to), newCloud, `kill before ${at}: the cloud copy in use is untouched`);
    assert.deepEqual(await readTree(v.vault), want, `kill before ${at}: the vault folder is untouched`);
    await verified(v, to, `kill before ${at}`);
  }
  assert.ok(states.count >= 5, `killed before each of ${states.count} writes`);
  assert.ok(doneBefore < states.count / 2, 'most kills came before the old copy was deleted');
});
