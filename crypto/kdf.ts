// Argon2id for passphrases (the key file's passphrase slot and the escrow
// key file), with the bounds every reader checks before deriving anything.
import { UnsupportedFormat } from './errors.js';
import { utf8 } from './bytes.js';
import { cryptoBackend, ready } from './sodium.js';

/** Argon2id cost. Bounds protect against a key file that asks for too little (downgrade) or too much (denial of service). */
export interface KdfParams {
  ops: number;
  mem: number;
}
export const KDF_PROFILES = {
  /** libsodium MODERATE: 256 MiB, 3 passes (~1.2 s here). The default. */
  moderate: { ops: 3, mem: 256 * 1024 * 1024 },
  /** libsodium INTERACTIVE: 64 MiB, 2 passes; the floor. For old laptops and tests. */
  interactive: { ops: 2, mem: 64 * 1024 * 1024 },
} as const satisfies Record<string, KdfParams>;
export type KdfProfile = keyof typeof KDF_PROFILES;
export const KDF_FLOOR = { ops: 2, mem: 64 * 1024 * 1024 };
export const KDF_CEILING = { ops: 16, mem: 1024 * 1024 * 1024 };

export function checkKdfParams(p: KdfParams): void {
  if (p.ops < KDF_FLOOR.ops || p.mem < KDF_FLOOR.mem) {
    throw new UnsupportedFormat('the key file (or escrow key file) asks for a weaker passphrase protection than Casevault allows');
  }
  if (p.ops > KDF_CEILING.ops || p.mem > KDF_CEILING.mem) {
    throw new UnsupportedFormat('the key file (or escrow key file) asks for more memory or time than Casevault allows');
  }
}

/** Argon2id somewhere the heap it grows is given back when it ends (the engine's thread: engine/keys/kdf-thread.ts). */
export type Argon2Runner = (pw: Uint8Array, salt: Uint8Array, p: KdfParams) => Promise<Uint8Array>;
let elsewhere: Argon2Runner | undefined;

/**
 * Where the WASM build runs Argon2id above the floor's 64 MiB, such as the
 * default 256 MiB: a WASM heap never shrinks, so in this thread the process
 * would keep that memory for as long as it runs. At the floor the heap kept
 * stays small (and the committed vectors' key files, made at the floor with
 * injected randomness, are made here in the same order every time). The
 * native build frees its memory by itself and always runs here.
 */
export function runArgon2Elsewhere(runner: Argon2Runner): void {
  elsewhere = runner;
}

export async function passphraseKek(passphrase: string, salt: Uint8Array, p: KdfParams): Promise<Uint8Array> {
  const sodium = await ready();
  const pw = utf8(passphrase.normalize('NFC'));
  try {
    if (elsewhere && p.mem > KDF_FLOOR.mem && (await cryptoBackend()) === 'wasm') return await elsewhere(pw, salt, p);
    return sodium.crypto_pwhash(32, pw, salt, p.ops, p.mem, sodium.crypto_pwhash_ALG_ARGON2ID13);
  } finally {
    sodium.memzero(pw);
  }
}
