// Counts in the command's own lines read as words do when the count is one:
// "1 object", "1 snapshot and 1 pack", "1 problem", "1 file needs", a
// snapshot of "1 file" (they read "1 objects", "1 problems", "1 file need",
// "1 files"); a restore counts only what it wrote.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeVault } from '../helpers/vault.js';

test('snapshots, verify --cloud, verify --backup and a restore that meets damage count one thing as one', async () => {
  const v = await makeVault({ files: { 'scan.pdf': randomBytes(200_000) }, synced: true, backedUp: true });
  assert.match((await v.cli(['snapshots'])).stdout, /^[0-9a-f]{32} {2}.+ {2}\s+1 file {2}\s+\S+ MiB$/m);
  const cloud = await v.cli(['verify', '--cloud']);
  assert.match(cloud.stdout, /^Checked 1 object \(.* decrypted\): 1 good, 0 bad, 0 missing\.$/m);

  const [shard] = await readdir(join(v.backup, 'packs'));
  const [pack] = await readdir(join(v.backup, 'packs', shard!));
  const file = join(v.backup, 'packs', shard!, pack!);
  const bytes = await readFile(file);
  bytes[bytes.length >> 1]! ^= 1; // inside the one blob, which fills most of the pack
  await writeFile(file, bytes);

  const backup = await v.cli(['verify', '--backup']);
  assert.equal(backup.code, 3, backup.stdout + backup.stderr);
  assert.match(backup.stdout, /^Checked 1 snapshot and 1 pack: 0 chunks, 0\.0 MiB decrypted; 1 problem\.$/m);
  const restore = await v.cli(['restore', '--to', join(v.root, 'out')]);
  assert.equal(restore.code, 3, restore.stdout + restore.stderr);
  assert.match(restore.stderr, /^casevault: 1 file needs damaged or missing backup data/m);
});

test('a restore run again counts only what it wrote: files already there with the same content are said apart', async () => {
  const v = await makeVault({ files: { 'a/one.txt': 'one', 'a/two.txt': 'two', 'b.txt': 'b' }, synced: true, backedUp: true });
  const out = join(v.root, 'out');
  const first = await v.cli(['restore', '--to', out]);
  assert.match(first.stdout, /^Restored 3 files \(\S+ MiB\) from snapshot [0-9a-f]{8}\.$/m);
  const again = await v.cli(['restore', '--to', out]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /^Nothing needed restoring from snapshot [0-9a-f]{8}: all 3 files \(\S+ MiB\) were already there with the same content\.$/m);
  assert.doesNotMatch(again.stdout, /Restored/);
  await rm(join(out, 'a', 'two.txt'));
  const some = await v.cli(['restore', '--to', out]);
  assert.match(some.stdout, /^Restored 1 file from snapshot [0-9a-f]{8}; 2 more were already there with the same content and left as they were\.$/m);
  const one = await v.cli(['restore', '--to', out, '--path', 'b.txt']);
  assert.match(one.stdout, /^Nothing needed restoring from snapshot [0-9a-f]{8}: the file was already there with the same content\.$/m);
});
