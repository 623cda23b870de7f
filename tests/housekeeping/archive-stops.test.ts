// `casevault archive CASE --yes` killed before each one of its writes in
// turn (tests/helpers/stops.ts, synchronous writes included; every stop of
// the first 30, then every 3rd: the sync pass at its end writes the most),
// then run again as a person would: it finishes (or, if the killed run had
// recorded the archive already, says there is no such case), and then the
// case's files are gone from the vault folder with its folder, the other
// case is untouched, the audit trail records the archive, and one archive
// recorded for the case restores its files byte-identical. Before the fix,
// a kill while the files went and before the record left the archive
// unrecorded and the same request refused ("no case of that name"), or
// archived what was left a second time.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { exists, readTree } from '../helpers/fs.js';
import { killStates } from '../helpers/stops.js';
import { makeVault } from '../helpers/vault.js';
import { failsWith, ok } from '../handover/helpers.js';
import { OLD } from './helpers.js';

test('archive CASE --yes killed before any one of its writes is finished by the next one, with one archive recorded', async (t) => {
  const v = await makeVault({ files: { 'Old case/a.txt': ['a', OLD], 'Old case/sub/b.txt': ['b', OLD], 'Current/c.txt': 'c' }, synced: true, backedUp: true });
  const want = new Map([...(await readTree(v.vault))].filter(([p]) => p.startsWith('Old case/')));
  const engine = new Engine(v.home, v.env);
  await engine.unlock({ passphrase: PASSPHRASE });
  const states = await killStates(
    [v.home, v.vault, v.cloud, v.backup],
    join(v.root, 'states'),
    () => engine.archiveCases({ cases: ['Old case'], confirm: true }),
    {
      sync: true,
    },
  );
  await engine.lock();
  const archived = async (e: Engine) => (await e.auditEntries()).filter((a) => a.event === 'case archived' && a.detail?.startsWith('Old case:')).length;

  let tried = 0;
  for (let at = 0; at < states.count; at = at < 30 ? at + 1 : at + 3) {
    tried++;
    await states.restore(at);
    // A dead process's locks are taken over; these name this process, which is alive.
    const e = new Engine(v.home, v.env);
    await e.unlock({ passphrase: PASSPHRASE });
    try {
      const recorded = (await archived(e)) > 0 && !(await exists(join(v.home, 'archiving-cases.json')));
      const again = await v.cli(['archive', 'Old case', '--yes']);
      if (recorded) failsWith(again, 2, /no case of that name/);
      else ok(again, `archive, after a kill before write ${at}`);
      // Killed between the record and the end, the next run records it again, as finishing: an entry twice, never none (as archives delete).
      assert.ok((await archived(e)) >= 1, `kill before ${at}: the audit trail records the archive`);
      assert.deepEqual([...(await readTree(v.vault)).keys()], ['Current/c.txt'], `kill before ${at}: only the other case is left`);
      assert.equal(await exists(join(v.vault, 'Old case')), false, `kill before ${at}: the case's folder went too`);
      assert.equal(await exists(join(v.home, 'archiving-cases.json')), false, `kill before ${at}: nothing is left under way`);
      const mine = (await e.archives()).filter((a) => a.cases.some((c) => c.case === 'Old case'));
      assert.equal(mine.length, 1, `kill before ${at}: one archive is recorded for the case`);
      const to = join(v.root, 'restored', String(at));
      await e.restoreBackup({ snapshot: mine[0]!.id, to });
      const got = await readTree(to);
      assert.ok(got.size === want.size && [...want].every(([p, b]) => got.get(p)?.equals(b)), `kill before ${at}: the archive holds the case's files`);
    } finally {
      await e.lock();
    }
  }
  assert.ok(states.count >= 10, `killed before each of ${states.count} writes`);
  t.diagnostic(`${states.count} writes; killed before ${tried} of them`);
});
