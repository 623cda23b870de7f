// Issue 15, item 14: the cloud sees only padded sizes, and every file of up
// to 1 KiB must look alike there. The padding floor used to count the
// object's ~60 bytes of metadata, so a 1-byte file (a 1206-byte object) and
// a 1000-byte one (1270) were told apart; the whole plaintext, metadata
// included, is now padded to a floor that leaves room for both.
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeVault } from '../helpers/vault.js';

async function objectSizes(cloud: string): Promise<number[]> {
  const sizes: number[] = [];
  for (const d of await readdir(join(cloud, 'objects'))) {
    for (const f of await readdir(join(cloud, 'objects', d))) sizes.push((await stat(join(cloud, 'objects', d, f))).size);
  }
  return sizes;
}

test('files of 0 to 1024 bytes, under short or long paths, give objects of one size in the cloud', async () => {
  const long = `${'Members of the branch/'.repeat(40)}letter.txt`; // 890 bytes of path
  const v = await makeVault({
    files: {
      'a.txt': '',
      'b.txt': 'x',
      'c.txt': 'y'.repeat(1000),
      'd.txt': 'z'.repeat(1024),
      [long]: 'w'.repeat(1024),
    },
    synced: true,
  });
  const sizes = await objectSizes(v.cloud);
  assert.equal(sizes.length, 5);
  assert.deepEqual(new Set(sizes).size, 1, `one size for all: ${sizes.join(', ')}`);
});
