// Small files (one chunk each) are read on the backup's workers, not on the
// main thread: what a worker cannot read is reported as a file read here
// would be, and a file that changed between the scan and the worker's read
// (grown past one chunk, or emptied) is read again and backed up as it is
// now. Real folders, real crypto, the real command.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runBackup } from '../../engine/backup/backup.js';
import { Repository } from '../../engine/backup/repository.js';
import { FolderStorage } from '../../engine/backup/storage.js';
import { configWriteKeys, loadConfig } from '../../engine/config.js';
import { AS_CASEWORKER, run } from '../helpers/cli.js';
import { readTree } from '../helpers/fs.js';
import { makeVault, SMALL_BACKUPS } from '../helpers/vault.js';

test('a small file the backup may not read is listed with its reason (exit 1); every other file is in the snapshot', async () => {
  const big = randomBytes(200_000);
  const v = await makeVault({
    files: { 'a.txt': 'notes', 'b/letter.txt': 'Dear member', 'locked.txt': 'private', 'scan.pdf': big },
    backup: true,
    backupParams: SMALL_BACKUPS,
  });
  const cv = (args: string[]) => run(args, v.env, undefined, AS_CASEWORKER);
  await chmod(join(v.vault, 'locked.txt'), 0o000);
  try {
    const r = await cv(['backup']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^Not in this snapshot: locked\.txt: permission denied$/m);
  } finally {
    await chmod(join(v.vault, 'locked.txt'), 0o644);
  }
  const out = await v.cli(['restore', '--snapshot', 'latest', '--to', join(v.root, 'out')]);
  assert.equal(out.code, 0, out.stderr);
  const tree = await readTree(join(v.root, 'out'));
  assert.deepEqual([...tree.keys()].sort(), ['a.txt', 'b/letter.txt', 'scan.pdf']);
  assert.ok(Buffer.from(tree.get('scan.pdf')!).equals(big));
});

test('a small file that grows past one chunk or is emptied after the scan is read again and backed up as it is now', async () => {
  const v = await makeVault({
    files: { 'grows.txt': 'short', 'empties.txt': 'some notes', 'same.txt': 'unchanged' },
    backedUp: true,
    backupParams: SMALL_BACKUPS,
  });
  const grown = randomBytes(5 * SMALL_BACKUPS.chunker.max); // several chunks: only the main thread cuts
  const repo = await Repository.open(new FolderStorage(v.backup), configWriteKeys(await loadConfig(v.home)));
  const { report } = await runBackup({
    repo,
    vaultDir: v.vault,
    cache: new Map(), // everything is read
    // Called once per scanned file, after the scan and before any read: the moment to change them.
    include: (path) => {
      if (path === 'grows.txt') writeFileSync(join(v.vault, 'grows.txt'), grown);
      if (path === 'empties.txt') writeFileSync(join(v.vault, 'empties.txt'), '');
      return true;
    },
  });
  assert.deepEqual(report.failed, []);
  assert.equal(report.files, 3);
  assert.equal(report.filesRead, 3);
  assert.equal(report.bytesRead, grown.length + 'unchanged'.length);

  const out = await v.cli(['restore', '--snapshot', report.snapshot, '--to', join(v.root, 'out')]);
  assert.equal(out.code, 0, out.stderr);
  assert.ok((await readFile(join(v.root, 'out', 'grows.txt'))).equals(grown));
  assert.equal(await readFile(join(v.root, 'out', 'empties.txt'), 'utf8'), '');
  assert.equal(await readFile(join(v.root, 'out', 'same.txt'), 'utf8'), 'unchanged');
});
