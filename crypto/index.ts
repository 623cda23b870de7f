// The public surface of the formats. Engine code imports from here only.
export { cryptoBackend, ready, type Backend as CryptoBackend } from './sodium.js';
export { randomBytes } from './random.js';
export * from './errors.js';
export { concat, utf8, toBase64, fromBase64, toHex, fromHex } from './bytes.js';
export { deriveKeys, keyring, wipeKeys, writeKeysOf, type ReadKeys, type WriteKeys } from './keys.js';
export {
  createKeyFile,
  openKeyFile,
  parseKeyFile,
  serializeKeyFile,
  rewrapPassphrase,
  rewrapRecovery,
  addEscrowSlot,
  removeEscrowSlot,
  escrowPublicKeyOf,
  rotateKeyFile,
  markCloudReencrypted,
  cloudReencrypting,
  rotatedFromKeys,
  keyFileAuthentic,
  KDF_PROFILES,
  KEYFILE_MAX_BYTES,
  type KdfProfile,
  type KdfParams,
  type KeyFile,
  type Secret,
} from './keyfile.js';
export { runArgon2Elsewhere, type Argon2Runner } from './kdf.js';
export {
  createEscrowKey,
  openEscrowKeyFile,
  parseEscrowKeyFile,
  parseEscrowPublicKey,
  escrowFingerprint,
  normaliseFingerprint,
  type EscrowKeyPair,
} from './escrow.js';
export { vaultFingerprint, makeEscrowReceipt, parseEscrowReceipt, keysMatchFingerprint, type EscrowReceipt } from './escrow-receipt.js';
export { encodeRecoveryKey, decodeRecoveryKey } from './recovery.js';
export { objectId, objectRemoteName, parseObjectRemoteName, assertSafeVaultPath } from './names.js';
export { ObjectSealer, openObject, openObjectToBytes, objectLength, type ObjectMeta, type ObjectReadKeys } from './object.js';
export { padmeLength } from './padding.js';
export { sealLocalSecret, openLocalSecret, type SealedSecret } from './local-secret.js';
export {
  sealAuditEntry,
  openAuditEntry,
  auditHeadMac,
  AUDIT_BUCKET,
  verifyAuditChain,
  parseAuditLine,
  formatAuditLine,
  GENESIS,
  type AuditEntry,
  type AuditLine,
} from './audit.js';
