// Committed test vectors pin every format (tests/vectors/format-v2.json, as
// written now; format-v1.json, the first set, as it was): fixed inputs and
// randomness in, exact bytes out; good vectors open to the expected content,
// and named mutations fail with the expected error. What the first set pins
// that the writer no longer makes (version 1 objects) must still be read.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  cryptoBackend,
  decodeRecoveryKey,
  escrowFingerprint,
  fromHex,
  objectId,
  openEscrowKeyFile,
  openKeyFile,
  openLocalSecret,
  openObjectToBytes,
  parseEscrowKeyFile,
  parseEscrowPublicKey,
  parseKeyFile,
  randomBytes,
  ready,
  rotatedFromKeys,
  toHex,
  utf8,
  type EscrowKeyPair,
  type ReadKeys,
  type Secret,
} from '../../crypto/index.js';
import { buildVectors, content, type FormatVectors } from '../vectors/format-recipe.js';
import { FIRST_FORMAT_VECTOR_FILE, FORMAT_VECTOR_FILE } from '../vectors/make-format-vectors.js';

const committed = JSON.parse(readFileSync(FORMAT_VECTOR_FILE, 'utf8')) as FormatVectors;
const first = JSON.parse(readFileSync(FIRST_FORMAT_VECTOR_FILE, 'utf8')) as FormatVectors;

async function unlock(): Promise<ReadKeys> {
  return openKeyFile(parseKeyFile(utf8(committed.keyFile)), { passphrase: committed.passphrase });
}

// Only the WASM build takes all its randomness from random.ts (the native one
// draws secretstream headers itself): the recipe re-runs there, and npm test
// runs this file on both builds.
const recipeSkip = (await cryptoBackend()) === 'native' && 'the recipe pins bytes drawn from injected randomness, which only the WASM build takes';

test('re-running the recipe gives the committed bytes exactly', { skip: recipeSkip }, async () => {
  assert.deepEqual(await buildVectors(), committed);
});

test('the committed key file opens with the passphrase and with the recovery key, to the committed keys', async () => {
  const byPass = await unlock();
  const byKey = await openKeyFile(parseKeyFile(utf8(committed.keyFile)), { recoveryKey: await decodeRecoveryKey(committed.recoveryKey) });
  for (const k of byPass ? Object.keys(committed.keys) : []) {
    assert.equal(toHex((byPass as unknown as Record<string, Uint8Array>)[k]!), committed.keys[k], k);
    assert.equal(toHex((byKey as unknown as Record<string, Uint8Array>)[k]!), committed.keys[k], k);
  }
  for (const n of committed.names) assert.equal(toHex(await objectId(byPass.nameKey, n.path)), n.id);
  assert.equal(
    await openLocalSecret(byPass.localSecretKey, byPass.vaultId, committed.localSecret.label, { v: 1, ...committed.localSecret.sealed }),
    committed.localSecret.secret,
  );
});

test('NFC and NFD spellings of one name are two object IDs', () => {
  const nfc = committed.names.find((n) => n.path === 'caf\u00e9.txt')!;
  const nfd = committed.names.find((n) => n.path === 'cafe\u0301.txt')!;
  assert.notEqual(nfc.id, nfd.id);
});

test('every committed object, of either set, opens to its content and metadata', async () => {
  const keys = await unlock();
  for (const set of [committed, first]) {
    for (const [i, o] of set.objects.entries()) {
      if (!o.hex) continue;
      const { meta, content: got } = await openObjectToBytes(keys, fromHex(o.id), fromHex(o.hex));
      assert.deepEqual(meta, { path: o.path, size: o.size, mtimeMs: o.mtimeMs });
      assert.deepEqual(got, content(o.size, i));
    }
  }
});

test('the first set differs from the second only where a format changed: objects (version 2 pads small files to one size)', () => {
  const same = (k: keyof FormatVectors) => assert.deepEqual(committed[k], first[k], k);
  for (const k of ['seed', 'passphrase', 'kdf', 'keyFile', 'recoveryKey', 'keys', 'names', 'padme', 'localSecret', 'escrow'] as const) same(k);
  for (const [i, o] of first.objects.entries()) {
    if (o.hex) assert.equal(fromHex(o.hex)[4], 1, 'first set: version 1');
    assert.equal(committed.objects[i]!.id, o.id);
  }
  assert.ok(committed.objects.every((o) => !o.hex || fromHex(o.hex)[4] === 2));
  // Version 1 told a 1-byte file from a 1000-byte one; version 2 does not.
  const sizes = (set: FormatVectors) => set.objects.filter((o) => o.size <= 1000).map((o) => o.length);
  assert.equal(new Set(sizes(first)).size, 2);
  assert.equal(new Set(sizes(committed)).size, 1);
});

/** Named mutations of a good object, each with the exact expected failure. */
const BAD: { name: string; mutate: (b: Uint8Array, v: FormatVectors) => { bytes: Uint8Array; id?: string }; error: string }[] = [
  { name: 'magic changed', mutate: (b) => flip(b, 0), error: 'DamagedData' },
  { name: 'version raised past the newest', mutate: (b) => set(b, 4, 3), error: 'UnsupportedFormat' },
  { name: 'version lowered', mutate: (b) => set(b, 4, 0), error: 'DamagedData' },
  { name: 'ephemeral key bit', mutate: (b) => flip(b, 10), error: 'DamagedData' },
  { name: 'wrap nonce bit', mutate: (b) => flip(b, 40), error: 'DamagedData' },
  { name: 'wrapped key bit', mutate: (b) => flip(b, 70), error: 'DamagedData' },
  { name: 'auth tag bit', mutate: (b) => flip(b, 120), error: 'DamagedData' },
  { name: 'secretstream header bit', mutate: (b) => flip(b, 150), error: 'DamagedData' },
  { name: 'ciphertext bit', mutate: (b) => flip(b, 200), error: 'DamagedData' },
  { name: 'final tag bit', mutate: (b) => flip(b, b.length - 1), error: 'DamagedData' },
  { name: 'truncated by one byte', mutate: (b) => ({ bytes: b.slice(0, -1) }), error: 'DamagedData' },
  { name: 'header only', mutate: (b) => ({ bytes: b.slice(0, 165) }), error: 'DamagedData' },
  { name: 'empty', mutate: () => ({ bytes: new Uint8Array(0) }), error: 'DamagedData' },
  { name: 'byte appended', mutate: (b) => ({ bytes: Uint8Array.from([...b, 0]) }), error: 'DamagedData' },
  { name: "under another object's name (swap)", mutate: (b, v) => ({ bytes: b, id: v.objects[2]!.id }), error: 'DamagedData' },
];

function flip(b: Uint8Array, at: number): { bytes: Uint8Array } {
  const c = b.slice();
  c[at]! ^= 0x01;
  return { bytes: c };
}
function set(b: Uint8Array, at: number, value: number): { bytes: Uint8Array } {
  const c = b.slice();
  c[at] = value;
  return { bytes: c };
}

test('named mutations of a committed object, of either version, fail with the expected error', async () => {
  const keys = await unlock();
  for (const set of [committed, first]) {
    const good = set.objects[1]!;
    for (const bad of BAD) {
      const { bytes, id } = bad.mutate(fromHex(good.hex!), set);
      await assert.rejects(openObjectToBytes(keys, fromHex(id ?? good.id), bytes), { name: bad.error }, bad.name);
    }
  }
  // A version 1 object relabelled as version 2 (to be checked against the other padding): the version is authenticated.
  await assert.rejects(openObjectToBytes(keys, fromHex(first.objects[1]!.id), set(fromHex(first.objects[1]!.hex!), 4, 2).bytes), { name: 'DamagedData' });
  await assert.rejects(openObjectToBytes(keys, fromHex(committed.objects[1]!.id), set(fromHex(committed.objects[1]!.hex!), 4, 1).bytes), {
    name: 'DamagedData',
  });
});

test('named mutations of the committed key file fail with the expected error', async () => {
  const kf = JSON.parse(committed.keyFile);
  const cases: { name: string; edit: (k: typeof kf) => void; error: string; secret?: { passphrase: string } }[] = [
    { name: 'Argon2 memory below the floor', edit: (k) => (k.slots[0].mem = 32 * 1024 * 1024), error: 'UnsupportedFormat' },
    { name: 'Argon2 passes raised (same wrapped key)', edit: (k) => (k.slots[0].ops = 3), error: 'WrongSecret' },
    { name: 'Argon2 memory above the ceiling', edit: (k) => (k.slots[0].mem = 4 * 1024 * 1024 * 1024), error: 'UnsupportedFormat' },
    { name: 'version changed', edit: (k) => (k.version = 2), error: 'UnsupportedFormat' },
    { name: 'salt changed', edit: (k) => (k.slots[0].salt = Buffer.alloc(16, 1).toString('base64')), error: 'WrongSecret' },
    { name: 'wrapped key changed', edit: (k) => (k.slots[0].wrapped = Buffer.alloc(48, 1).toString('base64')), error: 'WrongSecret' },
    { name: 'slots swapped', edit: (k) => ([k.slots[0].wrapped, k.slots[1].wrapped] = [k.slots[1].wrapped, k.slots[0].wrapped]), error: 'WrongSecret' },
    { name: 'public key replaced', edit: (k) => (k.publicKey = Buffer.alloc(32, 9).toString('base64')), error: 'DamagedData' },
    { name: 'vault ID replaced', edit: (k) => (k.vaultId = Buffer.alloc(16, 9).toString('base64')), error: 'WrongSecret' },
    { name: 'unknown field', edit: (k) => (k.extra = 1), error: 'DamagedData' },
    { name: 'wrong passphrase', edit: () => {}, error: 'WrongSecret', secret: { passphrase: 'not the passphrase' } },
  ];
  for (const c of cases) {
    const copy = JSON.parse(JSON.stringify(kf));
    c.edit(copy);
    await assert.rejects(
      (async () => openKeyFile(parseKeyFile(utf8(JSON.stringify(copy))), c.secret ?? { passphrase: committed.passphrase }))(),
      { name: c.error },
      c.name,
    );
  }
});

test('Padmé lengths are the committed ones', () => {
  for (const [n, padded] of committed.padme) assert.ok(padded >= Math.max(n, 1024) && padded <= Math.max(n, 1024) * 1.13, `${n} -> ${padded}`);
});

async function escrowPair(): Promise<EscrowKeyPair> {
  return openEscrowKeyFile(parseEscrowKeyFile(utf8(committed.escrow.keyFile)), committed.escrow.passphrase);
}

test('the committed escrow key opens with its passphrase, and the escrow slot opens the vault to the committed keys', async () => {
  const pair = await escrowPair();
  assert.deepEqual(pair.publicKey, parseEscrowPublicKey(utf8(committed.escrow.publicFile)));
  assert.deepEqual(parseEscrowPublicKey(utf8(committed.escrow.keyFile)), pair.publicKey, 'the public half is readable from the escrow key file too');
  assert.equal(await escrowFingerprint(pair.publicKey), committed.escrow.fingerprint);
  const kf = parseKeyFile(utf8(committed.escrow.vaultKeyFile));
  for (const secret of [{ escrow: pair }, { passphrase: committed.passphrase }, { recoveryKey: await decodeRecoveryKey(committed.recoveryKey) }]) {
    const keys = await openKeyFile(kf, secret);
    assert.equal(toHex(keys.master), committed.keys.master);
    assert.equal(toHex(keys.boxSecret), committed.keys.boxSecret);
  }
  // The slot is a standard sealed box: libsodium's own crypto_box_seal_open reads it.
  const sodium = await ready();
  const slot = kf.slots.find((s) => s.role === 'escrow') as { sealed: string };
  assert.equal(toHex(sodium.crypto_box_seal_open(Buffer.from(slot.sealed, 'base64'), pair.publicKey, pair.secretKey)), committed.keys.master);
});

test('named mutations of the escrow slot and the escrow key file fail with the expected error', async () => {
  const pair = await escrowPair();
  const sodium = await ready();
  const other = sodium.crypto_box_seed_keypair(randomBytes(32));
  const otherPair = { publicKey: other.publicKey, secretKey: other.privateKey };
  const kf = JSON.parse(committed.escrow.vaultKeyFile);
  const escrowSlot = (k: typeof kf) => k.slots.find((s: { role: string }) => s.role === 'escrow');
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  const cases: { name: string; edit: (k: typeof kf) => void | Promise<void>; secret: Secret; error: string }[] = [
    {
      name: 'forged escrow slot (another master sealed to the same key)',
      edit: (k) => (escrowSlot(k).sealed = b64(sodium.crypto_box_seal(randomBytes(32), pair.publicKey))),
      secret: { escrow: pair },
      error: 'DamagedData',
    },
    {
      name: "public key swapped for an attacker's (fingerprint to match)",
      edit: async (k) => Object.assign(escrowSlot(k), { publicKey: b64(other.publicKey), fingerprint: await escrowFingerprint(other.publicKey) }),
      secret: { passphrase: committed.passphrase },
      error: 'DamagedData',
    },
    {
      name: "public key swapped, opened with the union's key",
      edit: (k) => (escrowSlot(k).publicKey = b64(other.publicKey)),
      secret: { escrow: pair },
      error: 'WrongSecret',
    },
    {
      name: "attacker's escrow slot replaces the union's",
      edit: async (k) =>
        Object.assign(escrowSlot(k), {
          publicKey: b64(other.publicKey),
          fingerprint: await escrowFingerprint(other.publicKey),
          sealed: b64(sodium.crypto_box_seal(randomBytes(32), other.publicKey)),
        }),
      secret: { escrow: otherPair },
      error: 'DamagedData',
    },
    {
      name: 'fingerprint edited',
      edit: (k) => (escrowSlot(k).fingerprint = '0000-0000-0000-0000-0000-0000-0000-0000'),
      secret: { passphrase: committed.passphrase },
      error: 'DamagedData',
    },
    {
      name: 'escrow slot removed (rollback)',
      edit: (k) => (k.slots = k.slots.filter((s: { role: string }) => s.role !== 'escrow')),
      secret: { passphrase: committed.passphrase },
      error: 'DamagedData',
    },
    { name: 'wrong escrow key', edit: () => {}, secret: { escrow: otherPair }, error: 'WrongSecret' },
    { name: 'sealed box truncated', edit: (k) => (escrowSlot(k).sealed = b64(randomBytes(40))), secret: { escrow: pair }, error: 'DamagedData' },
    { name: 'two escrow slots', edit: (k) => k.slots.push({ ...escrowSlot(k) }), secret: { escrow: pair }, error: 'DamagedData' },
  ];
  for (const c of cases) {
    const copy = JSON.parse(JSON.stringify(kf));
    await c.edit(copy);
    await assert.rejects((async () => openKeyFile(parseKeyFile(utf8(JSON.stringify(copy))), c.secret))(), { name: c.error }, c.name);
  }
  // An escrow slot planted in a key file that had none.
  const plain = JSON.parse(committed.keyFile);
  plain.slots.push(escrowSlot(JSON.parse(committed.escrow.vaultKeyFile)));
  await assert.rejects(
    openKeyFile(parseKeyFile(utf8(JSON.stringify(plain))), { passphrase: committed.passphrase }),
    { name: 'DamagedData' },
    'planted escrow slot',
  );

  const ek = JSON.parse(committed.escrow.keyFile);
  const fileCases: { name: string; edit: (k: typeof ek) => void; passphrase?: string; error: string }[] = [
    { name: 'wrong escrow passphrase', edit: () => {}, passphrase: 'not the escrow passphrase', error: 'WrongSecret' },
    { name: 'escrow file public key swapped', edit: (k) => (k.publicKey = b64(other.publicKey)), error: 'WrongSecret' },
    { name: 'escrow file Argon2 below the floor', edit: (k) => (k.mem = 1024 * 1024), error: 'UnsupportedFormat' },
    { name: 'escrow file Argon2 above the ceiling', edit: (k) => (k.mem = 4 * 1024 ** 3), error: 'UnsupportedFormat' },
    { name: 'escrow file version raised', edit: (k) => (k.version = 2), error: 'UnsupportedFormat' },
    { name: 'escrow file unknown field', edit: (k) => (k.extra = 1), error: 'DamagedData' },
  ];
  for (const c of fileCases) {
    const copy = JSON.parse(JSON.stringify(ek));
    c.edit(copy);
    await assert.rejects(
      (async () => openEscrowKeyFile(parseEscrowKeyFile(utf8(JSON.stringify(copy))), c.passphrase ?? committed.escrow.passphrase))(),
      { name: c.error },
      c.name,
    );
  }
});

test('the committed rotated key file (of either set) opens with the new passphrase to the new keys, keeps the old master under them, and its escrow slot follows', async () => {
  const pair = await escrowPair();
  for (const text of [committed.rotated.keyFile, committed.rotated.doneKeyFile, first.rotated.keyFile, first.rotated.doneKeyFile]) {
    const kf = parseKeyFile(utf8(text));
    for (const secret of [{ passphrase: committed.rotated.passphrase }, { escrow: pair }]) {
      const keys = await openKeyFile(kf, secret);
      assert.equal(toHex(keys.master), committed.rotated.master);
      assert.equal(toHex(keys.publicKey), committed.rotated.publicKey);
      assert.equal(keys.vaultId.length, 16);
      assert.equal(toHex(keys.vaultId), committed.keys.vaultId, 'a rotation keeps the vault ID');
      assert.equal(keys.previous?.length, 1);
      assert.equal(toHex(keys.previous![0]!.master), committed.keys.master);
      assert.equal(toHex(keys.previous![0]!.boxSecret), committed.keys.boxSecret);
    }
    await assert.rejects(openKeyFile(kf, { passphrase: committed.passphrase }), { name: 'WrongSecret' }, 'the old passphrase opens nothing');
    await assert.rejects(openKeyFile(kf, { recoveryKey: await decodeRecoveryKey(committed.recoveryKey) }), { name: 'WrongSecret' }, 'nor the old recovery key');
  }
  assert.equal(parseKeyFile(utf8(committed.rotated.keyFile)).previous?.cloud, 're-encrypting');
  assert.equal(parseKeyFile(utf8(committed.rotated.doneKeyFile)).previous?.cloud, 'done');
});

test("a rotated key file proves to the old keys' holders that it succeeds them; the first set's has no such proof", async () => {
  const old = await unlock();
  for (const text of [committed.rotated.keyFile, committed.rotated.doneKeyFile]) assert.equal(await rotatedFromKeys(parseKeyFile(utf8(text)), old), true);
  assert.equal(await rotatedFromKeys(parseKeyFile(utf8(first.rotated.keyFile)), old), false, 'made before the proof existed');
  const kf = JSON.parse(committed.rotated.keyFile);
  assert.equal(kf.rotatedFrom.length, 1);
  assert.equal(Buffer.from(kf.rotatedFrom[0].publicKey, 'base64').toString('hex'), committed.keys.publicKey);
  const sodium = await ready();
  const stranger = { ...old, authKey: randomBytes(32) };
  assert.equal(await rotatedFromKeys(parseKeyFile(utf8(committed.rotated.keyFile)), stranger), false, 'a proof is checked under the auth key');
  const forged = { ...kf, publicKey: Buffer.from(sodium.crypto_box_seed_keypair(randomBytes(32)).publicKey).toString('base64') };
  assert.equal(await rotatedFromKeys(parseKeyFile(utf8(JSON.stringify(forged))), old), false, 'the proof binds the new public key');
  const otherVault = { ...kf, vaultId: Buffer.alloc(16, 7).toString('base64') };
  assert.equal(await rotatedFromKeys(parseKeyFile(utf8(JSON.stringify(otherVault))), old), false, 'and the vault ID');
});

test('named mutations of the earlier keys in a rotated key file fail with the expected error', async () => {
  const kf = JSON.parse(committed.rotated.keyFile);
  const done = JSON.parse(committed.rotated.doneKeyFile);
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  const cases: { name: string; edit: (k: typeof kf) => void; error: string }[] = [
    { name: 'earlier keys removed (rollback)', edit: (k) => delete k.previous, error: 'DamagedData' },
    { name: 're-encrypting marked done', edit: (k) => (k.previous.cloud = 'done'), error: 'DamagedData' },
    {
      name: 'done marked re-encrypting again (old cloud objects accepted again)',
      edit: (k) => ((k.previous = done.previous), (k.previous.cloud = 're-encrypting')),
      error: 'DamagedData',
    },
    { name: "the finished file's earlier keys spliced into the other", edit: (k) => (k.previous = done.previous), error: 'DamagedData' },
    { name: 'wrapped earlier keys changed', edit: (k) => (k.previous.wrapped = b64(randomBytes(48))), error: 'DamagedData' },
    { name: 'wrapped earlier keys of a bad length', edit: (k) => (k.previous.wrapped = b64(randomBytes(40))), error: 'DamagedData' },
    { name: 'nonce changed', edit: (k) => (k.previous.nonce = b64(randomBytes(24))), error: 'DamagedData' },
    { name: 'unknown field in the earlier keys', edit: (k) => (k.previous.extra = 1), error: 'DamagedData' },
    { name: 'unknown cloud state', edit: (k) => (k.previous.cloud = 'maybe'), error: 'DamagedData' },
    { name: 'proof of succession removed', edit: (k) => delete k.rotatedFrom, error: 'DamagedData' },
    { name: 'proof of succession changed', edit: (k) => (k.rotatedFrom[0].proof = b64(randomBytes(32))), error: 'DamagedData' },
    { name: 'proof of succession of a bad length', edit: (k) => (k.rotatedFrom[0].proof = b64(randomBytes(16))), error: 'DamagedData' },
    { name: 'unknown field in a proof of succession', edit: (k) => (k.rotatedFrom[0].extra = 1), error: 'DamagedData' },
  ];
  for (const c of cases) {
    const copy = JSON.parse(JSON.stringify(kf));
    c.edit(copy);
    await assert.rejects(
      (async () => openKeyFile(parseKeyFile(utf8(JSON.stringify(copy))), { passphrase: committed.rotated.passphrase }))(),
      { name: c.error },
      c.name,
    );
  }
  // The pre-rotation key file (the lost computer's copy) put back in the cloud is a valid file of the same vault, but of other keys: the engine refuses to sync to it.
  assert.equal(JSON.parse(committed.keyFile).vaultId, kf.vaultId);
  assert.notEqual(JSON.parse(committed.keyFile).publicKey, kf.publicKey);
});
