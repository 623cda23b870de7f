// File objects: property tests (round trip for arbitrary content and names)
// and every tampering the test catalogue lists (research/security.md, 1-8, 12, 14).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  assertSafeVaultPath,
  concat,
  createKeyFile,
  DamagedData,
  FileChanged,
  KDF_PROFILES,
  objectId,
  objectLength,
  ObjectSealer,
  openObject,
  openObjectToBytes,
  padmeLength,
  randomBytes,
  type ReadKeys,
} from '../../crypto/index.js';
import { CHUNK, HEADER_LEN } from '../../crypto/object.js';

const MSG = CHUNK + 17;
let keys: ReadKeys;
let other: ReadKeys;
let sealer: ObjectSealer;

async function setup() {
  keys ??= (await createKeyFile('a long enough test passphrase', KDF_PROFILES.interactive)).keys;
  other ??= (await createKeyFile('another vault entirely here', KDF_PROFILES.interactive)).keys;
  sealer ??= await ObjectSealer.create(keys);
}

async function seal(path: string, data: Uint8Array, s = sealer, k = keys) {
  const id = await objectId(k.nameKey, path);
  return { id, bytes: s.sealBytes(id, { path, size: data.length, mtimeMs: 1_700_000_000_000 }, data) };
}

/** Opens and drains; returns the plaintext, throws what the reader throws. */
async function open(id: Uint8Array, bytes: Uint8Array, k: ReadKeys = keys): Promise<Uint8Array> {
  return (await openObjectToBytes(k, id, bytes)).content;
}

/** Splits an object into header and secretstream messages. */
function messages(bytes: Uint8Array): { header: Uint8Array; msgs: Uint8Array[] } {
  const msgs: Uint8Array[] = [];
  for (let o = HEADER_LEN; o < bytes.length; o += MSG) msgs.push(bytes.subarray(o, Math.min(o + MSG, bytes.length)));
  return { header: bytes.subarray(0, HEADER_LEN), msgs };
}

const safePath = fc
  .array(fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' }), { minLength: 1, maxLength: 6 })
  .map((segs) => segs.join('/'))
  .filter((p) => {
    try {
      assertSafeVaultPath(p, 'linux');
      return true;
    } catch {
      return false;
    }
  });

test('round trip: arbitrary content and names come back exactly, at the predicted padded length', async () => {
  await setup();
  await fc.assert(
    fc.asyncProperty(safePath, fc.uint8Array({ minLength: 0, maxLength: 3 * CHUNK + 100 }), async (path, data) => {
      const { id, bytes } = await seal(path, data);
      assert.equal(bytes.length, objectLength({ path, size: data.length, mtimeMs: 1_700_000_000_000 }));
      const { meta, content } = await openObjectToBytes(keys, id, bytes);
      assert.equal(meta.path, path);
      assert.deepEqual(content, data);
    }),
    { numRuns: 60 },
  );
});

test('the streamed and in-memory encryptions produce objects that open the same', async () => {
  await setup();
  const data = randomBytes(2 * CHUNK + 333);
  const id = await objectId(keys.nameKey, 'stream.bin');
  const pieces: Uint8Array[] = [];
  for await (const p of sealer.encrypt(id, { path: 'stream.bin', size: data.length, mtimeMs: 1 }, [data.subarray(0, 1000), data.subarray(1000)]))
    pieces.push(p);
  assert.deepEqual(await open(id, concat(...pieces)), data);
});

test('an object read in pieces of any sizes (a byte, odd sizes, across chunk boundaries) opens to the same bytes', async () => {
  await setup();
  const data = randomBytes(3 * CHUNK + 4321);
  const { id, bytes } = await seal('pieces.bin', data);
  await fc.assert(
    fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 3 * MSG }), { minLength: 1, maxLength: 40 }), async (sizes) => {
      const pieces: Uint8Array[] = [];
      for (let at = 0, i = 0; at < bytes.length; i++) {
        const n = sizes[i % sizes.length]!;
        pieces.push(bytes.slice(at, at + n));
        at += n;
      }
      const { content } = await openObject(keys, id, pieces);
      const out: Uint8Array[] = [];
      for await (const p of content) out.push(p.slice());
      assert.deepEqual(concat(...out), data);
    }),
    { numRuns: 40 },
  );
});

test('sizes leak only Padmé buckets: objects of nearby sizes are the same length', async () => {
  await setup();
  const lengths = new Set<number>();
  for (let n = 0; n <= 600; n += 37) lengths.add((await seal('same-bucket.txt', new Uint8Array(n))).bytes.length);
  assert.equal(lengths.size, 1);
  assert.equal(padmeLength(100_000_000) % 2 ** 20, 0);
});

test('truncation at every message boundary and at random bytes is refused', async () => {
  await setup();
  const { id, bytes } = await seal('t.bin', randomBytes(3 * CHUNK + 10));
  const cuts = [0, 1, HEADER_LEN - 1, HEADER_LEN, ...Array.from({ length: 4 }, (_, k) => HEADER_LEN + k * MSG), bytes.length - 1];
  for (const cut of cuts) await assert.rejects(open(id, bytes.subarray(0, cut)), DamagedData, `cut at ${cut}`);
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: bytes.length - 1 }), async (cut) => {
      await assert.rejects(open(id, bytes.subarray(0, cut)), DamagedData);
    }),
    { numRuns: 100 },
  );
});

test('a bit flip anywhere (header, stream header, any chunk, any tag) is refused', async () => {
  await setup();
  const { id, bytes } = await seal('f.bin', randomBytes(2 * CHUNK + 5));
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 0, max: 7 }), async (at, bit) => {
      const c = bytes.slice();
      c[at]! ^= 1 << bit;
      await assert.rejects(open(id, c), (e: Error) => e.name === 'DamagedData' || e.name === 'UnsupportedFormat');
    }),
    { numRuns: 300 },
  );
});

test('appending bytes or a copy of a message after the final one is refused; nothing after the final tag is accepted', async () => {
  await setup();
  const { id, bytes } = await seal('a.bin', randomBytes(CHUNK + 10));
  const { msgs } = messages(bytes);
  await assert.rejects(open(id, concat(bytes, new Uint8Array([0]))), DamagedData);
  await assert.rejects(open(id, concat(bytes, msgs[msgs.length - 1]!)), DamagedData);
  await assert.rejects(open(id, concat(bytes, msgs[0]!)), DamagedData);
});

test('reordered, duplicated, dropped and spliced messages are refused', async () => {
  await setup();
  const a = await seal('a.bin', randomBytes(3 * CHUNK + 10));
  const b = await seal('b.bin', randomBytes(3 * CHUNK + 10));
  const { header, msgs } = messages(a.bytes);
  const mb = messages(b.bytes).msgs;
  const variants = {
    reordered: [msgs[1]!, msgs[0]!, msgs[2]!, msgs[3]!],
    duplicated: [msgs[0]!, msgs[0]!, msgs[1]!, msgs[2]!, msgs[3]!],
    droppedMiddle: [msgs[0]!, msgs[2]!, msgs[3]!],
    droppedFinal: [msgs[0]!, msgs[1]!, msgs[2]!],
    splicedFromB: [msgs[0]!, mb[1]!, msgs[2]!, msgs[3]!],
  };
  for (const [name, list] of Object.entries(variants)) await assert.rejects(open(a.id, concat(header, ...list)), DamagedData, name);
});

test("swaps and plants: A under B's name, A under a random name, another vault's object, a forgery with only the public key", async () => {
  await setup();
  const a = await seal('a.txt', new TextEncoder().encode('member A'));
  const b = await seal('b.txt', new TextEncoder().encode('member B'));
  await assert.rejects(open(b.id, a.bytes), DamagedData, 'A stored as B');
  await assert.rejects(open(randomBytes(32), a.bytes), DamagedData, 'A copied under a fresh name');
  const foreignSealer = await ObjectSealer.create(other);
  const foreign = await seal('a.txt', new TextEncoder().encode('planted'), foreignSealer, other);
  await assert.rejects(open(a.id, foreign.bytes), DamagedData, "another vault's object");
  // Someone with the public key (the cloud has it) but not the auth key: a valid-looking object fails its auth tag.
  const forger = await ObjectSealer.create({ ...keys, authKey: randomBytes(32) });
  const forged = await seal('a.txt', new TextEncoder().encode('forged'), forger);
  await assert.rejects(open(a.id, forged.bytes), DamagedData, 'forged with the public key only');
});

test('a path that would escape its folder is refused on decryption, even from a writer with the keys', async () => {
  await setup();
  for (const evil of ['../etc/passwd', '/etc/passwd', 'a/../../x', 'nul\0byte']) {
    const { id, bytes } = await seal(evil, new TextEncoder().encode('evil'));
    await assert.rejects(openObject(keys, id, [bytes]), { name: 'UnsafePath' }, JSON.stringify(evil));
  }
});

test('content that is not exactly the announced size is FileChanged, before anything is written', async () => {
  await setup();
  const id = await objectId(keys.nameKey, 'x');
  const drain = async (parts: Uint8Array[], size: number) => {
    for await (const _ of sealer.encrypt(id, { path: 'x', size, mtimeMs: 1 }, parts)) void _;
  };
  await assert.rejects(drain([new Uint8Array(10)], 11), FileChanged);
  await assert.rejects(drain([new Uint8Array(10), new Uint8Array(2)], 11), FileChanged);
  assert.throws(() => sealer.sealBytes(id, { path: 'x', size: 3, mtimeMs: 1 }, new Uint8Array(4)), FileChanged);
});

test('the source is closed whenever the reader stops early: a refused header, damage in a chunk, or a consumer that stops', async () => {
  await setup();
  // A source that reports whether it was closed, as the folder remote's get() closes its file only then.
  const tracked = (bytes: Uint8Array) => {
    const t = { closed: false, source: undefined as unknown as AsyncGenerator<Uint8Array> };
    t.source = (async function* () {
      try {
        for (let o = 0; o < bytes.length; o += 1000) yield bytes.subarray(o, o + 1000);
      } finally {
        t.closed = true;
      }
    })();
    return t;
  };
  const a = await seal('a.txt', randomBytes(3 * CHUNK));
  const b = await seal('b.txt', randomBytes(10));
  const flipped = Uint8Array.from(a.bytes);
  flipped[flipped.length - 100]! ^= 1;

  const foreign = tracked(b.bytes); // another file's object under this name: its tag is refused before any content
  await assert.rejects(openObject(keys, a.id, foreign.source), DamagedData);
  assert.ok(foreign.closed, 'closed after a refused header');

  const damagedSource = tracked(flipped);
  const { content } = await openObject(keys, a.id, damagedSource.source);
  await assert.rejects(async () => {
    for await (const _ of content) void _;
  }, DamagedData);
  assert.ok(damagedSource.closed, 'closed after a chunk failed');

  const stopped = tracked(a.bytes);
  for await (const _ of (await openObject(keys, a.id, stopped.source)).content) break;
  assert.ok(stopped.closed, 'closed when the consumer stopped');

  // A resumed recovery finds the file already in place and stops the content before reading any of it.
  const unread = tracked(a.bytes);
  await (await openObject(keys, a.id, unread.source)).content.return(undefined);
  assert.ok(unread.closed, 'closed when the consumer stopped before reading any content');
});
