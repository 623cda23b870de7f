// The organisation's escrow key: an X25519 key pair the union generates once.
// Its public half goes into vaults' key files (keyfile.ts, role "escrow");
// its secret half stays with the union's data-protection officer in an
// escrow key file, wrapped under a passphrase with Argon2id. A person
// confirms the fingerprint before a public key is added.
// Spec: docs/format.md, "Escrow".
import { z } from 'zod';
import { concat, fromBase64, toBase64, toHex, u32le, u64le, utf8 } from './bytes.js';
import { DamagedData, UnsupportedFormat, WrongSecret } from './errors.js';
import { checkKdfParams, passphraseKek, type KdfParams } from './kdf.js';
import { randomBytes } from './random.js';
import { ready } from './sodium.js';

export const ESCROW_VERSION = 1;

export interface EscrowKeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

const b64 = z.string().max(200);
const secretFileSchema = z
  .object({
    casevault: z.literal('escrow-key'),
    version: z.number().int(),
    publicKey: b64,
    kdf: z.literal('argon2id13'),
    ops: z.number().int(),
    mem: z.number().int(),
    salt: b64,
    nonce: b64,
    wrapped: b64,
  })
  .strict();
const publicFileSchema = z
  .object({
    casevault: z.literal('escrow-public-key'),
    version: z.number().int(),
    publicKey: b64,
  })
  .strict();

export type EscrowKeyFile = z.infer<typeof secretFileSchema>;

const damaged = (why: string) => new DamagedData(`the escrow key file is damaged (${why}); use another copy of it`);

/**
 * The fingerprint a person compares: BLAKE2b of the public key, 128 bits as
 * eight groups of four hex digits ("3f2a-9c01-..."), short enough to read
 * over the phone.
 */
export async function escrowFingerprint(publicKey: Uint8Array): Promise<string> {
  const sodium = await ready();
  const hex = toHex(sodium.crypto_generichash(16, concat(utf8('casevault escrow fingerprint v1'), publicKey), null));
  return hex.match(/.{4}/g)!.join('-');
}

/** A typed fingerprint in its canonical form (any case, spaces or dashes), or undefined if it is not one. */
export function normaliseFingerprint(text: string): string | undefined {
  const hex = text.toLowerCase().replace(/[\s-]/g, '');
  return /^[0-9a-f]{32}$/.test(hex) ? hex.match(/.{4}/g)!.join('-') : undefined;
}

function parseJson(bytes: Uint8Array): unknown {
  if (bytes.length > 16 * 1024) throw damaged('too large');
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw damaged('not readable');
  }
}

function checkVersion(json: unknown): void {
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version !== ESCROW_VERSION) {
    throw new UnsupportedFormat(`the escrow key file is format version ${version}; this Casevault reads version ${ESCROW_VERSION} only`);
  }
}

/** Parse and shape-check an escrow key file (the secret one). Never runs Argon2. */
export function parseEscrowKeyFile(bytes: Uint8Array): EscrowKeyFile {
  const json = parseJson(bytes);
  checkVersion(json);
  const parsed = secretFileSchema.safeParse(json);
  if (!parsed.success) throw damaged('unexpected contents');
  const f = parsed.data;
  try {
    fromBase64(f.publicKey, 32);
    fromBase64(f.salt, 16);
    fromBase64(f.nonce, 24);
    fromBase64(f.wrapped, 48);
  } catch {
    throw damaged('bad field');
  }
  checkKdfParams(f);
  return f;
}

/** The public key of an escrow public-key file, or of an escrow key file (whose public half is not secret). */
export function parseEscrowPublicKey(bytes: Uint8Array): Uint8Array {
  const json = parseJson(bytes);
  checkVersion(json);
  const parsed = publicFileSchema.safeParse(json);
  const publicKey = parsed.success ? parsed.data.publicKey : parseEscrowKeyFile(bytes).publicKey;
  try {
    return fromBase64(publicKey, 32);
  } catch {
    throw damaged('bad field');
  }
}

function wrapAd(publicKey: Uint8Array, p: KdfParams, salt: Uint8Array): Uint8Array {
  return concat(utf8('casevault escrow key v1'), u32le(ESCROW_VERSION), publicKey, utf8('argon2id13'), u32le(p.ops), u64le(p.mem), salt);
}

const serialize = (o: object) => utf8(JSON.stringify(o, null, 2) + '\n');

/** A new escrow key pair: the escrow key file (secret half under `passphrase`) and the public-key file to hand out. */
export async function createEscrowKey(passphrase: string, kdf: KdfParams): Promise<{ keyFile: Uint8Array; publicFile: Uint8Array; fingerprint: string }> {
  checkKdfParams(kdf);
  const sodium = await ready();
  const seed = randomBytes(32);
  const pair = sodium.crypto_box_seed_keypair(seed);
  sodium.memzero(seed);
  const salt = randomBytes(16);
  const nonce = randomBytes(24);
  const kek = await passphraseKek(passphrase, salt, kdf);
  try {
    const wrapped = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(pair.privateKey, wrapAd(pair.publicKey, kdf, salt), null, nonce, kek);
    const publicKey = toBase64(pair.publicKey);
    return {
      keyFile: serialize({
        casevault: 'escrow-key',
        version: ESCROW_VERSION,
        publicKey,
        kdf: 'argon2id13',
        ops: kdf.ops,
        mem: kdf.mem,
        salt: toBase64(salt),
        nonce: toBase64(nonce),
        wrapped: toBase64(wrapped),
      }),
      publicFile: serialize({ casevault: 'escrow-public-key', version: ESCROW_VERSION, publicKey }),
      fingerprint: await escrowFingerprint(pair.publicKey),
    };
  } finally {
    sodium.memzero(kek);
    sodium.memzero(pair.privateKey);
  }
}

/** Open an escrow key file with its passphrase. Wipe the secret key when done. */
export async function openEscrowKeyFile(f: EscrowKeyFile, passphrase: string): Promise<EscrowKeyPair> {
  const sodium = await ready();
  const publicKey = fromBase64(f.publicKey, 32);
  const salt = fromBase64(f.salt, 16);
  const kek = await passphraseKek(passphrase, salt, f);
  let secretKey: Uint8Array;
  try {
    secretKey = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, fromBase64(f.wrapped, 48), wrapAd(publicKey, f, salt), fromBase64(f.nonce, 24), kek);
  } catch {
    throw new WrongSecret('the escrow passphrase is wrong, or the escrow key file was tampered with; check the passphrase and try again');
  } finally {
    sodium.memzero(kek);
  }
  if (!sodium.memcmp(sodium.crypto_scalarmult_base(secretKey), publicKey)) {
    sodium.memzero(secretKey);
    throw damaged('its two halves do not match');
  }
  return { publicKey, secretKey };
}

/**
 * crypto_box_seal, spelt out so that the ephemeral key comes from
 * randomBytes() (deterministic in the test vectors): epk ‖ box(m, nonce =
 * H(24, epk ‖ pk), pk, esk). crypto_box_seal_open opens it.
 */
export async function sealToEscrow(message: Uint8Array, publicKey: Uint8Array): Promise<Uint8Array> {
  const sodium = await ready();
  const seed = randomBytes(32);
  const eph = sodium.crypto_box_seed_keypair(seed);
  sodium.memzero(seed);
  try {
    const nonce = sodium.crypto_generichash(24, concat(eph.publicKey, publicKey), null);
    return concat(eph.publicKey, sodium.crypto_box_easy(message, nonce, publicKey, eph.privateKey));
  } finally {
    sodium.memzero(eph.privateKey);
  }
}

/** The sealed message, or undefined if this key pair does not open it. */
export async function openFromEscrow(sealed: Uint8Array, pair: EscrowKeyPair): Promise<Uint8Array | undefined> {
  const sodium = await ready();
  try {
    return sodium.crypto_box_seal_open(sealed, pair.publicKey, pair.secretKey);
  } catch {
    return undefined;
  }
}
