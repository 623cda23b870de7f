// A snapshot manifest lists every blob once, sorted byte by byte, and each
// file's chunks as references into that list: for any files and chunk IDs
// (shared between files, repeated within one, any byte values), what is
// sealed opens to the same files, chunks in order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { z } from 'zod';
import { deriveRepoKeys, openManifest, randomBytes, ready, sealManifest } from '../../crypto/backup/index.js';
import { checkTree } from '../../crypto/backup/manifest.js';
import { DamagedData } from '../../crypto/errors.js';

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

test('a tree is taken only in its exact shape: each file p, s, m and c and nothing else (as the schema in docs/backup-format.md)', () => {
  const good = fc.record({ p: fc.string(), s: fc.nat(), m: fc.double({ noNaN: true, noDefaultInfinity: true }), c: fc.array(fc.nat()) });
  const entry = fc.oneof(
    good,
    // a good one with a field dropped, changed, or one more
    fc.tuple(good, fc.constantFrom('p', 's', 'm', 'c', 'x', '__proto__'), fc.option(fc.jsonValue())).map(([g, k, v]) => {
      const e: Record<string, unknown> = { ...g };
      if (v === null) delete e[k];
      else Object.defineProperty(e, k, { value: v, enumerable: true });
      return e;
    }),
  );
  const tree = fc.oneof(fc.record({ v: fc.constantFrom(1, 2, '1'), files: fc.array(entry, { maxLength: 4 }) }), fc.jsonValue());
  // The same rule written as a schema: what the check takes, it takes whole; what it refuses is damaged.
  const schema = z
    .object({
      v: z.literal(1),
      files: z.array(
        z
          .object({ p: z.string(), s: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), m: z.number().finite(), c: z.array(z.number().int().min(0)) })
          .strict(),
      ),
    })
    .strict();
  fc.assert(
    fc.property(tree, (t) => {
      const parsed = JSON.parse(JSON.stringify(t)) as unknown; // as the tree arrives: "__proto__" an own key
      const want = schema.safeParse(parsed);
      let got: unknown;
      try {
        got = checkTree(parsed);
      } catch (e) {
        assert.ok(e instanceof DamagedData, String(e));
        assert.equal(want.success, false, JSON.stringify(parsed));
        return;
      }
      assert.ok(want.success, JSON.stringify(parsed));
      assert.deepEqual(got, want.data.files);
    }),
    { numRuns: 3000 },
  );
  for (const bad of [
    null,
    [],
    { v: 1 },
    { v: 1, files: [{ p: 'a', s: -1, m: 0, c: [] }] },
    { v: 1, files: [{ p: 'a', s: 1, m: 0, c: [1.5] }] },
    { v: 1, files: [], x: 0 },
  ])
    assert.throws(() => checkTree(bad), DamagedData);
});
