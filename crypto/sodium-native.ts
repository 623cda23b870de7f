// libsodium's native addon (sodium-native) in libsodium.js's calling style,
// so that crypto/ has one interface whichever build runs (crypto/sodium.ts).
// Every output is a plain Uint8Array of its own (never sodium_malloc'd
// memory, which Electron's memory cage refuses); failures throw as the WASM
// build's do. The randomness inside crypto_box_seal and a secretstream's
// header is the addon's own: only the WASM build lets tests inject it, so the
// vectors are generated there (tests/crypto/vectors.test.ts).
import { createRequire } from 'node:module';
import type { HashState, Sodium, StreamState } from './sodium.js';

interface Addon {
  crypto_pwhash_ALG_ARGON2ID13: number;
  crypto_generichash_STATEBYTES: number;
  crypto_pwhash(out: Uint8Array, pw: Uint8Array, salt: Uint8Array, ops: number, mem: number, alg: number): void;
  crypto_generichash(out: Uint8Array, msg: Uint8Array, key?: Uint8Array): void;
  crypto_generichash_init(state: Uint8Array, key: Uint8Array | null, outLength: number): void;
  crypto_generichash_update(state: Uint8Array, msg: Uint8Array): void;
  crypto_generichash_final(state: Uint8Array, out: Uint8Array): void;
  crypto_kdf_derive_from_key(out: Uint8Array, id: number, ctx: Uint8Array, key: Uint8Array): void;
  crypto_aead_xchacha20poly1305_ietf_encrypt(c: Uint8Array, m: Uint8Array, ad: Uint8Array | null, nsec: null, npub: Uint8Array, k: Uint8Array): number;
  crypto_aead_xchacha20poly1305_ietf_decrypt(m: Uint8Array, nsec: null, c: Uint8Array, ad: Uint8Array | null, npub: Uint8Array, k: Uint8Array): number;
  crypto_secretstream_xchacha20poly1305_TAG_MESSAGE: number;
  crypto_secretstream_xchacha20poly1305_TAG_FINAL: number;
  crypto_secretstream_xchacha20poly1305_STATEBYTES: number;
  crypto_secretstream_xchacha20poly1305_init_push(state: Uint8Array, header: Uint8Array, key: Uint8Array): void;
  crypto_secretstream_xchacha20poly1305_push(state: Uint8Array, c: Uint8Array, m: Uint8Array, ad: Uint8Array | null, tag: number): number;
  crypto_secretstream_xchacha20poly1305_init_pull(state: Uint8Array, header: Uint8Array, key: Uint8Array): void;
  crypto_secretstream_xchacha20poly1305_pull(state: Uint8Array, m: Uint8Array, tag: Uint8Array, c: Uint8Array, ad: Uint8Array | null): number;
  crypto_stream_xchacha20_xor(c: Uint8Array, m: Uint8Array, n: Uint8Array, k: Uint8Array): void;
  crypto_box_seed_keypair(pk: Uint8Array, sk: Uint8Array, seed: Uint8Array): void;
  crypto_box_easy(c: Uint8Array, m: Uint8Array, n: Uint8Array, pk: Uint8Array, sk: Uint8Array): void;
  crypto_box_seal(c: Uint8Array, m: Uint8Array, pk: Uint8Array): void;
  crypto_box_seal_open(m: Uint8Array, c: Uint8Array, pk: Uint8Array, sk: Uint8Array): boolean;
  crypto_scalarmult(q: Uint8Array, n: Uint8Array, p: Uint8Array): void;
  crypto_scalarmult_base(q: Uint8Array, n: Uint8Array): void;
  sodium_memcmp(a: Uint8Array, b: Uint8Array): boolean;
  sodium_memzero(b: Uint8Array): void;
}

const AEAD_TAG = 16;
const BOX_MAC = 16;
const SEAL_OVERHEAD = 48;
const KEY = 32;

const STREAM_HEADER = 24;
const STREAM_ABYTES = 17;

/** The addon's state bytes, behind the interface's opaque state types. */
class NativeState {
  constructor(readonly bytes: Uint8Array) {}
}

function stateOf(s: HashState | StreamState): Uint8Array {
  if (!(s instanceof NativeState)) throw new TypeError('not a state of this build');
  return s.bytes;
}

const empty = (b: Uint8Array | null): Uint8Array | null => (b && b.length > 0 ? b : null);

/** The addon behind the Sodium interface; throws if it does not load here. */
export function nativeSodium(): Sodium {
  const na = createRequire(import.meta.url)('sodium-native') as Addon;
  return {
    crypto_pwhash_ALG_ARGON2ID13: na.crypto_pwhash_ALG_ARGON2ID13,
    crypto_pwhash(keyLength, password, salt, opsLimit, memLimit, algorithm) {
      const out = new Uint8Array(keyLength);
      na.crypto_pwhash(out, password, salt, opsLimit, memLimit, algorithm);
      return out;
    },
    crypto_generichash(hashLength, message, key) {
      const out = new Uint8Array(hashLength);
      if (key) na.crypto_generichash(out, message, key);
      else na.crypto_generichash(out, message);
      return out;
    },
    crypto_generichash_init(key, hashLength) {
      const state = new Uint8Array(na.crypto_generichash_STATEBYTES);
      na.crypto_generichash_init(state, empty(key), hashLength);
      return new NativeState(state);
    },
    crypto_generichash_update(state, chunk) {
      na.crypto_generichash_update(stateOf(state), chunk);
    },
    crypto_generichash_final(state, hashLength) {
      const out = new Uint8Array(hashLength);
      na.crypto_generichash_final(stateOf(state), out);
      return out;
    },
    crypto_kdf_derive_from_key(subkeyLength, subkeyId, context, key) {
      const out = new Uint8Array(subkeyLength);
      na.crypto_kdf_derive_from_key(out, subkeyId, new TextEncoder().encode(context), key);
      return out;
    },
    crypto_aead_xchacha20poly1305_ietf_encrypt(message, ad, nsec, nonce, key) {
      const out = new Uint8Array(message.length + AEAD_TAG);
      na.crypto_aead_xchacha20poly1305_ietf_encrypt(out, message, empty(ad), nsec, nonce, key);
      return out;
    },
    crypto_aead_xchacha20poly1305_ietf_encrypt_into(out, message, ad, nonce, key) {
      if (out.length !== message.length + AEAD_TAG) throw new Error('the output is not the ciphertext length');
      na.crypto_aead_xchacha20poly1305_ietf_encrypt(out, message, empty(ad), null, nonce, key);
    },
    crypto_aead_xchacha20poly1305_ietf_decrypt(nsec, ciphertext, ad, nonce, key) {
      if (ciphertext.length < AEAD_TAG) throw new Error('ciphertext is too short');
      const out = new Uint8Array(ciphertext.length - AEAD_TAG);
      try {
        na.crypto_aead_xchacha20poly1305_ietf_decrypt(out, nsec, ciphertext, empty(ad), nonce, key);
      } catch {
        throw new Error('ciphertext cannot be decrypted using that key');
      }
      return out;
    },
    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE: na.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
    crypto_secretstream_xchacha20poly1305_TAG_FINAL: na.crypto_secretstream_xchacha20poly1305_TAG_FINAL,
    crypto_secretstream_xchacha20poly1305_init_push(key) {
      const state = new Uint8Array(na.crypto_secretstream_xchacha20poly1305_STATEBYTES);
      const header = new Uint8Array(STREAM_HEADER);
      na.crypto_secretstream_xchacha20poly1305_init_push(state, header, key);
      return { state: new NativeState(state), header };
    },
    crypto_secretstream_xchacha20poly1305_push(state, message, ad, tag) {
      const out = new Uint8Array(message.length + STREAM_ABYTES);
      na.crypto_secretstream_xchacha20poly1305_push(stateOf(state), out, message, empty(ad), tag);
      return out;
    },
    crypto_secretstream_xchacha20poly1305_init_pull(header, key) {
      const state = new Uint8Array(na.crypto_secretstream_xchacha20poly1305_STATEBYTES);
      na.crypto_secretstream_xchacha20poly1305_init_pull(state, header, key);
      return new NativeState(state);
    },
    crypto_secretstream_xchacha20poly1305_pull(state, ciphertext, ad) {
      if (ciphertext.length < STREAM_ABYTES) throw new TypeError('cipher is too short'); // as the WASM build
      const message = new Uint8Array(ciphertext.length - STREAM_ABYTES);
      const tag = new Uint8Array(1);
      try {
        na.crypto_secretstream_xchacha20poly1305_pull(stateOf(state), message, tag, ciphertext, empty(ad));
      } catch {
        return false;
      }
      return { message, tag: tag[0]! };
    },
    crypto_stream_xchacha20_xor(message, nonce, key) {
      const out = new Uint8Array(message.length);
      na.crypto_stream_xchacha20_xor(out, message, nonce, key);
      return out;
    },
    crypto_box_seed_keypair(seed) {
      const publicKey = new Uint8Array(KEY);
      const privateKey = new Uint8Array(KEY);
      na.crypto_box_seed_keypair(publicKey, privateKey, seed);
      return { publicKey, privateKey };
    },
    crypto_box_easy(message, nonce, publicKey, privateKey) {
      const out = new Uint8Array(message.length + BOX_MAC);
      na.crypto_box_easy(out, message, nonce, publicKey, privateKey);
      return out;
    },
    crypto_box_seal(message, publicKey) {
      const out = new Uint8Array(message.length + SEAL_OVERHEAD);
      na.crypto_box_seal(out, message, publicKey);
      return out;
    },
    crypto_box_seal_open(ciphertext, publicKey, privateKey) {
      if (ciphertext.length < SEAL_OVERHEAD) throw new Error('incorrect key pair for the given ciphertext');
      const out = new Uint8Array(ciphertext.length - SEAL_OVERHEAD);
      if (!na.crypto_box_seal_open(out, ciphertext, publicKey, privateKey)) throw new Error('incorrect key pair for the given ciphertext');
      return out;
    },
    crypto_scalarmult(privateKey, publicKey) {
      const out = new Uint8Array(KEY);
      na.crypto_scalarmult(out, privateKey, publicKey);
      return out;
    },
    crypto_scalarmult_base(privateKey) {
      const out = new Uint8Array(KEY);
      na.crypto_scalarmult_base(out, privateKey);
      return out;
    },
    memcmp(a, b) {
      if (a.length !== b.length) throw new TypeError('memcmp: the two arrays must have the same length');
      return na.sodium_memcmp(a, b);
    },
    memzero(bytes) {
      na.sodium_memzero(bytes);
    },
  };
}
