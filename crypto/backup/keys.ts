// Keys of a backup repository. Backups run while the vault is locked, so
// every key a backup needs comes from the write keys (config.json), never
// from the master secret:
//
//   wrapKey = crypto_kdf(authKey, id 1, context "cvbackup")
//     encrypts the repository's own random 32-byte secret R in its config
//     file, with every repository parameter as associated data. Another
//     vault's wrap key does not open it: that is how a repository is tied
//     to its vault.
//   from R, crypto_kdf context "cvbkrepo":
//     1 gear key      the chunker's gear table
//     2 cut key       the PRF applied before each cut decision
//     3 blob-ID key   keyed BLAKE2b of a chunk's plaintext (dedup)
//     4 index key     pack headers, index files, snapshot summaries
//     5 manifest MAC  authenticates whole snapshot manifests
//
// What a reader needs on top: the vault's box secret (unlocked only), to
// open the per-pack and per-manifest keys sealed to the vault public key.
// Per-repository keys: the same file backed up into two repositories gets
// different cut points and different blob IDs. Spec: docs/backup-format.md.
import type { WriteKeys } from '../keys.js';
import { ready } from '../sodium.js';

const VAULT_CONTEXT = 'cvbackup';
const REPO_CONTEXT = 'cvbkrepo';

export interface RepoKeys {
  gearKey: Uint8Array;
  cutKey: Uint8Array;
  idKey: Uint8Array;
  indexKey: Uint8Array;
  manifestMacKey: Uint8Array;
  /** The vault public key that pack and manifest keys are sealed to. */
  publicKey: Uint8Array;
}

/** The key that wraps a repository's secret: proves a repository belongs to this vault. */
export async function repoWrapKey(keys: Pick<WriteKeys, 'authKey'>): Promise<Uint8Array> {
  const sodium = await ready();
  return sodium.crypto_kdf_derive_from_key(32, 1, VAULT_CONTEXT, keys.authKey);
}

export async function deriveRepoKeys(secret: Uint8Array, publicKey: Uint8Array): Promise<RepoKeys> {
  const sodium = await ready();
  const sub = (id: number) => sodium.crypto_kdf_derive_from_key(32, id, REPO_CONTEXT, secret);
  return { gearKey: sub(1), cutKey: sub(2), idKey: sub(3), indexKey: sub(4), manifestMacKey: sub(5), publicKey: publicKey.slice() };
}

export async function wipeRepoKeys(k: RepoKeys): Promise<void> {
  const sodium = await ready();
  for (const key of [k.gearKey, k.cutKey, k.idKey, k.indexKey, k.manifestMacKey]) sodium.memzero(key);
}
