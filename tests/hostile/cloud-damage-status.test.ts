// What status says once verify --cloud has found an object damaged or
// replaced. Sync does not read objects back (a pass over 100,000 files
// would read the whole cloud), so until verify looks, the damage is unknown;
// once verify has named it, status must not go on calling that file synced
// and the cloud copy complete: the file waits for the next sync, which
// uploads it again.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { StatusReport } from '../../contract/index.js';
import { makeVault } from '../helpers/vault.js';

test('a damaged object verify --cloud found: status counts its file as waiting, not synced, until sync uploads it again', async () => {
  const v = await makeVault({ files: { 'case/letter.txt': 'the letter', 'case/notes.txt': 'the notes' }, synced: true });
  const objects = (await readdir(join(v.cloud, 'objects'), { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  const object = join(objects[0]!.parentPath, objects[0]!.name);
  const bytes = await readFile(object);
  bytes[bytes.length >> 1]! ^= 1; // one bit flipped by the cloud: same name, same size
  await writeFile(object, bytes);

  const verify = await v.cli(['verify', '--cloud']);
  assert.equal(verify.code, 3, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /1 good, 1 bad/);

  const status = JSON.parse((await v.cli(['status', '--json'])).stdout) as StatusReport;
  assert.deepEqual(status.files, { total: 2, synced: 1, pending: 1, failed: 0 });
  assert.equal(status.pendingFiles.length, 1);
  const cloud = status.health.find((h) => h.area === 'cloud')!;
  assert.equal(cloud.ok, false, cloud.message);
  assert.match(cloud.message, /1 change waits to go to the cloud/);
  assert.doesNotMatch((await v.cli(['status'])).stdout, /all synced|every file is in the cloud copy/);

  const sync = await v.cli(['sync']);
  assert.equal(sync.code, 0, sync.stderr);
  assert.match(sync.stdout, /1 of them was unchanged but missing or damaged in the cloud, and uploaded again/);
  assert.match((await v.cli(['status'])).stdout, /ok Cloud: every file is in the cloud copy/);
  assert.equal((await v.cli(['verify', '--cloud'])).code, 0);
});
