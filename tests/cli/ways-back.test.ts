// The command line's twins of the app's ways back: `vault-folder` (the vault
// folder put back from the cloud copy, or the folder it was moved to used)
// and `cloud-key-file --put-back` (the cloud copy lost, rebuilt from here).
import assert from 'node:assert/strict';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeVault } from '../helpers/vault.js';

test('vault-folder: --use takes the folder the vault was moved to; --from-cloud puts a deleted one back; wrong use is a usage error', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a', 'b.txt': 'b' }, synced: true });
  assert.equal((await v.cli(['vault-folder'])).code, 2);
  const moved = join(v.root, 'Moved');
  await rename(v.vault, moved);
  const used = await v.cli(['vault-folder', '--use', moved]);
  assert.deepEqual([used.code, used.stdout], [0, `The vault folder is now ${moved}.\n`]);
  await rm(moved, { recursive: true });
  const back = await v.cli(['vault-folder', '--from-cloud', '--to', v.vault]);
  assert.deepEqual([back.code, back.stdout], [0, `Put the vault folder back from the cloud copy: 2 files into ${v.vault}.\n`]);
  assert.equal(await readFile(join(v.vault, 'b.txt'), 'utf8'), 'b');
  assert.equal((await v.cli(['sync'])).code, 0);
});

test("cloud-key-file --put-back: the cloud folder emptied gets this computer's key file, and sync sends every file again", async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true });
  for (const name of await readdir(v.cloud)) await rm(join(v.cloud, name), { recursive: true });
  assert.equal((await v.cli(['sync'])).code, 1);
  const r = await v.cli(['cloud-key-file', '--put-back']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^This computer's key file is back in the cloud copy \(folder .+\); run `casevault sync` to send every file there again\.\n$/);
  const again = await v.cli(['cloud-key-file', '--put-back']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /^The cloud copy \(folder .+\) holds this computer's key file already; nothing was changed\.\n$/, 'said only when done');
  const sync = await v.cli(['sync']);
  assert.equal(sync.code, 3, 'the cloud copy lost is said as the rollback it is');
  assert.match(sync.stderr, /this computer's files were uploaded again/);
  assert.match(sync.stdout, /1 uploaded/);
  assert.equal((await v.cli(['sync'])).code, 0, 'then all is well');
});
