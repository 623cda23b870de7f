// `casevault forget --prune` killed before each one of its writes in turn
// (tests/helpers/stops.ts), over four snapshots of which the policy keeps the
// newest two, then run again as a person would: it finishes, `verify
// --backup` passes (no snapshot taken for lost that was forgotten on
// purpose), the two kept are listed and restore byte-identical; at every
// stop, before that, the two kept are listed and none listed is unreadable.
// Synchronous writes (a folder's small objects) are stops too. tests/backup/
// cli.test.ts kills prune at random instants; this reaches every write.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { readTree } from '../helpers/fs.js';
import { killStates } from '../helpers/stops.js';
import { makeVault, SMALL_BACKUPS } from '../helpers/vault.js';
import { ok } from '../handover/helpers.js';
import { snapshotsWhole } from './helpers.js';

const KEEP = { last: 2, daily: 0, weekly: 0, monthly: 0, yearly: 0 };
const KEEP_FLAGS = ['--keep-last', '2', '--keep-daily', '0', '--keep-weekly', '0', '--keep-monthly', '0', '--keep-yearly', '0'];

test('forget --prune killed before any one of its writes is finished by the next one; no snapshot the policy keeps is lost', async (t) => {
  const v = await makeVault({ files: { 'a.txt': 'a', 'case-1/scan.pdf': randomBytes(120_000) }, backup: true, backupParams: SMALL_BACKUPS });
  const trees = new Map<string, Map<string, Buffer>>();
  for (let i = 0; i < 4; i++) {
    // Each snapshot has data of its own (so prune deletes and repacks) and shares the rest.
    await writeFile(join(v.vault, 'a.txt'), `a, version ${i}`);
    await writeFile(join(v.vault, 'case-1/letter.bin'), randomBytes(70_000));
    trees.set(ok(await v.cli(['backup']), `backup ${i}`).stdout.trim(), await readTree(v.vault));
  }
  const kept = [...trees.keys()].slice(2);
  const engine = new Engine(v.home, v.env);
  const states = await killStates([v.home, v.backup], join(v.root, 'states'), () => engine.forget({ prune: true, policy: KEEP }), { sync: true });

  for (let at = 0; at < states.count; at++) {
    await states.restore(at);
    // A dead process's locks are taken over; these name this process, which is alive.
    const listed = await snapshotsWhole(v, trees, [], `kill before ${at}, before forgetting again`, false);
    assert.ok(
      kept.every((id) => listed.includes(id)),
      `kill before ${at}: the snapshots the policy keeps are listed`,
    );
    ok(await v.cli(['forget', ...KEEP_FLAGS, '--prune']), `forget --prune, after a kill before write ${at}`);
    ok(await v.cli(['verify', '--backup']), `verify --backup, after a kill before write ${at}`);
    assert.deepEqual(await snapshotsWhole(v, trees, [], `kill before ${at}`), kept, `kill before ${at}: the two newest are kept, the others forgotten`);
  }
  assert.ok(states.count >= 5, `killed before each of ${states.count} writes`);
  t.diagnostic(`killed before each of ${states.count} writes`);
});
