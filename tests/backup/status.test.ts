// What the Backups screen shows of the target: whether the drive is there,
// and the history of runs, newest first, failures with their plain reason.
import assert from 'node:assert/strict';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeVault } from '../helpers/vault.js';

test("backup status: the target's presence, and the runs newest first with a failure's reason", async () => {
  const { root, backup, engine } = await makeVault({ files: { 'a.txt': 'a' }, backup: true });
  await engine.backup();
  assert.equal((await engine.backupStatus()).reachable, true);
  await rename(backup, join(root, 'unplugged'));
  const gone = await engine.backupStatus();
  assert.equal(gone.reachable, false);
  await assert.rejects(engine.backup());
  const after = await engine.backupStatus();
  assert.deepEqual(
    after.runs.map((r) => r.ok),
    [false, true],
    'newest first',
  );
  assert.ok((after.runs[0]!.error ?? '').length > 0, 'a failed run says why');
  assert.doesNotMatch(after.runs[0]!.error ?? '', /a\.txt|\/tmp/);
});
