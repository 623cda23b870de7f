// The vault's key hierarchy. One random 32-byte master secret; everything else
// is derived from it with crypto_kdf (BLAKE2b), context "cvault01":
//   id 1  seed of the X25519 key pair that per-object keys are sealed to
//   id 2  name key: keyed hash of a path -> object name
//   id 3  auth key: authenticates object headers (who may write)
//   id 4  key-file MAC key
//   id 5  local secrets key: this computer's stored sign-ins (Dropbox refresh token)
//   id 6  wraps the earlier master secrets in the key file after a key rotation
// The write keys (public key, name key, auth key) let a locked device encrypt
// and upload; only the box secret reads, and it exists only while unlocked.
import { ready } from './sodium.js';

const KDF_CONTEXT = 'cvault01';

export interface WriteKeys {
  vaultId: Uint8Array;
  publicKey: Uint8Array;
  nameKey: Uint8Array;
  authKey: Uint8Array;
}

export interface ReadKeys extends WriteKeys {
  master: Uint8Array;
  boxSecret: Uint8Array;
  keyfileMacKey: Uint8Array;
  localSecretKey: Uint8Array;
  /** The vault's earlier keys (newest first), after keys were rotated: they read what was written before. */
  previous?: ReadKeys[];
}

export async function deriveKeys(master: Uint8Array, vaultId: Uint8Array): Promise<ReadKeys> {
  const sodium = await ready();
  const sub = (id: number) => sodium.crypto_kdf_derive_from_key(32, id, KDF_CONTEXT, master);
  const seed = sub(1);
  const pair = sodium.crypto_box_seed_keypair(seed);
  sodium.memzero(seed);
  return {
    vaultId: vaultId.slice(),
    master: master.slice(),
    publicKey: pair.publicKey,
    boxSecret: pair.privateKey,
    nameKey: sub(2),
    authKey: sub(3),
    keyfileMacKey: sub(4),
    localSecretKey: sub(5),
  };
}

/** The key (id 6) that wraps the earlier master secrets in the key file. */
export async function previousWrapKey(master: Uint8Array): Promise<Uint8Array> {
  return (await ready()).crypto_kdf_derive_from_key(32, 6, KDF_CONTEXT, master);
}

/** Wipe every secret in place (lock). */
export async function wipeKeys(keys: Partial<ReadKeys>): Promise<void> {
  const sodium = await ready();
  for (const k of [keys.master, keys.boxSecret, keys.keyfileMacKey, keys.localSecretKey, keys.nameKey, keys.authKey]) {
    if (k) sodium.memzero(k);
  }
  for (const p of keys.previous ?? []) await wipeKeys(p);
}

/** The current keys, then the earlier ones: what reads anything this vault wrote. */
export function keyring(keys: ReadKeys): ReadKeys[] {
  return [keys, ...(keys.previous ?? [])];
}

export function writeKeysOf(keys: ReadKeys): WriteKeys {
  return {
    vaultId: keys.vaultId.slice(),
    publicKey: keys.publicKey.slice(),
    nameKey: keys.nameKey.slice(),
    authKey: keys.authKey.slice(),
  };
}
