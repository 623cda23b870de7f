// `casevault delete CASE --yes` killed before each one of its writes in turn
// (tests/helpers/stops.ts, synchronous writes included: the cloud's small
// objects), then run again as a person would: it finishes (or, if the
// killed run had recorded the deletion already, says there is no such case),
// and then the case's files are gone from the vault folder with its folder,
// the other case is untouched, the audit trail records the deletion, no
// name of the case is left in the sync state or the backup cache, and after
// a sync its cloud objects are in the trash. Before the fix, a kill after
// the case's last file went and before its record left the deletion
// unrecorded and the same request refused ("no case of that name").
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { exists, readTree } from '../helpers/fs.js';
import { killStates } from '../helpers/stops.js';
import { makeVault } from '../helpers/vault.js';
import { failsWith, ok } from '../handover/helpers.js';
import { OLD } from './helpers.js';

test('delete CASE --yes killed before any one of its writes is finished by the next one, and recorded', async (t) => {
  const v = await makeVault({ files: { 'Old case/a.txt': ['a', OLD], 'Old case/sub/b.txt': ['b', OLD], 'Current/c.txt': 'c' }, synced: true, backedUp: true });
  const engine = new Engine(v.home, v.env);
  const states = await killStates(
    [v.home, v.vault, v.cloud, v.backup],
    join(v.root, 'states'),
    () => engine.deleteCases({ cases: ['Old case'], confirm: true }),
    {
      sync: true,
    },
  );
  const deletions = async (e: Engine) => (await e.auditEntries()).filter((a) => a.event === 'case deleted' && a.detail?.startsWith('Old case:')).length;

  let recordedBefore = 0;
  for (let at = 0; at < states.count; at++) {
    await states.restore(at);
    // A dead process's locks are taken over; these name this process, which is alive.
    const unfinished = await exists(join(v.home, 'deleting-cases.json'));
    const e = new Engine(v.home, v.env);
    await e.unlock({ passphrase: PASSPHRASE });
    const recorded = (await deletions(e)) > 0;
    const again = await v.cli(['delete', 'Old case', '--yes']);
    if (recorded && !unfinished) {
      // Killed after the deletion was recorded (its sync, the audit's own writes): the truth, and nothing left to delete.
      recordedBefore++;
      failsWith(again, 2, /no case of that name/);
    } else ok(again, `delete, after a kill before write ${at}`);
    try {
      assert.ok((await deletions(e)) >= 1, `kill before ${at}: the audit trail records the deletion`);
      assert.deepEqual([...(await readTree(v.vault)).keys()], ['Current/c.txt'], `kill before ${at}: only the other case is left`);
      assert.equal(await exists(join(v.vault, 'Old case')), false, `kill before ${at}: the case's folder went too`);
      assert.equal(await exists(join(v.home, 'deleting-cases.json')), false, `kill before ${at}: nothing is left under way`);
      await e.sync();
      for (const f of ['sync-state.log', 'backup-cache.log'])
        assert.doesNotMatch(await readFile(join(v.home, f), 'utf8'), /Old case/, `kill before ${at}: ${f} keeps no name of the case`);
      const live = (await readdir(join(v.cloud, 'objects'), { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).length;
      assert.equal(live, 1, `kill before ${at}: the case's cloud objects went to the trash`);
    } finally {
      await e.lock();
    }
  }
  assert.ok(states.count >= 10, `killed before each of ${states.count} writes`);
  assert.ok(recordedBefore < states.count - 5, 'the kills before the record reach every removal (the sync pass after it writes the most)');
  t.diagnostic(`killed before each of ${states.count} writes; ${recordedBefore} after the deletion was recorded`);
});
