// `casevault handover --to DIR` killed before each one of its writes in turn
// (tests/helpers/stops.ts), then run again as a person would: it finishes
// with a verified copy that the successor recovers, byte for byte, and leaves
// nothing of the copy's making in CASEVAULT_HOME. tests/handover/kill.test.ts
// kills at random instants; this reaches every write.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { exists, readTree } from '../helpers/fs.js';
import { killStates } from '../helpers/stops.js';
import { makeVault } from '../helpers/vault.js';
import { failsWith, handover, NEW_PASSPHRASE, ok, successorRecover } from './helpers.js';

test('handover killed before any one of its writes is finished by the next `handover --to DIR`', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a', 'case-1/deep/b.txt': 'b' }, synced: true });
  const want = await readTree(v.vault);
  const to = join(v.root, 'copy');
  const engine = new Engine(v.home, v.env);
  await engine.unlock({ passphrase: PASSPHRASE });
  const states = await killStates([v.home, to], join(v.root, 'states'), () => engine.handover({ to, passphrase: NEW_PASSPHRASE }));
  await engine.lock();

  let doneBefore = 0;
  for (let at = 0; at < states.count; at++) {
    await states.restore(at);
    const unfinished = await exists(join(v.home, 'handover.json'));
    const verifiedBefore = await exists(join(v.home, 'handover-verified.json'));
    const again = await handover(v, to);
    if (verifiedBefore && !unfinished) {
      // Killed after the run ended (its audit line, the lock's release): the copy is there, verified.
      doneBefore++;
      failsWith(again, 1, /already holds the verified handover copy/);
    } else {
      ok(again, `handover, after a kill before write ${at}`);
      assert.match(again.stdout, /recovery key/i, `kill before ${at}: the copy's recovery key is shown`);
    }
    for (const left of ['handover.json', 'handover-work']) assert.equal(await exists(join(v.home, left)), false, `kill before ${at}: ${left} is gone`);
    assert.ok(await exists(join(v.home, 'handover-verified.json')), `kill before ${at}: the copy is on record as verified`);
    assert.deepEqual(await readTree(v.vault), want, `kill before ${at}: the vault folder is untouched`);
    // The successor's side (a recover, seconds each): at the first kill and where a verified copy was made again.
    if (at === 0 || (verifiedBefore && unfinished)) {
      const into = join(v.root, `successor-${at}`);
      ok(await successorRecover(v.root, to, into), `successor's recover, kill before ${at}`);
      assert.deepEqual(await readTree(into), want, `kill before ${at}: the successor has every file`);
    }
  }
  assert.ok(states.count >= 20, `killed before each of ${states.count} writes`);
  assert.ok(doneBefore < states.count / 4, 'most kills came before the handover finished');
});
