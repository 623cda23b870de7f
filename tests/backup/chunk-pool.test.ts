// The sealing workers skip what is already stored (engine/backup/chunk-pool.ts):
// a chunk whose ID the repository had at the start, one the main thread has
// announced as on its way into a pack, or one the same worker sealed before
// comes back with its ID and no sealed bytes; any other chunk is sealed, and
// its ID is the keyed hash of its bytes either way.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blobId, ready } from '../../crypto/backup/index.js';
import { randomBytes } from '../../crypto/index.js';
import { ChunkPool } from '../../engine/backup/chunk-pool.js';

test('a known chunk is hashed and not sealed again; an unknown one is sealed', async () => {
  const sodium = await ready();
  const idKey = randomBytes(32);
  const [inRepo, announced, other] = [randomBytes(5000), randomBytes(6000), randomBytes(7000)];
  const id = (b: Uint8Array) => blobId(sodium, idKey, [b]);
  const pool = new ChunkPool(idKey.slice(), 1, [id(inRepo)]);
  try {
    const key = () => randomBytes(32);
    const a = await pool.seal(inRepo.slice(), key());
    assert.deepEqual(a.id, id(inRepo));
    assert.equal(a.stored, undefined, 'the repository has it');

    const b = await pool.seal(announced.slice(), key());
    assert.ok(b.stored && b.stored.length > announced.length, 'sealed: not known yet');
    const again = await pool.seal(announced.slice(), key());
    assert.equal(again.stored, undefined, 'this worker sealed it already');

    const c1 = await pool.seal(other.slice(), key());
    assert.ok(c1.stored);
    const fresh = new ChunkPool(idKey.slice(), 1);
    try {
      const c2 = await fresh.seal(other.slice(), key());
      assert.ok(c2.stored, 'a worker that was told nothing seals it');
      fresh.known([id(announced)]);
      const d = await fresh.seal(announced.slice(), key());
      assert.deepEqual(d.id, id(announced));
      assert.equal(d.stored, undefined, 'announced: on its way into a pack');
    } finally {
      await fresh.close();
    }
  } finally {
    await pool.close();
  }
});
