// Committed vectors pin the send package (tests/vectors/send-v1.json): the
// recipe re-run gives the committed bytes; each package opens to its
// manifest and content; named mutations fail with their exact error, and
// Argon2 costs outside the bounds are refused before any derivation.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fromHex, toHex } from '../../crypto/index.js';
import { cryptoBackend, ready } from '../../crypto/sodium.js';
import { HEADER_LEN, MESSAGE_LEN, normalisePassphrase, openPackage } from '../../crypto/send/index.js';
import { keyCheck, passphraseRoot, streamKey } from '../../crypto/send/format.js';
import { content } from '../vectors/format-recipe.js';
import { SEND_VECTOR_FILE } from '../vectors/make-send-vectors.js';
import { buildPackages, buildSendVectors, PACKAGES, type SendVectors } from '../vectors/send-recipe.js';
import { assertSame, countingSodium, openBytes, withHeaderField } from './helpers.js';

const committed = JSON.parse(readFileSync(SEND_VECTOR_FILE, 'utf8')) as SendVectors;
const small = () => fromHex(committed.packages[0]!.hex!);
const PASS = committed.packages[0]!.passphrase;

// Only the WASM build takes all its randomness from random.ts (the native one
// draws secretstream headers itself): the recipe re-runs there (npm run test:wasm).
const recipeSkip = (await cryptoBackend()) === 'native' && 'the recipe pins bytes drawn from injected randomness, which only the WASM build takes';

test('re-running the recipe gives the committed vectors exactly', { skip: recipeSkip }, async () => {
  assert.deepEqual(await buildSendVectors(), committed);
});

test('every committed package opens with its passphrase to its manifest and content', async () => {
  const all = await buildPackages();
  for (const [i, v] of committed.packages.entries()) {
    const bytes = v.hex ? fromHex(v.hex) : all[i]!;
    assert.equal(bytes.length, v.length);
    const { pkg, files } = await openBytes(bytes, v.passphrase);
    assert.deepEqual(pkg.manifest, { created: v.created, files: v.files });
    assert.equal(pkg.header.expiresDay, v.expiresDay);
    assert.equal(pkg.length, v.length);
    for (const [k, f] of v.files.entries()) assertSame(files[k]!, content(f.size, i * 10 + k), `${i}: ${f.name}`);
  }
});

test('the passphrase is derived as normalised: spaces and Unicode forms as typed on a phone open the same package', async () => {
  for (const [typed, derived] of committed.normalised) assert.equal(normalisePassphrase(typed), derived);
  const { pkg } = await openBytes(small(), `  ${PASS.replaceAll(' ', '   ')}\t`);
  assert.equal(pkg.manifest.files[0]!.name, 'notes.txt');
  const own = committed.packages[1]!;
  await openBytes((await buildPackages())[1]!, own.passphrase.normalize('NFD'));
});

function flip(b: Uint8Array, at: number): Uint8Array {
  const c = b.slice();
  c[at]! ^= 0x01;
  return c;
}

/** Named mutations of the small package, each with the exact expected failure. */
const BAD: { name: string; bytes: () => Uint8Array | Promise<Uint8Array>; error: string; passphrase?: string }[] = [
  { name: 'magic changed', bytes: () => flip(small(), 0), error: 'DamagedData' },
  { name: 'version raised', bytes: () => withHeaderField(small(), 6, 2, 1), error: 'UnsupportedFormat' },
  { name: 'version lowered', bytes: () => withHeaderField(small(), 6, 0, 1), error: 'DamagedData' },
  { name: 'KDF algorithm changed (checksum made good)', bytes: () => withHeaderField(small(), 7, 1, 1), error: 'UnsupportedFormat' },
  { name: 'Argon2 passes below the floor (checksum made good)', bytes: () => withHeaderField(small(), 8, 1), error: 'UnsupportedFormat' },
  { name: 'Argon2 passes above the ceiling (checksum made good)', bytes: () => withHeaderField(small(), 8, 1000), error: 'UnsupportedFormat' },
  { name: 'Argon2 memory below the floor (checksum made good)', bytes: () => withHeaderField(small(), 12, 8 * 1024), error: 'UnsupportedFormat' },
  { name: 'Argon2 memory 4 GiB (checksum made good)', bytes: () => withHeaderField(small(), 12, 4 * 1024 * 1024), error: 'UnsupportedFormat' },
  { name: 'Argon2 passes raised within the bounds (checksum made good)', bytes: () => withHeaderField(small(), 8, 3), error: 'WrongSecret' },
  { name: 'expiry moved (checksum made good: a forger)', bytes: () => withHeaderField(small(), 16, 30_000), error: 'WrongSecret' },
  { name: 'Argon2 passes bit', bytes: () => flip(small(), 8), error: 'DamagedData' },
  { name: 'expiry bit', bytes: () => flip(small(), 16), error: 'DamagedData' },
  { name: 'salt bit', bytes: () => flip(small(), 25), error: 'DamagedData' },
  { name: 'secretstream header bit', bytes: () => flip(small(), 40), error: 'DamagedData' },
  { name: 'key check bit', bytes: () => flip(small(), 70), error: 'DamagedData' },
  { name: 'checksum bit', bytes: () => flip(small(), 100), error: 'DamagedData' },
  { name: 'manifest ciphertext bit', bytes: () => flip(small(), HEADER_LEN + 10), error: 'DamagedData' },
  { name: 'final tag bit', bytes: () => flip(small(), small().length - 1), error: 'DamagedData' },
  { name: 'truncated by one byte', bytes: () => small().slice(0, -1), error: 'DamagedData' },
  { name: 'header only', bytes: () => small().slice(0, HEADER_LEN), error: 'DamagedData' },
  { name: 'half a header', bytes: () => small().slice(0, 60), error: 'DamagedData' },
  { name: 'empty', bytes: () => new Uint8Array(0), error: 'DamagedData' },
  { name: 'byte appended', bytes: () => Uint8Array.from([...small(), 0]), error: 'DamagedData' },
  { name: 'wrong passphrase', bytes: small, error: 'WrongSecret', passphrase: 'orbit velvet camp fossil lime' },
];

test('named mutations of the committed package fail with the expected error', async () => {
  for (const bad of BAD) {
    const bytes = await bad.bytes();
    await assert.rejects(openBytes(bytes, bad.passphrase ?? PASS), { name: bad.error }, bad.name);
  }
});

test('the large package: a message dropped, repeated, swapped or cut at its boundary, or a flipped bit in any file, is damage', async () => {
  const good = (await buildPackages())[1]!;
  const v = committed.packages[1]!;
  const at = (i: number) => HEADER_LEN + i * MESSAGE_LEN;
  assert.ok(good.length > at(2), 'three messages at least');
  const parts = (order: number[]) =>
    Uint8Array.from(Buffer.concat([good.subarray(0, HEADER_LEN), ...order.map((i) => good.subarray(at(i), Math.min(at(i + 1), good.length)))]));
  const cases: [string, Uint8Array][] = [
    ['last message dropped (cut at a message boundary)', good.slice(0, at(2))],
    ['a middle message dropped', parts([0, 2])],
    ['a message repeated', parts([0, 1, 1, 2])],
    ['two messages swapped', parts([1, 0, 2])],
    ['a bit in the second message', flip(good, at(1) + 500)],
    ['a bit in the last message', flip(good, at(2) + 5)],
  ];
  for (const [name, bytes] of cases) await assert.rejects(openBytes(bytes, v.passphrase), { name: 'DamagedData' }, name);
});

test('Argon2 costs outside the bounds are refused before any derivation; inside them, derivation runs', async () => {
  const { sodium, derivations } = await countingSodium();
  for (const [at, value] of [
    [8, 1],
    [8, 9],
    [12, 64 * 1024 - 1],
    [12, 256 * 1024 + 1],
    [12, 0xffffffff],
  ] as const) {
    const forged = await withHeaderField(small(), at, value);
    await assert.rejects(
      openPackage(sodium, () => [forged], PASS),
      { name: 'UnsupportedFormat' },
      `${at}=${value}`,
    );
  }
  assert.equal(derivations(), 0, 'no Argon2 for a cost outside the bounds');
  await openPackage(sodium, () => [small()], PASS);
  assert.equal(derivations(), 1, 'the counter sees a derivation');
});

test('the committed key schedule: Argon2id output, key check, stream key', async () => {
  const sodium = await ready();
  const b = small();
  const root = passphraseRoot(sodium, PASS, b.slice(20, 36), committed.kdf);
  assert.equal(toHex(root), committed.keys.root);
  assert.equal(toHex(keyCheck(sodium, root, b.subarray(0, 60))), committed.keys.check);
  assert.equal(toHex(b.subarray(60, 92)), committed.keys.check);
  assert.equal(toHex(streamKey(sodium, root)), committed.keys.streamKey);
  assert.equal(PACKAGES.length, committed.packages.length);
});
