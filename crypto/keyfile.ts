// The key file (casevault.key): the vault's master secret wrapped once per
// slot (passphrase via Argon2id; recovery key via BLAKE2b; optionally the
// organisation's escrow public key via a sealed box), as UTF-8 JSON.
// The cloud may rewrite it, so every field is authenticated: each slot's
// parameters are the AEAD's associated data and its key-encryption key is
// committed to before decryption; the public key is recomputed from the
// master secret; a MAC under the master secret covers the whole file.
// After a key rotation, `previous` holds the earlier master secrets, wrapped
// under a key derived from the current one, so the current keys still read
// what was written before (old backups; cloud objects until re-encrypted),
// and `rotatedFrom` proves to each earlier key's holder, under that key, that
// the new public key succeeds it: a computer that has not yet taken the new
// keys on tells a real rotation from a key file swapped in by the cloud.
// Spec: docs/format.md, "Key file".
import { z } from 'zod';
import { concat, fromBase64, toBase64, u32le, u64le, utf8 } from './bytes.js';
import { DamagedData, UnsupportedFormat, WrongSecret } from './errors.js';
import { escrowFingerprint, openFromEscrow, sealToEscrow, type EscrowKeyPair } from './escrow.js';
import { checkKdfParams, KDF_CEILING, passphraseKek, type KdfParams } from './kdf.js';
import { deriveKeys, previousWrapKey, wipeKeys, type ReadKeys } from './keys.js';
import { randomBytes } from './random.js';
import { ready } from './sodium.js';

export { checkKdfParams, KDF_CEILING, KDF_FLOOR, KDF_PROFILES, type KdfParams, type KdfProfile } from './kdf.js';

export const KEYFILE_VERSION = 1;
/** A key file is at most this long; a reader never takes in more (the cloud may put anything there). */
export const KEYFILE_MAX_BYTES = 64 * 1024;

export type SlotRole = 'passphrase' | 'recovery' | 'escrow';
const ROLE_BYTE: Record<WrappedSlot['role'], number> = { passphrase: 1, recovery: 2 };

const b64 = z.string().max(200);
const slotSchema = z.discriminatedUnion('role', [
  z
    .object({
      role: z.literal('passphrase'),
      kdf: z.literal('argon2id13'),
      ops: z.number().int(),
      mem: z.number().int(),
      salt: b64,
      nonce: b64,
      commit: b64,
      wrapped: b64,
    })
    .strict(),
  z
    .object({
      role: z.literal('recovery'),
      kdf: z.literal('blake2b'),
      nonce: b64,
      commit: b64,
      wrapped: b64,
    })
    .strict(),
  // No AEAD of its own: a sealed box of the master secret; the file MAC
  // (under the master secret) authenticates the public key and fingerprint.
  z
    .object({
      role: z.literal('escrow'),
      kdf: z.literal('x25519-sealedbox'),
      publicKey: b64,
      fingerprint: z.string().max(64),
      sealed: b64,
    })
    .strict(),
]);
/** At most this many earlier master secrets are kept (the oldest is dropped after that many rotations). */
export const MAX_PREVIOUS = 16;
const previousSchema = z
  .object({
    nonce: b64,
    wrapped: z.string().max(1000),
    /** Whether cloud objects written under earlier keys may still exist (a rotation is re-encrypting them). */
    cloud: z.enum(['re-encrypting', 'done']),
  })
  .strict();
/** Newest earlier key first: its public key, and the proof under its auth key that this file's public key succeeds it. */
const rotatedFromSchema = z
  .array(z.object({ publicKey: b64, proof: b64 }).strict())
  .min(1)
  .max(MAX_PREVIOUS);
const keyFileSchema = z
  .object({
    casevault: z.literal('keyfile'),
    version: z.number().int(),
    vaultId: b64,
    publicKey: b64,
    slots: z.array(slotSchema).min(1).max(8),
    previous: previousSchema.optional(),
    rotatedFrom: rotatedFromSchema.optional(),
    mac: b64,
  })
  .strict();

export type Slot = z.infer<typeof slotSchema>;
type WrappedSlot = Exclude<Slot, { role: 'escrow' }>;
type SlotHead = WrappedSlot extends infer S ? (S extends WrappedSlot ? Omit<S, 'nonce' | 'commit' | 'wrapped'> : never) : never;
export type KeyFile = z.infer<typeof keyFileSchema>;
export type PreviousKeys = z.infer<typeof previousSchema>;
export type RotatedFrom = z.infer<typeof rotatedFromSchema>;

const REPAIR = 'put back a good copy of casevault.key (every computer using the vault keeps one in its CASEVAULT_HOME)';
const damagedKeyFile = (why: string) => new DamagedData(`the key file is damaged (${why}); ${REPAIR}`);

/** Parse and shape-check a key file. Throws DamagedData or UnsupportedFormat; never computes anything expensive. */
export function parseKeyFile(bytes: Uint8Array): KeyFile {
  if (bytes.length > KEYFILE_MAX_BYTES) throw damagedKeyFile('too large');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw damagedKeyFile('not readable');
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version !== KEYFILE_VERSION) {
    throw new UnsupportedFormat(`the key file is format version ${version}; this Casevault reads version ${KEYFILE_VERSION} only`);
  }
  const parsed = keyFileSchema.safeParse(json);
  if (!parsed.success) throw damagedKeyFile('unexpected contents');
  const kf = parsed.data;
  try {
    fromBase64(kf.vaultId, 16);
    fromBase64(kf.publicKey, 32);
    fromBase64(kf.mac, 32);
    for (const s of kf.slots) {
      if (s.role === 'escrow') {
        fromBase64(s.publicKey, 32);
        fromBase64(s.sealed, 80);
        continue;
      }
      fromBase64(s.nonce, 24);
      fromBase64(s.commit, 32);
      fromBase64(s.wrapped, 48);
      if (s.role === 'passphrase') fromBase64(s.salt, 16);
    }
    for (const r of kf.rotatedFrom ?? []) {
      fromBase64(r.publicKey, 32);
      fromBase64(r.proof, 32);
    }
    if (kf.previous) {
      fromBase64(kf.previous.nonce, 24);
      const n = (fromBase64(kf.previous.wrapped).length - 16) / 32;
      if (!Number.isInteger(n) || n < 1 || n > MAX_PREVIOUS) throw new Error('bad previous');
    }
  } catch {
    throw damagedKeyFile('bad field');
  }
  if (kf.slots.filter((s) => s.role === 'escrow').length > 1) throw damagedKeyFile('more than one escrow slot');
  for (const s of kf.slots) if (s.role === 'passphrase') checkKdfParams(s);
  checkArgon2Budget(kf.slots);
  return kf;
}

/**
 * Opening tries every passphrase slot, so the file as a whole gets one
 * Argon2 budget (the ceiling of one slot, in passes times memory), not one
 * per slot: eight slots at the ceiling would cost eight times the most a
 * key file may ask.
 */
function checkArgon2Budget(slots: readonly Slot[]): void {
  let cost = 0;
  for (const s of slots) if (s.role === 'passphrase') cost += s.ops * s.mem;
  if (cost > KDF_CEILING.ops * KDF_CEILING.mem) {
    throw new UnsupportedFormat('the key file asks for more memory or time than Casevault allows (its passphrase slots together)');
  }
}

export function serializeKeyFile(kf: KeyFile): Uint8Array {
  return utf8(JSON.stringify(kf, null, 2) + '\n');
}

/** Associated data of a slot: binds version, vault, role and every KDF parameter. */
function slotAd(vaultId: Uint8Array, s: SlotHead): Uint8Array {
  const params = s.role === 'passphrase' ? concat(utf8('argon2id13'), u32le(s.ops), u64le(s.mem), fromBase64(s.salt, 16)) : utf8('blake2b');
  return concat(utf8('casevault keyfile slot'), u32le(KEYFILE_VERSION), vaultId, new Uint8Array([ROLE_BYTE[s.role]]), params);
}

async function recoveryKek(recoveryKey: Uint8Array): Promise<Uint8Array> {
  const sodium = await ready();
  return sodium.crypto_generichash(32, utf8('casevault recovery kek v1'), recoveryKey);
}

async function commitment(kek: Uint8Array, ad: Uint8Array): Promise<Uint8Array> {
  const sodium = await ready();
  return sodium.crypto_generichash(32, concat(utf8('casevault key commitment v1'), ad), kek);
}

async function wrap(master: Uint8Array, kek: Uint8Array, vaultId: Uint8Array, head: SlotHead): Promise<WrappedSlot> {
  const sodium = await ready();
  const ad = slotAd(vaultId, head);
  const nonce = randomBytes(24);
  const wrapped = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(master, ad, null, nonce, kek);
  return { ...head, nonce: toBase64(nonce), commit: toBase64(await commitment(kek, ad)), wrapped: toBase64(wrapped) } as WrappedSlot;
}

/** Returns the master secret, or undefined if this KEK does not open the slot. */
async function unwrap(slot: WrappedSlot, kek: Uint8Array, vaultId: Uint8Array): Promise<Uint8Array | undefined> {
  const sodium = await ready();
  const ad = slotAd(vaultId, slot);
  // Key commitment first: Poly1305 alone is not key-committing (partitioning oracles).
  if (!sodium.memcmp(await commitment(kek, ad), fromBase64(slot.commit, 32))) return undefined;
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, fromBase64(slot.wrapped, 48), ad, fromBase64(slot.nonce, 24), kek);
  } catch {
    return undefined;
  }
}

async function fileMac(kf: Omit<KeyFile, 'mac'>, macKey: Uint8Array): Promise<Uint8Array> {
  const sodium = await ready();
  // `previous` and `rotatedFrom` are covered when present; a file without them has the MAC it always had.
  const body = JSON.stringify({
    casevault: kf.casevault,
    version: kf.version,
    vaultId: kf.vaultId,
    publicKey: kf.publicKey,
    slots: kf.slots,
    ...(kf.previous ? { previous: kf.previous } : {}),
    ...(kf.rotatedFrom ? { rotatedFrom: kf.rotatedFrom } : {}),
  });
  return sodium.crypto_generichash(32, concat(utf8('casevault keyfile mac v1'), utf8(body)), macKey);
}

async function seal(keys: ReadKeys, slots: Slot[], previous: PreviousKeys | undefined, rotatedFrom: RotatedFrom | undefined): Promise<KeyFile> {
  const body = {
    casevault: 'keyfile' as const,
    version: KEYFILE_VERSION,
    vaultId: toBase64(keys.vaultId),
    publicKey: toBase64(keys.publicKey),
    slots,
    ...(previous ? { previous } : {}),
    ...(rotatedFrom ? { rotatedFrom } : {}),
  };
  return { ...body, mac: toBase64(await fileMac(body, keys.keyfileMacKey)) };
}

function previousAd(vaultId: Uint8Array, cloud: PreviousKeys['cloud']): Uint8Array {
  return concat(utf8('casevault keyfile previous v1'), u32le(KEYFILE_VERSION), vaultId, utf8(cloud));
}

/** The earlier master secrets (newest first), wrapped under a key derived from `master`. */
async function wrapPrevious(master: Uint8Array, vaultId: Uint8Array, masters: Uint8Array[], cloud: PreviousKeys['cloud']): Promise<PreviousKeys> {
  const sodium = await ready();
  const key = await previousWrapKey(master);
  const nonce = randomBytes(24);
  const plain = concat(...masters);
  try {
    return {
      nonce: toBase64(nonce),
      wrapped: toBase64(sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, previousAd(vaultId, cloud), null, nonce, key)),
      cloud,
    };
  } finally {
    sodium.memzero(key);
    sodium.memzero(plain);
  }
}

async function unwrapPrevious(master: Uint8Array, vaultId: Uint8Array, p: PreviousKeys): Promise<Uint8Array[]> {
  const sodium = await ready();
  const key = await previousWrapKey(master);
  let plain: Uint8Array;
  try {
    plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, fromBase64(p.wrapped), previousAd(vaultId, p.cloud), fromBase64(p.nonce, 24), key);
  } catch {
    throw new DamagedData(`the key file has been tampered with (earlier keys); ${REPAIR}`);
  } finally {
    sodium.memzero(key);
  }
  const masters = Array.from({ length: plain.length / 32 }, (_, i) => plain.slice(i * 32, i * 32 + 32));
  sodium.memzero(plain);
  return masters;
}

async function passphraseSlot(keys: ReadKeys, passphrase: string, p: KdfParams): Promise<Slot> {
  checkKdfParams(p);
  const salt = randomBytes(16);
  const head: SlotHead = { role: 'passphrase', kdf: 'argon2id13', ops: p.ops, mem: p.mem, salt: toBase64(salt) };
  const kek = await passphraseKek(passphrase, salt, p);
  try {
    return await wrap(keys.master, kek, keys.vaultId, head);
  } finally {
    (await ready()).memzero(kek);
  }
}

async function recoverySlot(keys: ReadKeys, recoveryKey: Uint8Array): Promise<Slot> {
  const kek = await recoveryKek(recoveryKey);
  try {
    return await wrap(keys.master, kek, keys.vaultId, { role: 'recovery', kdf: 'blake2b' });
  } finally {
    (await ready()).memzero(kek);
  }
}

export interface NewVault {
  keys: ReadKeys;
  keyFile: KeyFile;
  recoveryKey: Uint8Array;
}

/** A new vault: fresh master secret, vault ID and recovery key. */
export async function createKeyFile(passphrase: string, kdf: KdfParams): Promise<NewVault> {
  const master = randomBytes(32);
  const keys = await deriveKeys(master, randomBytes(16));
  (await ready()).memzero(master);
  const recoveryKey = randomBytes(32);
  const slots = [await passphraseSlot(keys, passphrase, kdf), await recoverySlot(keys, recoveryKey)];
  return { keys, keyFile: await seal(keys, slots, undefined, undefined), recoveryKey };
}

export type Secret = { passphrase: string } | { recoveryKey: Uint8Array } | { escrow: EscrowKeyPair };

const WRONG: Record<SlotRole, string> = {
  passphrase: 'the passphrase is wrong; check it and try again, or use the recovery key',
  recovery: 'the recovery key does not open this vault; check that it is the key of this vault',
  escrow: "this escrow key does not open this vault (the vault has no escrow slot for it); check that it is the union's key this vault was given",
};

/** The master secret if `secret` opens `slot`, else undefined. */
async function openSlot(slot: Slot, secret: Secret, vaultId: Uint8Array): Promise<Uint8Array | undefined> {
  const sodium = await ready();
  if (slot.role === 'escrow') {
    if (!('escrow' in secret) || !sodium.memcmp(fromBase64(slot.publicKey, 32), secret.escrow.publicKey)) return undefined;
    const master = await openFromEscrow(fromBase64(slot.sealed, 80), secret.escrow);
    return master?.length === 32 ? master : undefined;
  }
  const kek =
    slot.role === 'passphrase'
      ? await passphraseKek((secret as { passphrase: string }).passphrase, fromBase64(slot.salt, 16), slot)
      : await recoveryKek((secret as { recoveryKey: Uint8Array }).recoveryKey);
  try {
    return await unwrap(slot, kek, vaultId);
  } finally {
    sodium.memzero(kek);
  }
}

/**
 * Whether `kf` is a genuine key file of the vault whose current keys are
 * `keys` (same vault ID and public key, MAC and escrow fingerprint good):
 * made by someone holding the master secret, such as another computer that
 * changed the passphrase or recovery key. It may still be an earlier such
 * file put back: nothing in a key file orders two of them.
 */
export async function keyFileAuthentic(kf: KeyFile, keys: Pick<ReadKeys, 'keyfileMacKey' | 'publicKey' | 'vaultId'>): Promise<boolean> {
  const sodium = await ready();
  if (kf.vaultId !== toBase64(keys.vaultId) || kf.publicKey !== toBase64(keys.publicKey)) return false;
  if (!sodium.memcmp(await fileMac(kf, keys.keyfileMacKey), fromBase64(kf.mac, 32))) return false;
  const escrow = kf.slots.find((s) => s.role === 'escrow');
  return !escrow || escrow.fingerprint === (await escrowFingerprint(fromBase64(escrow.publicKey, 32)));
}

/**
 * Open a key file. A wrong secret and a tampered slot are the same failure
 * (WrongSecret): a server that edits slots learns nothing from the answer.
 * Once the master secret is known, anything else that does not match is
 * tampering (DamagedData).
 */
export async function openKeyFile(kf: KeyFile, secret: Secret): Promise<ReadKeys> {
  const sodium = await ready();
  const vaultId = fromBase64(kf.vaultId, 16);
  const role: SlotRole = 'passphrase' in secret ? 'passphrase' : 'recoveryKey' in secret ? 'recovery' : 'escrow';
  let master: Uint8Array | undefined;
  for (const slot of kf.slots) {
    if (slot.role !== role) continue;
    master = await openSlot(slot, secret, vaultId);
    if (master) break;
  }
  if (!master) throw new WrongSecret(WRONG[role]);
  const keys = await deriveKeys(master, vaultId);
  sodium.memzero(master);
  const macOk = sodium.memcmp(await fileMac(kf, keys.keyfileMacKey), fromBase64(kf.mac, 32));
  const escrow = kf.slots.find((s) => s.role === 'escrow');
  const fingerprintOk = !escrow || escrow.fingerprint === (await escrowFingerprint(fromBase64(escrow.publicKey, 32)));
  if (!macOk || !fingerprintOk || !sodium.memcmp(keys.publicKey, fromBase64(kf.publicKey, 32))) {
    await wipeKeys(keys);
    throw new DamagedData(`the key file has been tampered with; ${REPAIR}`);
  }
  if (kf.previous) {
    try {
      const masters = await unwrapPrevious(keys.master, vaultId, kf.previous);
      keys.previous = await Promise.all(masters.map((m) => deriveKeys(m, vaultId)));
      for (const m of masters) sodium.memzero(m);
    } catch (e) {
      await wipeKeys(keys);
      throw e;
    }
  }
  return keys;
}

/** Keep the earlier keys (and whether the cloud is still being re-encrypted) when rewriting a key file. */
async function previousOf(kf: KeyFile, keys: ReadKeys, cloud = kf.previous?.cloud): Promise<PreviousKeys | undefined> {
  const masters = (keys.previous ?? []).map((p) => p.master);
  return masters.length > 0 && cloud ? wrapPrevious(keys.master, keys.vaultId, masters, cloud) : undefined;
}

export interface RotatedVault {
  /** The new keys; their `previous` holds the old ones. */
  keys: ReadKeys;
  keyFile: KeyFile;
}

/**
 * Rotate the vault's keys (a computer was lost): a fresh master secret under
 * the same vault ID, a new passphrase, the escrow slot (if any) sealed again
 * to the same organisation key, and the old master secrets kept under the
 * new one, marked as still to re-encrypt in the cloud. The recovery slot
 * holds a key nobody has seen: replace it (rewrapRecovery) before showing one.
 */
export async function rotateKeyFile(kf: KeyFile, old: ReadKeys, passphrase: string, kdf: KdfParams): Promise<RotatedVault> {
  const master = randomBytes(32);
  const keys = await deriveKeys(master, old.vaultId);
  (await ready()).memzero(master);
  keys.previous = await Promise.all([old, ...(old.previous ?? [])].slice(0, MAX_PREVIOUS).map((k) => deriveKeys(k.master, k.vaultId)));
  const unseen = randomBytes(32);
  const slots = [await passphraseSlot(keys, passphrase, kdf), await recoverySlot(keys, unseen)];
  unseen.fill(0);
  const escrow = escrowPublicKeyOf(kf);
  const rotatedFrom = await Promise.all(
    keys.previous.map(async (k) => ({ publicKey: toBase64(k.publicKey), proof: toBase64(await successionProof(keys, k)) })),
  );
  const keyFile = await seal(keys, slots, await previousOf(kf, keys, 're-encrypting'), rotatedFrom);
  return { keys, keyFile: escrow ? await addEscrowSlot(keyFile, keys, escrow) : keyFile };
}

/** The proof, under an earlier key's auth key (which every computer of that key generation holds, locked or not), that `next` succeeds it. */
async function successionProof(next: Pick<ReadKeys, 'vaultId' | 'publicKey'>, earlier: Pick<ReadKeys, 'publicKey' | 'authKey'>): Promise<Uint8Array> {
  const sodium = await ready();
  return sodium.crypto_generichash(32, concat(utf8('casevault keyfile rotated from v1'), next.vaultId, next.publicKey, earlier.publicKey), earlier.authKey);
}

/**
 * Whether `kf` (not opened: its MAC needs the new master secret) is a key
 * rotation of the keys `mine` that someone holding them made: it names
 * `mine` among the keys it succeeds, with a proof under `mine`'s auth key
 * that the cloud, which never has that key, cannot make.
 */
export async function rotatedFromKeys(kf: KeyFile, mine: Pick<ReadKeys, 'vaultId' | 'publicKey' | 'authKey'>): Promise<boolean> {
  const sodium = await ready();
  if (kf.vaultId !== toBase64(mine.vaultId)) return false;
  const entry = kf.rotatedFrom?.find((r) => r.publicKey === toBase64(mine.publicKey));
  if (!entry) return false;
  const expected = await successionProof({ vaultId: mine.vaultId, publicKey: fromBase64(kf.publicKey, 32) }, mine);
  return sodium.memcmp(expected, fromBase64(entry.proof, 32));
}

/** After every cloud object is under the current keys: the earlier keys stop opening cloud objects (they still read old backups). */
export async function markCloudReencrypted(kf: KeyFile, keys: ReadKeys): Promise<KeyFile> {
  return seal(keys, kf.slots, await previousOf(kf, keys, 'done'), kf.rotatedFrom);
}

/** Whether cloud objects may still be under earlier keys (a rotation has not finished re-encrypting them). */
export function cloudReencrypting(kf: KeyFile): boolean {
  return kf.previous?.cloud === 're-encrypting';
}

/** Replace the passphrase slot (no content is re-encrypted). */
export async function rewrapPassphrase(kf: KeyFile, keys: ReadKeys, passphrase: string, kdf: KdfParams): Promise<KeyFile> {
  const others = kf.slots.filter((s) => s.role !== 'passphrase');
  return seal(keys, [await passphraseSlot(keys, passphrase, kdf), ...others], await previousOf(kf, keys), kf.rotatedFrom);
}

/** Replace the recovery slot with a new recovery key. */
export async function rewrapRecovery(kf: KeyFile, keys: ReadKeys): Promise<{ keyFile: KeyFile; recoveryKey: Uint8Array }> {
  const recoveryKey = randomBytes(32);
  const others = kf.slots.filter((s) => s.role !== 'recovery');
  return { keyFile: await seal(keys, [...others, await recoverySlot(keys, recoveryKey)], await previousOf(kf, keys), kf.rotatedFrom), recoveryKey };
}

/**
 * Add (or replace) the escrow slot: the master secret sealed to the
 * organisation's public key. Needs the unlocked keys, since the file MAC
 * under the master secret is what authenticates the public key.
 */
export async function addEscrowSlot(kf: KeyFile, keys: ReadKeys, escrowPublicKey: Uint8Array): Promise<KeyFile> {
  const others = kf.slots.filter((s) => s.role !== 'escrow');
  const slot: Slot = {
    role: 'escrow',
    kdf: 'x25519-sealedbox',
    publicKey: toBase64(escrowPublicKey),
    fingerprint: await escrowFingerprint(escrowPublicKey),
    sealed: toBase64(await sealToEscrow(keys.master, escrowPublicKey)),
  };
  return seal(keys, [...others, slot], await previousOf(kf, keys), kf.rotatedFrom);
}

export async function removeEscrowSlot(kf: KeyFile, keys: ReadKeys): Promise<KeyFile> {
  return seal(
    keys,
    kf.slots.filter((s) => s.role !== 'escrow'),
    await previousOf(kf, keys),
    kf.rotatedFrom,
  );
}

/** The escrow slot's public key, if the key file has one (authenticated only once the file is opened). */
export function escrowPublicKeyOf(kf: KeyFile): Uint8Array | undefined {
  const slot = kf.slots.find((s) => s.role === 'escrow');
  return slot?.role === 'escrow' ? fromBase64(slot.publicKey, 32) : undefined;
}
