// The one place libsodium is loaded. Every crypto module awaits `ready()` and
// uses the instance it returns; randomness is routed through random.ts.
// Two builds of the same library sit behind one interface: the native addon
// (sodium-native, 3-10× faster, no WASM heap left behind after Argon2id) where
// it loads, the WASM build (libsodium-wrappers-sumo) where it does not (an
// unknown platform, an old C library). Outputs are byte-identical
// (tests/crypto/backends.test.ts). CASEVAULT_CRYPTO=wasm|native forces one.
// Loaded on first use: a sync pass with no changes never needs it.
import { installSodiumRandom } from './random.js';

/** Opaque state of an incremental BLAKE2b hash. */
export type HashState = object;
/** Opaque state of one secretstream (push or pull). */
export type StreamState = object;

/** The libsodium calls Casevault makes, in libsodium.js's calling style (outputs are returned, failures throw). */
export interface Sodium {
  readonly crypto_pwhash_ALG_ARGON2ID13: number;
  crypto_pwhash(keyLength: number, password: Uint8Array, salt: Uint8Array, opsLimit: number, memLimit: number, algorithm: number): Uint8Array;
  crypto_generichash(hashLength: number, message: Uint8Array, key: Uint8Array | null): Uint8Array;
  crypto_generichash_init(key: Uint8Array | null, hashLength: number): HashState;
  crypto_generichash_update(state: HashState, chunk: Uint8Array): void;
  crypto_generichash_final(state: HashState, hashLength: number): Uint8Array;
  crypto_kdf_derive_from_key(subkeyLength: number, subkeyId: number, context: string, key: Uint8Array): Uint8Array;
  crypto_aead_xchacha20poly1305_ietf_encrypt(message: Uint8Array, ad: Uint8Array | null, nsec: null, nonce: Uint8Array, key: Uint8Array): Uint8Array;
  crypto_aead_xchacha20poly1305_ietf_decrypt(nsec: null, ciphertext: Uint8Array, ad: Uint8Array | null, nonce: Uint8Array, key: Uint8Array): Uint8Array;
  /** The native build only: the same ciphertext as ..._encrypt, written into `out` (message length + 16 bytes), so a backup blob's nonce and ciphertext are one buffer with no copy. */
  crypto_aead_xchacha20poly1305_ietf_encrypt_into?(out: Uint8Array, message: Uint8Array, ad: Uint8Array | null, nonce: Uint8Array, key: Uint8Array): void;
  readonly crypto_secretstream_xchacha20poly1305_TAG_MESSAGE: number;
  readonly crypto_secretstream_xchacha20poly1305_TAG_FINAL: number;
  crypto_secretstream_xchacha20poly1305_init_push(key: Uint8Array): { state: StreamState; header: Uint8Array };
  crypto_secretstream_xchacha20poly1305_push(state: StreamState, message: Uint8Array, ad: Uint8Array | null, tag: number): Uint8Array;
  crypto_secretstream_xchacha20poly1305_init_pull(header: Uint8Array, key: Uint8Array): StreamState;
  /** The chunk and its tag, or false if it fails authentication (throws if shorter than the 17-byte overhead). */
  crypto_secretstream_xchacha20poly1305_pull(state: StreamState, ciphertext: Uint8Array, ad: Uint8Array | null): { message: Uint8Array; tag: number } | false;
  crypto_stream_xchacha20_xor(message: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array;
  crypto_box_seed_keypair(seed: Uint8Array): { publicKey: Uint8Array; privateKey: Uint8Array };
  crypto_box_easy(message: Uint8Array, nonce: Uint8Array, publicKey: Uint8Array, privateKey: Uint8Array): Uint8Array;
  crypto_box_seal(message: Uint8Array, publicKey: Uint8Array): Uint8Array;
  crypto_box_seal_open(ciphertext: Uint8Array, publicKey: Uint8Array, privateKey: Uint8Array): Uint8Array;
  crypto_scalarmult(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array;
  crypto_scalarmult_base(privateKey: Uint8Array): Uint8Array;
  memcmp(a: Uint8Array, b: Uint8Array): boolean;
  memzero(bytes: Uint8Array): void;
}

export type Backend = 'native' | 'wasm';

/** Loads one build; throws if it cannot be loaded here. */
export async function loadBackend(backend: Backend): Promise<Sodium> {
  if (backend === 'native') return (await import('./sodium-native.js')).nativeSodium();
  const { default: sodium } = await import('libsodium-wrappers-sumo');
  await sodium.ready;
  installSodiumRandom(sodium);
  return sodium;
}

let loaded: Promise<{ backend: Backend; sodium: Sodium }> | undefined;

async function choose(): Promise<{ backend: Backend; sodium: Sodium }> {
  const forced = process.env.CASEVAULT_CRYPTO;
  if (forced === 'native' || forced === 'wasm') return { backend: forced, sodium: await loadBackend(forced) };
  try {
    return { backend: 'native', sodium: await loadBackend('native') };
  } catch {
    return { backend: 'wasm', sodium: await loadBackend('wasm') }; // the addon does not load on this platform: the same library, compiled to WASM
  }
}

export async function ready(): Promise<Sodium> {
  loaded ??= choose();
  return (await loaded).sodium;
}

/** Which build runs in this process (loading it if need be): for `--version` and the app's About. */
export async function cryptoBackend(): Promise<Backend> {
  loaded ??= choose();
  return (await loaded).backend;
}
