// A snapshot manifest lists every blob once, sorted byte by byte, and each
// file's chunks as references into that list: for any files and chunk IDs
// (shared between files, repeated within one, any byte values), what is
// sealed opens to the same files, chunks in order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { deriveRepoKeys, openManifest, randomBytes, ready, sealManifest } from '../../crypto/backup/index.js';

test('a manifest opens to the files and chunks it was sealed with, its blob list sorted and unique', async () => {
  const sodium = await ready();
  const pair = sodium.crypto_box_seed_keypair(randomBytes(32));
  const keys = await deriveRepoKeys(randomBytes(32), pair.publicKey);
  const id = fc.uint8Array({ minLength: 32, maxLength: 32 });
  const files = fc.array(
    fc.record({
      path: fc.string(),
      size: fc.nat(),
      mtimeMs: fc.double({ noNaN: true, noDefaultInfinity: true, min: 0 }),
      pick: fc.array(fc.nat(), { maxLength: 6 }),
    }),
    { maxLength: 12 },
  );
  await fc.assert(
    fc.asyncProperty(fc.array(id, { minLength: 1, maxLength: 20 }), files, async (ids, fs) => {
      const sealed = fs.map((f) => ({ path: f.path, size: f.size, mtimeMs: f.mtimeMs, chunks: f.pick.map((i) => ids[i % ids.length]!) }));
      const snapshotId = randomBytes(16);
      const opened = openManifest(sodium, keys, pair.privateKey, snapshotId, sealManifest(sodium, keys, snapshotId, 1, sealed));
      assert.deepEqual(
        opened.files.map((f) => ({ ...f, chunks: f.chunks.map((c) => Buffer.from(c).toString('hex')) })),
        sealed.map((f) => ({ ...f, chunks: f.chunks.map((c) => Buffer.from(c).toString('hex')) })),
      );
      const hex = opened.summary.blobs.map((b) => Buffer.from(b).toString('hex'));
      assert.deepEqual(hex, [...new Set(sealed.flatMap((f) => f.chunks.map((c) => Buffer.from(c).toString('hex'))))].sort());
    }),
    { numRuns: 200 },
  );
});
