// Secrets this computer keeps for the vault (a Dropbox refresh token), sealed
// under the vault's local secrets key: XChaCha20-Poly1305 with the secret's
// label and the vault ID as associated data. Opening needs the vault
// unlocked. Spec: docs/format.md, "Local secrets".
import { concat, fromBase64, toBase64, utf8 } from './bytes.js';
import { DamagedData } from './errors.js';
import { randomBytes } from './random.js';
import { ready } from './sodium.js';

export interface SealedSecret {
  v: 1;
  nonce: string;
  sealed: string;
}

const ad = (label: string, vaultId: Uint8Array) => concat(utf8('casevault local secret v1\0'), utf8(label), new Uint8Array([0]), vaultId);

export async function sealLocalSecret(key: Uint8Array, vaultId: Uint8Array, label: string, secret: string): Promise<SealedSecret> {
  const sodium = await ready();
  const nonce = randomBytes(24);
  const sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(utf8(secret), ad(label, vaultId), null, nonce, key);
  return { v: 1, nonce: toBase64(nonce), sealed: toBase64(sealed) };
}

export async function openLocalSecret(key: Uint8Array, vaultId: Uint8Array, label: string, s: SealedSecret): Promise<string> {
  const sodium = await ready();
  try {
    const plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, fromBase64(s.sealed), ad(label, vaultId), fromBase64(s.nonce, 24), key);
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    throw new DamagedData('a stored sign-in on this computer is damaged; sign in again');
  }
}
