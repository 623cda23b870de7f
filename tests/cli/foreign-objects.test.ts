// A hostile cloud copies objects of another vault (their own, genuine
// objects, under their own names) into this vault's cloud folder: verify
// must name each one as not this vault's and exit 3, never pass them by.
import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { run } from '../helpers/cli.js';
import { makeVault } from '../helpers/vault.js';

async function objectsIn(cloud: string): Promise<string[]> {
  return (await readdir(join(cloud, 'objects'), { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

test('verify --cloud names every object of another vault copied into the cloud folder, and exits 3', async () => {
  const mine = await makeVault({ files: { 'a.txt': 'mine' }, synced: true });
  const theirs = await makeVault({ files: { 'b.txt': 'theirs', 'c/d.txt': 'theirs too' }, synced: true });
  const planted = (await objectsIn(theirs.cloud)).map((f) => f.slice(theirs.cloud.length + 1));
  assert.equal(planted.length, 2);
  for (const name of planted) {
    await mkdir(dirname(join(mine.cloud, name)), { recursive: true });
    await copyFile(join(theirs.cloud, name), join(mine.cloud, name));
  }
  const r = await run(['verify', '--cloud'], mine.env);
  assert.equal(r.code, 3, r.stdout + r.stderr);
  for (const name of planted) assert.match(r.stdout, new RegExp(`Bad: ${name}: .*not this vault's`));
  assert.match(r.stdout, /1 good, 2 bad/);
});
