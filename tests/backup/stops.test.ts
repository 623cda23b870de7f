// `casevault backup` killed before each one of its writes in turn (tests/
// helpers/stops.ts) over a backup folder that already holds a snapshot, then
// run again as a person would: it finishes, `verify --backup` passes, every
// snapshot listed restores byte-identical to the vault as it was when taken,
// none is unreadable, and a run this computer records as done names a
// snapshot that is there (never a "backed up" for one that is not). The
// vault folder is not put back between kills: backup never writes there.
// Synchronous writes (a folder's small objects: the snapshot) are stops too.
// tests/backup/cli.test.ts kills at random instants; this reaches every write.
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

test('backup killed before any one of its writes is finished by the next `backup`; every snapshot listed restores', async (t) => {
  const v = await makeVault({
    files: { 'a.txt': 'a', 'case-1/deep/b.txt': 'b', 'case-1/scan.pdf': randomBytes(150_000) },
    backup: true,
    backupParams: SMALL_BACKUPS,
  });
  const first = ok(await v.cli(['backup']), 'first backup').stdout.trim();
  const before = await readTree(v.vault);
  await writeFile(join(v.vault, 'a.txt'), 'a, changed');
  await writeFile(join(v.vault, 'case-2.txt'), randomBytes(90_000));
  const after = await readTree(v.vault);
  const engine = new Engine(v.home, v.env);
  const states = await killStates([v.home, v.backup], join(v.root, 'states'), () => engine.backup(), { sync: true });

  for (let at = 0; at < states.count; at++) {
    await states.restore(at);
    // A dead process's locks are taken over; these name this process, which is alive.
    await snapshotsWhole(v, new Map([[first, before]]), [after], `kill before ${at}, before backing up again`, false);
    ok(await v.cli(['backup']), `backup, after a kill before write ${at}`);
    ok(await v.cli(['verify', '--backup']), `verify --backup, after a kill before write ${at}`);
    const listed = await snapshotsWhole(v, new Map([[first, before]]), [after], `kill before ${at}`);
    assert.ok(listed.includes(first) && listed.length >= 2, `kill before ${at}: the first snapshot and the new one are listed`);
  }
  assert.ok(states.count >= 5, `killed before each of ${states.count} writes`);
  t.diagnostic(`killed before each of ${states.count} writes`);
});
