// The two builds of libsodium behind crypto/sodium.ts give the same bytes for
// every call Casevault makes, on random inputs of many sizes, and each opens
// what the other sealed; a bad chunk, box or tag fails the same way on both.
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { test } from 'node:test';
import { loadBackend, type Sodium } from '../../crypto/sodium.js';

const SIZES = [0, 1, 15, 16, 17, 63, 64, 65, 1000, 16_384, 65_537];
const bytes = (n: number) => new Uint8Array(randomBytes(n));
const same = (a: Uint8Array, b: Uint8Array, what: string) => assert.equal(Buffer.from(a).toString('hex'), Buffer.from(b).toString('hex'), what);

const both = async (): Promise<[Sodium, Sodium]> => [await loadBackend('wasm'), await loadBackend('native')];

test('hashes, key derivation, Argon2id, X25519 and the stream cipher give identical bytes', async () => {
  const [w, n] = await both();
  for (const size of SIZES) {
    const m = bytes(size);
    const key = bytes(32);
    same(w.crypto_generichash(32, m, null), n.crypto_generichash(32, m, null), `hash ${size}`);
    same(w.crypto_generichash(16, m, key), n.crypto_generichash(16, m, key), `keyed hash ${size}`);
    const [sw, sn] = [w.crypto_generichash_init(key, 24), n.crypto_generichash_init(key, 24)];
    for (let at = 0; at < size; at += 7) {
      w.crypto_generichash_update(sw, m.subarray(at, at + 7));
      n.crypto_generichash_update(sn, m.subarray(at, at + 7));
    }
    same(w.crypto_generichash_final(sw, 24), n.crypto_generichash_final(sn, 24), `incremental hash ${size}`);
    const nonce = bytes(24);
    same(w.crypto_stream_xchacha20_xor(m, nonce, key), n.crypto_stream_xchacha20_xor(m, nonce, key), `xchacha20 ${size}`);
  }
  const master = bytes(32);
  for (const id of [0, 1, 7, 65_536])
    same(w.crypto_kdf_derive_from_key(32, id, 'casevlt1', master), n.crypto_kdf_derive_from_key(32, id, 'casevlt1', master), `kdf ${id}`);
  const [pw, salt] = [bytes(20), bytes(16)];
  same(
    w.crypto_pwhash(32, pw, salt, 2, 8 * 1024 * 1024, w.crypto_pwhash_ALG_ARGON2ID13),
    n.crypto_pwhash(32, pw, salt, 2, 8 * 1024 * 1024, n.crypto_pwhash_ALG_ARGON2ID13),
    'argon2id',
  );
  const seed = bytes(32);
  const [kw, kn] = [w.crypto_box_seed_keypair(seed), n.crypto_box_seed_keypair(seed)];
  same(kw.publicKey, kn.publicKey, 'seeded public key');
  same(kw.privateKey, kn.privateKey, 'seeded private key');
  same(w.crypto_scalarmult_base(kw.privateKey), n.crypto_scalarmult_base(kn.privateKey), 'scalarmult base');
  const other = w.crypto_box_seed_keypair(bytes(32));
  same(w.crypto_scalarmult(kw.privateKey, other.publicKey), n.crypto_scalarmult(kn.privateKey, other.publicKey), 'scalarmult');
  const a = bytes(40);
  assert.equal(w.memcmp(a, a.slice()), n.memcmp(a, a.slice()));
  assert.equal(n.memcmp(a, bytes(40)), false);
  assert.throws(() => n.memcmp(a, bytes(41)));
  const z = bytes(50);
  n.memzero(z);
  assert.ok(z.every((b) => b === 0));
});

test('AEAD, box and sealed box: identical ciphertexts where deterministic, each build opens the other, and tampering fails on both', async () => {
  const [w, n] = await both();
  for (const size of SIZES) {
    const [m, key, nonce, ad] = [bytes(size), bytes(32), bytes(24), size % 2 ? bytes(size % 50) : null];
    const cw = w.crypto_aead_xchacha20poly1305_ietf_encrypt(m, ad, null, nonce, key);
    same(cw, n.crypto_aead_xchacha20poly1305_ietf_encrypt(m, ad, null, nonce, key), `aead ${size}`);
    assert.ok(n.crypto_aead_xchacha20poly1305_ietf_encrypt_into, 'the native build encrypts in place');
    const into = new Uint8Array(cw.length + 24).fill(7);
    n.crypto_aead_xchacha20poly1305_ietf_encrypt_into(into.subarray(24), m, ad, nonce, key);
    same(into.subarray(24), cw, `aead into ${size}`);
    assert.ok(
      into.subarray(0, 24).every((x) => x === 7),
      'nothing written before the output',
    );
    same(n.crypto_aead_xchacha20poly1305_ietf_decrypt(null, cw, ad, nonce, key), m, `aead open ${size}`);
    const at = randomInt(cw.length);
    cw[at] = cw[at]! ^ 1;
    assert.throws(() => w.crypto_aead_xchacha20poly1305_ietf_decrypt(null, cw, ad, nonce, key));
    assert.throws(() => n.crypto_aead_xchacha20poly1305_ietf_decrypt(null, cw, ad, nonce, key));

    const [alice, bob] = [w.crypto_box_seed_keypair(bytes(32)), w.crypto_box_seed_keypair(bytes(32))];
    same(w.crypto_box_easy(m, nonce, bob.publicKey, alice.privateKey), n.crypto_box_easy(m, nonce, bob.publicKey, alice.privateKey), `box ${size}`);
    for (const [from, to] of [
      [w, n],
      [n, w],
    ] as const) {
      const sealed = from.crypto_box_seal(m, bob.publicKey);
      same(to.crypto_box_seal_open(sealed, bob.publicKey, bob.privateKey), m, `sealed box ${size}`);
      assert.throws(() => to.crypto_box_seal_open(sealed, alice.publicKey, alice.privateKey));
      assert.throws(() => to.crypto_box_seal_open(sealed.subarray(0, 47), bob.publicKey, bob.privateKey));
    }
  }
});

test('a secretstream pushed by one build is pulled by the other; a flipped, cut or reordered chunk is refused by both', async () => {
  const [w, n] = await both();
  for (const [push, pull] of [
    [w, n],
    [n, w],
  ] as const) {
    const key = bytes(32);
    const ad = bytes(32);
    const chunks = [bytes(0), bytes(1), bytes(65_536), bytes(17)];
    const { state, header } = push.crypto_secretstream_xchacha20poly1305_init_push(key);
    const sealed = chunks.map((c, i) =>
      push.crypto_secretstream_xchacha20poly1305_push(
        state,
        c,
        ad,
        i === chunks.length - 1 ? push.crypto_secretstream_xchacha20poly1305_TAG_FINAL : push.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
      ),
    );
    const reader = pull.crypto_secretstream_xchacha20poly1305_init_pull(header, key);
    sealed.forEach((c, i) => {
      const r = pull.crypto_secretstream_xchacha20poly1305_pull(reader, c, ad);
      assert.ok(r, `chunk ${i}`);
      same(r.message, chunks[i]!, `chunk ${i}`);
      assert.equal(
        r.tag,
        i === chunks.length - 1 ? pull.crypto_secretstream_xchacha20poly1305_TAG_FINAL : pull.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
      );
    });
    const flipped = sealed[2]!.slice();
    flipped[100] = flipped[100]! ^ 1;
    const bad = (cs: Uint8Array[]) => {
      const r = pull.crypto_secretstream_xchacha20poly1305_init_pull(header, key);
      return cs.some((c) => pull.crypto_secretstream_xchacha20poly1305_pull(r, c, ad) === false);
    };
    assert.ok(bad([sealed[0]!, sealed[1]!, flipped]), 'flipped');
    assert.ok(bad([sealed[1]!]), 'reordered');
    assert.ok(bad([sealed[0]!, sealed[1]!, sealed[2]!.subarray(0, 1000)]), 'cut');
    assert.ok(bad([sealed[0]!]) === false && bad([sealed[0]!, sealed[1]!, sealed[2]!, sealed[3]!]) === false, 'the whole stream is good');
  }
});
