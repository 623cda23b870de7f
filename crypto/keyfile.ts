// The key file (casevault.key): the vault's master secret wrapped once per
// slot (passphrase via Argon2id; recovery key via BLAKE2b), as UTF-8 JSON.
// The cloud may rewrite it, so every field is authenticated: each slot's
// parameters are the AEAD's associated data and its key-encryption key is
// committed to before decryption; the public key is recomputed from the
// master secret; a MAC under the master secret covers the whole file.
// Spec: docs/format.md, "Key file".
import { z } from 'zod';
import { concat, fromBase64, toBase64, u32le, u64le, utf8 } from './bytes.js';
import { DamagedData, UnsupportedFormat, WrongSecret } from './errors.js';
import { deriveKeys, type ReadKeys } from './keys.js';
import { randomBytes } from './random.js';
import { ready } from './sodium.js';

export const KEYFILE_VERSION = 1;

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

export type SlotRole = 'passphrase' | 'recovery';
const ROLE_BYTE: Record<SlotRole, number> = { passphrase: 1, recovery: 2 };

const b64 = z.string().max(200);
const slotSchema = z.discriminatedUnion('role', [
  z.object({
    role: z.literal('passphrase'),
    kdf: z.literal('argon2id13'),
    ops: z.number().int(),
    mem: z.number().int(),
    salt: b64,
    nonce: b64,
    commit: b64,
    wrapped: b64,
  }).strict(),
  z.object({
    role: z.literal('recovery'),
    kdf: z.literal('blake2b'),
    nonce: b64,
    commit: b64,
    wrapped: b64,
  }).strict(),
]);
const keyFileSchema = z.object({
  casevault: z.literal('keyfile'),
  version: z.number().int(),
  vaultId: b64,
  publicKey: b64,
  slots: z.array(slotSchema).min(1).max(8),
  mac: b64,
}).strict();

export type Slot = z.infer<typeof slotSchema>;
type SlotHead = Slot extends infer S ? (S extends Slot ? Omit<S, 'nonce' | 'commit' | 'wrapped'> : never) : never;
export type KeyFile = z.infer<typeof keyFileSchema>;

const REPAIR = 'put back a good copy of casevault.key (every computer using the vault keeps one in its CASEVAULT_HOME)';
const damagedKeyFile = (why: string) => new DamagedData(`the key file is damaged (${why}); ${REPAIR}`);

/** Parse and shape-check a key file. Throws DamagedData or UnsupportedFormat; never computes anything expensive. */
export function parseKeyFile(bytes: Uint8Array): KeyFile {
  if (bytes.length > 64 * 1024) throw damagedKeyFile('too large');
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
      fromBase64(s.nonce, 24);
      fromBase64(s.commit, 32);
      fromBase64(s.wrapped, 48);
      if (s.role === 'passphrase') fromBase64(s.salt, 16);
    }
  } catch {
    throw damagedKeyFile('bad field');
  }
  for (const s of kf.slots) if (s.role === 'passphrase') checkKdfParams(s);
  return kf;
}

export function checkKdfParams(p: KdfParams): void {
  if (p.ops < KDF_FLOOR.ops || p.mem < KDF_FLOOR.mem) {
    throw new UnsupportedFormat('the key file asks for a weaker passphrase protection than Casevault allows');
  }
  if (p.ops > KDF_CEILING.ops || p.mem > KDF_CEILING.mem) {
    throw new UnsupportedFormat('the key file asks for more memory or time than Casevault allows');
  }
}

export function serializeKeyFile(kf: KeyFile): Uint8Array {
  return utf8(JSON.stringify(kf, null, 2) + '\n');
}

/** Associated data of a slot: binds version, vault, role and every KDF parameter. */
function slotAd(vaultId: Uint8Array, s: SlotHead): Uint8Array {
  const params = s.role === 'passphrase'
    ? concat(utf8('argon2id13'), u32le(s.ops), u64le(s.mem), fromBase64(s.salt, 16))
    : utf8('blake2b');
  return concat(utf8('casevault keyfile slot'), u32le(KEYFILE_VERSION), vaultId, new Uint8Array([ROLE_BYTE[s.role]]), params);
}

async function passphraseKek(passphrase: string, salt: Uint8Array, p: KdfParams): Promise<Uint8Array> {
  const sodium = await ready();
  const pw = utf8(passphrase.normalize('NFC'));
  try {
    return sodium.crypto_pwhash(32, pw, salt, p.ops, p.mem, sodium.crypto_pwhash_ALG_ARGON2ID13);
  } finally {
    sodium.memzero(pw);
  }
}

async function recoveryKek(recoveryKey: Uint8Array): Promise<Uint8Array> {
  const sodium = await ready();
  return sodium.crypto_generichash(32, utf8('casevault recovery kek v1'), recoveryKey);
}

async function commitment(kek: Uint8Array, ad: Uint8Array): Promise<Uint8Array> {
  const sodium = await ready();
  return sodium.crypto_generichash(32, concat(utf8('casevault key commitment v1'), ad), kek);
}

async function wrap(master: Uint8Array, kek: Uint8Array, vaultId: Uint8Array, head: SlotHead): Promise<Slot> {
  const sodium = await ready();
  const ad = slotAd(vaultId, head);
  const nonce = randomBytes(24);
  const wrapped = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(master, ad, null, nonce, kek);
  return { ...head, nonce: toBase64(nonce), commit: toBase64(await commitment(kek, ad)), wrapped: toBase64(wrapped) } as Slot;
}

/** Returns the master secret, or undefined if this KEK does not open the slot. */
async function unwrap(slot: Slot, kek: Uint8Array, vaultId: Uint8Array): Promise<Uint8Array | undefined> {
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
  const body = JSON.stringify({ casevault: kf.casevault, version: kf.version, vaultId: kf.vaultId, publicKey: kf.publicKey, slots: kf.slots });
  return sodium.crypto_generichash(32, concat(utf8('casevault keyfile mac v1'), utf8(body)), macKey);
}

async function seal(keys: ReadKeys, slots: Slot[]): Promise<KeyFile> {
  const body = { casevault: 'keyfile' as const, version: KEYFILE_VERSION, vaultId: toBase64(keys.vaultId), publicKey: toBase64(keys.publicKey), slots };
  return { ...body, mac: toBase64(await fileMac(body, keys.keyfileMacKey)) };
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
  return { keys, keyFile: await seal(keys, slots), recoveryKey };
}

export type Secret = { passphrase: string } | { recoveryKey: Uint8Array };

/**
 * Open a key file. A wrong secret and a tampered slot are the same failure
 * (WrongSecret): a server that edits slots learns nothing from the answer.
 * Once the master secret is known, anything else that does not match is
 * tampering (DamagedData).
 */
export async function openKeyFile(kf: KeyFile, secret: Secret): Promise<ReadKeys> {
  const sodium = await ready();
  const vaultId = fromBase64(kf.vaultId, 16);
  const role: SlotRole = 'passphrase' in secret ? 'passphrase' : 'recovery';
  let master: Uint8Array | undefined;
  for (const slot of kf.slots) {
    if (slot.role !== role) continue;
    const kek = slot.role === 'passphrase'
      ? await passphraseKek((secret as { passphrase: string }).passphrase, fromBase64(slot.salt, 16), slot)
      : await recoveryKek((secret as { recoveryKey: Uint8Array }).recoveryKey);
    master = await unwrap(slot, kek, vaultId);
    sodium.memzero(kek);
    if (master) break;
  }
  if (!master) {
    throw new WrongSecret(role === 'passphrase' ? 'the passphrase is wrong; check it and try again, or use the recovery key' : 'the recovery key does not open this vault; check that it is the key of this vault');
  }
  const keys = await deriveKeys(master, vaultId);
  sodium.memzero(master);
  const macOk = sodium.memcmp(await fileMac(kf, keys.keyfileMacKey), fromBase64(kf.mac, 32));
  if (!macOk || !sodium.memcmp(keys.publicKey, fromBase64(kf.publicKey, 32))) {
    throw new DamagedData(`the key file has been tampered with; ${REPAIR}`);
  }
  return keys;
}

/** Replace the passphrase slot (no content is re-encrypted). */
export async function rewrapPassphrase(kf: KeyFile, keys: ReadKeys, passphrase: string, kdf: KdfParams): Promise<KeyFile> {
  const others = kf.slots.filter((s) => s.role !== 'passphrase');
  return seal(keys, [await passphraseSlot(keys, passphrase, kdf), ...others]);
}

/** Replace the recovery slot with a new recovery key. */
export async function rewrapRecovery(kf: KeyFile, keys: ReadKeys): Promise<{ keyFile: KeyFile; recoveryKey: Uint8Array }> {
  const recoveryKey = randomBytes(32);
  const others = kf.slots.filter((s) => s.role !== 'recovery');
  return { keyFile: await seal(keys, [...others, await recoverySlot(keys, recoveryKey)]), recoveryKey };
}
