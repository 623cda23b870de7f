// Browsing a snapshot (snapshotTree) and restoring several ticked files and
// folders at once, through the API the app uses, on real folders.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { dispatch } from '../../engine/transport/dispatch.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { listFiles } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';

test("a snapshot's tree needs the vault unlocked; ticked folders and files restore once each, beside what is there (unless the same), never over it", async () => {
  const { root, vault, engine } = await makeVault({
    files: { 'Member 0042/grievance.txt': 'notes', 'Member 0042/Letters/invite.txt': 'invite', 'rota.csv': 'rota' },
    backup: true,
  });
  const { snapshot } = await engine.backup();

  const locked = await dispatch(engine, 'snapshotTree', {});
  assert.deepEqual(locked.ok ? undefined : locked.error.kind, 'locked');
  await engine.unlock({ passphrase: PASSPHRASE });
  const tree = await engine.snapshotTree(snapshot.slice(0, 8));
  assert.equal(tree.snapshot, snapshot);
  assert.deepEqual(
    tree.files.map((f) => [f.path, f.size]),
    [
      ['Member 0042/Letters/invite.txt', 6],
      ['Member 0042/grievance.txt', 5],
      ['rota.csv', 4],
    ],
  );

  await writeFile(join(vault, 'rota.csv'), 'changed since');
  const r = await dispatch(engine, 'restoreBackup', { to: vault, paths: ['Member 0042', 'Member 0042/Letters/invite.txt', 'rota.csv'] });
  assert.ok(r.ok);
  const report = r.value as { restored: number; identical: number; renamed: { path: string }[] };
  assert.equal(report.restored, 3, 'a file inside a ticked folder is restored once');
  assert.equal(report.identical, 2, 'the unchanged files are left as they are');
  assert.deepEqual(
    report.renamed.map((x) => x.path),
    ['rota.csv'],
    'the changed file: the restored one goes beside it',
  );
  assert.equal(await readFile(join(vault, 'rota.csv'), 'utf8'), 'changed since', 'never over an existing file');
  assert.equal(await readFile(join(vault, 'rota (restored 2).csv'), 'utf8'), 'rota');

  const elsewhere = join(root, 'Restored');
  await engine.restoreBackup({ to: elsewhere, paths: ['Member 0042/Letters'] });
  assert.deepEqual(
    (await listFiles(elsewhere)).map((p) => p.split(/[\\/]/).slice(-3).join('/')),
    ['Member 0042/Letters/invite.txt'],
  );

  for (const bad of [
    { to: vault, paths: [] },
    { to: vault, paths: ['../outside'] },
    { to: vault, paths: ['Not there'] },
  ]) {
    const refused = await dispatch(engine, 'restoreBackup', bad);
    assert.equal(refused.ok ? 'ok' : refused.error.kind, 'usage', JSON.stringify(bad));
  }
  const trail = (await engine.auditEntries()).filter((e) => e.event === 'restored from a backup');
  assert.match(trail[0]!.detail!, /^3 files from snapshot [0-9a-f]+ \(Member 0042, Member 0042\/Letters\/invite\.txt, rota\.csv\) into /);
  await engine.lock();
});
