// Argon2id for passphrases (the key file's passphrase slot and the escrow
// key file), with the bounds every reader checks before deriving anything.
import { UnsupportedFormat } from './errors.js';
import { utf8 } from './bytes.js';
import { ready } from './sodium.js';

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

export async function passphraseKek(passphrase: string, salt: Uint8Array, p: KdfParams): Promise<Uint8Array> {
  const sodium = await ready();
  const pw = utf8(passphrase.normalize('NFC'));
  try {
    return sodium.crypto_pwhash(32, pw, salt, p.ops, p.mem, sodium.crypto_pwhash_ALG_ARGON2ID13);
  } finally {
    sodium.memzero(pw);
  }
}
