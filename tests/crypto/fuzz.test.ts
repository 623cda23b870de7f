// Every decoder fed random and mutated input: only typed errors, no hang,
// no allocation driven by a length field (the reader reads fixed-size pieces).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { mutated, onlyTyped, RUNS } from '../helpers/fuzz.js';
import {
  addEscrowSlot,
  createEscrowKey,
  openEscrowKeyFile,
  parseEscrowKeyFile,
  parseEscrowPublicKey,
  normaliseFingerprint,
  createKeyFile,
  decodeRecoveryKey,
  encodeRecoveryKey,
  KDF_PROFILES,
  objectId,
  ObjectSealer,
  openKeyFile,
  openObject,
  parseKeyFile,
  rotateKeyFile,
  serializeKeyFile,
  utf8,
} from '../../crypto/index.js';

test(`objects: ${RUNS} random and mutated objects only ever fail with typed errors`, async () => {
  const { keys } = await createKeyFile('a long enough test passphrase', KDF_PROFILES.interactive);
  const sealer = await ObjectSealer.create(keys);
  const id = await objectId(keys.nameKey, 'fuzz.txt');
  const good = sealer.sealBytes(id, { path: 'fuzz.txt', size: 70_000, mtimeMs: 1 }, new Uint8Array(70_000).fill(3));
  await fc.assert(
    fc.asyncProperty(mutated(good), async (bytes) => {
      await onlyTyped(async () => {
        const { content } = await openObject(keys, id, [bytes]);
        for await (const _ of content) void _;
      });
    }),
    { numRuns: RUNS },
  );
});

test(`key files: ${RUNS} random and mutated key files (fresh and rotated) only ever fail with typed errors, before any Argon2 for bad parameters`, async () => {
  const { keyFile, keys } = await createKeyFile('a long enough test passphrase', KDF_PROFILES.interactive);
  const rotated = await rotateKeyFile(keyFile, keys, 'a long enough test passphrase', KDF_PROFILES.interactive);
  for (const good of [serializeKeyFile(keyFile), serializeKeyFile(rotated.keyFile)]) {
    const json = JSON.parse(new TextDecoder().decode(good));
    const fields = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.constant(null),
      fc.boolean(),
      fc.constant(4 * 1024 ** 3),
      fc.record({ nonce: fc.string(), wrapped: fc.string(), cloud: fc.constantFrom('done', 're-encrypting', 'x') }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          mutated(good),
          fc
            .tuple(fc.constantFrom('version', 'vaultId', 'publicKey', 'mac', 'slots', 'previous'), fields)
            .map(([k, v]) => utf8(JSON.stringify({ ...json, [k]: v }))),
        ),
        async (bytes) => {
          await onlyTyped(async () => {
            parseKeyFile(bytes); // parsing alone: a wrong passphrase below would run Argon2 for each case
          });
        },
      ),
      { numRuns: RUNS },
    );
    // A few full unlock attempts on mutated files.
    await fc.assert(
      fc.asyncProperty(mutated(good), async (bytes) => {
        await onlyTyped(async () => openKeyFile(parseKeyFile(bytes), { passphrase: 'a long enough test passphrase' }));
      }),
      { numRuns: 20 },
    );
  }
});

test(`recovery keys: ${RUNS} random texts only ever fail with BadRecoveryKey`, async () => {
  const words = await encodeRecoveryKey(new Uint8Array(32).fill(7));
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.string({ maxLength: 400 }),
        fc.constant(words),
        fc.array(fc.constantFrom(...words.split(' ')), { maxLength: 40 }).map((w) => w.join(' ')),
      ),
      async (text) => {
        await onlyTyped(() => decodeRecoveryKey(text));
      },
    ),
    { numRuns: RUNS },
  );
});

test(`escrow key files: ${RUNS} random and mutated escrow files (secret and public) only ever fail with typed errors`, async () => {
  const { keyFile, publicFile } = await createEscrowKey('a long enough escrow passphrase', KDF_PROFILES.interactive);
  const json = JSON.parse(new TextDecoder().decode(keyFile));
  const fields = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.constant(null), fc.boolean(), fc.constant(4 * 1024 ** 3));
  const edited = fc
    .tuple(fc.constantFrom('version', 'publicKey', 'ops', 'mem', 'salt', 'nonce', 'wrapped', 'kdf'), fields)
    .map(([k, v]) => utf8(JSON.stringify({ ...json, [k]: v })));
  await fc.assert(
    fc.asyncProperty(fc.oneof(mutated(keyFile), mutated(publicFile), edited), async (bytes) => {
      await onlyTyped(async () => parseEscrowPublicKey(bytes));
      await onlyTyped(async () => parseEscrowKeyFile(bytes));
    }),
    { numRuns: RUNS },
  );
  await fc.assert(
    fc.asyncProperty(mutated(keyFile), async (bytes) => {
      await onlyTyped(async () => openEscrowKeyFile(parseEscrowKeyFile(bytes), 'a long enough escrow passphrase'));
    }),
    { numRuns: 10 },
  );
  await fc.assert(
    fc.property(fc.string({ maxLength: 80 }), (t) => {
      const n = normaliseFingerprint(t);
      assert.ok(n === undefined || /^([0-9a-f]{4}-){7}[0-9a-f]{4}$/.test(n));
    }),
    { numRuns: RUNS },
  );
});

test(`key files with an escrow slot: ${RUNS} mutations of the slot only ever fail with typed errors`, async () => {
  const { keys, keyFile } = await createKeyFile('a long enough test passphrase', KDF_PROFILES.interactive);
  const escrow = await createEscrowKey('a long enough escrow passphrase', KDF_PROFILES.interactive);
  const withEscrow = await addEscrowSlot(keyFile, keys, parseEscrowPublicKey(escrow.publicFile));
  const json = JSON.parse(new TextDecoder().decode(serializeKeyFile(withEscrow)));
  const fields = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.base64String({ maxLength: 200 }));
  const edited = fc.tuple(fc.constantFrom('kdf', 'publicKey', 'fingerprint', 'sealed', 'role', 'extra'), fields).map(([k, v]) => {
    const slots = json.slots.map((s: { role: string }) => (s.role === 'escrow' ? { ...s, [k]: v } : s));
    return utf8(JSON.stringify({ ...json, slots }));
  });
  await fc.assert(
    fc.asyncProperty(fc.oneof(mutated(serializeKeyFile(withEscrow)), edited), async (bytes) => {
      await onlyTyped(async () => parseKeyFile(bytes));
    }),
    { numRuns: RUNS },
  );
});
