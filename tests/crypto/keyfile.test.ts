// The key file and the recovery key (test catalogue 15-26).
import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import {
  createKeyFile,
  decodeRecoveryKey,
  encodeRecoveryKey,
  KDF_PROFILES,
  openKeyFile,
  parseKeyFile,
  randomBytes,
  ready,
  rewrapPassphrase,
  rewrapRecovery,
  serializeKeyFile,
  utf8,
  type KeyFile,
} from '../../crypto/index.js';

const PASS = 'a long enough test passphrase';
const edit = (kf: KeyFile, f: (k: KeyFile) => void): Uint8Array => {
  const c = JSON.parse(JSON.stringify(kf)) as KeyFile;
  f(c);
  return utf8(JSON.stringify(c));
};

test('lowering the Argon2 cost while keeping the wrapped key fails (parameters are authenticated)', async () => {
  const { keyFile } = await createKeyFile(PASS, { ops: 3, mem: 128 * 1024 * 1024 });
  for (const f of [(k: KeyFile) => ((k.slots[0] as { mem: number }).mem = 64 * 1024 * 1024), (k: KeyFile) => ((k.slots[0] as { ops: number }).ops = 2)]) {
    await assert.rejects(openKeyFile(parseKeyFile(edit(keyFile, f)), { passphrase: PASS }), { name: 'WrongSecret' });
  }
});

test('absurd Argon2 parameters are refused before any computation', async () => {
  const { keyFile } = await createKeyFile(PASS, KDF_PROFILES.interactive);
  // parseKeyFile is given no passphrase, so it cannot run Argon2: the refusal comes from reading the parameters alone.
  for (const [ops, mem] of [
    [2, 4 * 1024 ** 3],
    [10_000, 64 * 1024 ** 2],
    [1, 64 * 1024 ** 2],
    [2, 1024 * 1024],
  ]) {
    assert.throws(() => parseKeyFile(edit(keyFile, (k) => Object.assign(k.slots[0]!, { ops, mem }))), { name: 'UnsupportedFormat' });
  }
});

test("another vault's recovery key, or a wrapped key from a different KEK, is a wrong secret; the key files stay untouched", async () => {
  const a = await createKeyFile(PASS, KDF_PROFILES.interactive);
  const b = await createKeyFile(PASS, KDF_PROFILES.interactive);
  await assert.rejects(openKeyFile(a.keyFile, { recoveryKey: b.recoveryKey }), { name: 'WrongSecret' });
  // b's passphrase slot transplanted into a: same passphrase, but bound to b's vault ID.
  const transplanted = edit(a.keyFile, (k) => (k.slots[0] = b.keyFile.slots[0]!));
  await assert.rejects(openKeyFile(parseKeyFile(transplanted), { passphrase: PASS }), { name: 'WrongSecret' });
  // The whole of b presented as a: opens (it is b), but the engine pins a's vault ID and public key (tests/engine).
  const bKeys = await openKeyFile(b.keyFile, { passphrase: PASS });
  assert.notDeepEqual(bKeys.vaultId, a.keys.vaultId);
});

test('a wrong passphrase and a tampered slot give the same error, after the same work (one Argon2id each)', async () => {
  const { keyFile } = await createKeyFile(PASS, KDF_PROFILES.interactive);
  // The same work, counted rather than timed (a busy machine makes times differ): each attempt runs Argon2id once, in full.
  const pwhash = mock.method(await ready(), 'crypto_pwhash');
  const e1 = await openKeyFile(keyFile, { passphrase: 'wrong passphrase entirely' }).catch((e: Error) => e);
  const afterWrong = pwhash.mock.callCount();
  const tampered = parseKeyFile(edit(keyFile, (k) => ((k.slots[0] as { wrapped: string }).wrapped = Buffer.from(randomBytes(48)).toString('base64'))));
  const e2 = await openKeyFile(tampered, { passphrase: PASS }).catch((e: Error) => e);
  const afterTampered = pwhash.mock.callCount() - afterWrong;
  pwhash.mock.restore();
  assert.equal((e1 as Error).name, 'WrongSecret');
  assert.equal((e2 as Error).name, 'WrongSecret');
  assert.equal((e1 as Error).message, (e2 as Error).message);
  assert.equal(afterWrong, afterTampered, 'as many Argon2id runs for each');
  assert.ok(afterWrong >= 1);
});

test('passwd rewraps: the new passphrase and the old recovery key open the same keys; the old passphrase does not', async () => {
  const { keys, keyFile, recoveryKey } = await createKeyFile(PASS, KDF_PROFILES.interactive);
  const next = parseKeyFile(serializeKeyFile(await rewrapPassphrase(keyFile, keys, 'the brand new passphrase', KDF_PROFILES.interactive)));
  await assert.rejects(openKeyFile(next, { passphrase: PASS }), { name: 'WrongSecret' });
  assert.deepEqual((await openKeyFile(next, { passphrase: 'the brand new passphrase' })).publicKey, keys.publicKey);
  assert.deepEqual((await openKeyFile(next, { recoveryKey })).publicKey, keys.publicKey);
  const rotated = await rewrapRecovery(next, keys);
  await assert.rejects(openKeyFile(rotated.keyFile, { recoveryKey }), { name: 'WrongSecret' });
  assert.deepEqual((await openKeyFile(rotated.keyFile, { recoveryKey: rotated.recoveryKey })).publicKey, keys.publicKey);
});

test('malformed key files are DamagedData, never a crash', () => {
  for (const text of ['', 'null', '[]', '{}', '{"casevault":"keyfile","version":1}', 'x'.repeat(70_000), '\u0000\u0001']) {
    assert.throws(() => parseKeyFile(utf8(text)), { name: 'DamagedData' }, JSON.stringify(text.slice(0, 20)));
  }
});

test('recovery key: 27 words, any case and spacing, 4-letter prefixes; every single-word change and every adjacent swap is caught before any key derivation', async () => {
  const key = randomBytes(32);
  const words = (await encodeRecoveryKey(key)).split(/[^a-z]+/).filter(Boolean);
  assert.equal(words.length, 27);
  assert.deepEqual(await decodeRecoveryKey(words.join(' ')), key);
  assert.deepEqual(await decodeRecoveryKey(words.map((w) => w.slice(0, 4).toUpperCase()).join('  -\n')), key);
  let checked = 0;
  for (let i = 0; i < 27; i++) {
    for (const sub of ['abandon', 'zoo', 'kitchen']) {
      if (sub === words[i]) continue;
      const typo = [...words];
      typo[i] = sub;
      await assert.rejects(decodeRecoveryKey(typo.join(' ')), { name: 'BadRecoveryKey' });
      checked++;
    }
    if (i < 26 && words[i] !== words[i + 1]) {
      const swapped = [...words];
      [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
      await assert.rejects(decodeRecoveryKey(swapped.join(' ')), { name: 'BadRecoveryKey' });
      checked++;
    }
  }
  assert.ok(checked > 100);
  await assert.rejects(decodeRecoveryKey(words.slice(1).join(' ')), /27 words/);
  const e = await decodeRecoveryKey(`${words.slice(0, 26).join(' ')} notaword`).catch((x: Error) => x);
  assert.equal((e as Error).name, 'BadRecoveryKey');
  assert.equal((e as Error).message, 'the recovery key has a typo: check each word'); // the whole message: no word of the key in it
});

test('recovery key typed by a person: one wrong word is named by its place; two wrong words or a swap are not pinned on one', async () => {
  const words = (await encodeRecoveryKey(randomBytes(32))).split(/[^a-z]+/).filter(Boolean);
  const nameTheWord = { nameTheWord: true };
  for (const i of [0, 6, 26]) {
    const typo = [...words];
    typo[i] = words[i] === 'kitchen' ? 'zoo' : 'kitchen';
    await assert.rejects(decodeRecoveryKey(typo.join(' '), nameTheWord), {
      name: 'BadRecoveryKey',
      message: `word ${i + 1} of the recovery key is not the right one: check it`,
    });
    await assert.rejects(decodeRecoveryKey(typo.join(' ')), { message: 'the recovery key has a typo: check each word' }, 'not searched unless asked');
  }
  const two = [...words];
  two[3] = words[3] === 'zoo' ? 'abandon' : 'zoo';
  two[20] = words[20] === 'zoo' ? 'abandon' : 'zoo';
  await assert.rejects(decodeRecoveryKey(two.join(' '), nameTheWord), { message: 'the recovery key has a typo: check each word' });
  const at = words.findIndex((w, i) => i < 26 && w !== words[i + 1]);
  const swapped = [...words];
  [swapped[at], swapped[at + 1]] = [swapped[at + 1]!, swapped[at]!];
  await assert.rejects(decodeRecoveryKey(swapped.join(' '), nameTheWord), { message: 'the recovery key has a typo: check each word' });
});
