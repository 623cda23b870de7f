// `casevault archives delete ID --yes` killed before each one of its writes
// in turn (tests/helpers/stops.ts, synchronous writes included: the backup
// folder's small objects), then run again as a person would: it finishes
// (or, if the killed run had finished the job, says that is no archive's
// ID), and then the archive is listed nowhere, the audit trail records its
// deletion, `verify --backup` passes and the backup taken before it still
// restores byte-identical.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { readTree } from '../helpers/fs.js';
import { killStates } from '../helpers/stops.js';
import { makeVault } from '../helpers/vault.js';
import { failsWith, ok } from '../handover/helpers.js';
import { OLD } from './helpers.js';

test('archives delete ID --yes killed before any one of its writes is finished by the next one, and recorded', async (t) => {
  const v = await makeVault({ files: { 'Old case/a.txt': ['a', OLD], 'Old case/sub/b.txt': ['b', OLD], 'Current/c.txt': 'c' }, synced: true, backedUp: true });
  const [backup] = (await v.engine.snapshots()).map((s) => s.id);
  const want = await readTree(v.vault);
  await v.engine.unlock({ passphrase: PASSPHRASE });
  const [archived] = await v.engine.archiveCases({ cases: ['Old case'], confirm: true });
  await v.engine.lock();
  const id = archived!.archive;
  const engine = new Engine(v.home, v.env);
  const states = await killStates([v.home, v.backup], join(v.root, 'states'), () => engine.deleteArchives({ ids: [id], confirm: true }), { sync: true });

  let doneBefore = 0;
  for (let at = 0; at < states.count; at++) {
    await states.restore(at);
    // A dead process's locks are taken over; these name this process, which is alive.
    const listed = (await engine.archives()).some((a) => a.id === id);
    const again = await v.cli(['archives', 'delete', id, '--yes']);
    if (!listed) {
      doneBefore++;
      failsWith(again, 2, /archive/);
    } else ok(again, `archives delete, after a kill before write ${at}`);
    assert.deepEqual(await engine.archives(), [], `kill before ${at}: the archive is listed nowhere`);
    ok(await v.cli(['verify', '--backup']), `verify --backup, after a kill before write ${at}`);
    const e = new Engine(v.home, v.env);
    await e.unlock({ passphrase: PASSPHRASE });
    try {
      assert.ok(
        (await e.auditEntries()).some((a) => a.event === 'archive deleted' && a.detail?.includes(id)),
        `kill before ${at}: the audit trail records it`,
      );
      const to = join(v.root, 'restored', String(at));
      await e.restoreBackup({ snapshot: backup!, to });
      const got = await readTree(to);
      assert.ok(got.size === want.size && [...want].every(([p, b]) => got.get(p)?.equals(b)), `kill before ${at}: the backup from before restores`);
    } finally {
      await e.lock();
    }
  }
  assert.ok(states.count >= 5, `killed before each of ${states.count} writes`);
  t.diagnostic(`killed before each of ${states.count} writes; ${doneBefore} after the job was done`);
});
