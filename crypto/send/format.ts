// The send package's bytes (docs/send-format.md): a 124-byte header, then
// one XChaCha20-Poly1305 secretstream whose plaintext is the manifest (file
// names and sizes), every file's content in order, and zero padding. This
// file holds the layout, the bounds and the key schedule; it runs in Node
// and, bundled into the recipient's page, in any browser: no Node module,
// no Buffer, and libsodium passed in rather than loaded.
import { DamagedData, UnsupportedFormat } from '../errors.js';
import { padmeLength } from '../padding.js';
import type { Sodium } from '../sodium.js';

/** "CVSEND" */
const MAGIC = [0x43, 0x56, 0x53, 0x45, 0x4e, 0x44];
export const SEND_VERSION = 1;
/** libsodium's crypto_pwhash_ALG_ARGON2ID13. */
export const ARGON2ID13 = 2;
export const HEADER_LEN = 124;
/** The header bytes the key check covers and every message carries as associated data: everything up to the check. */
export const BOUND_LEN = 60;
export const SALT_LEN = 16;
const STREAM_HEADER_AT = 36;
const CHECK_AT = 60;
const CHECKSUM_AT = 92;
/** Plaintext per secretstream message; every message but the last holds exactly this much. */
export const CHUNK = 64 * 1024;
export const ABYTES = 17;
export const MESSAGE_LEN = CHUNK + ABYTES;

/** Argon2id cost: passes, and memory in KiB (as the header stores it). */
export interface SendKdf {
  ops: number;
  memKiB: number;
}
/** What a package is written with: libsodium's INTERACTIVE cost (64 MiB, 2 passes), which a phone's browser derives in a few seconds. */
export const SEND_KDF: SendKdf = { ops: 2, memKiB: 64 * 1024 };
/** What a reader accepts, checked before any derivation: no weaker than the writer's, and never more than a phone can give (256 MiB, 8 passes). */
export const SEND_KDF_BOUNDS = { ops: { min: 2, max: 8 }, memKiB: { min: 64 * 1024, max: 256 * 1024 } };

export const MAX_FILES = 100_000;
/** The manifest's JSON, at most (the names of MAX_FILES files fit with room to spare). */
export const MAX_MANIFEST = 16 * 1024 * 1024;
/** A file name's UTF-8 length, at most. */
export const MAX_NAME_BYTES = 4096;
/** All files together, at most (1 PiB: every length stays exact in a double). */
export const MAX_TOTAL = 2 ** 50;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export interface SendHeader {
  kdf: SendKdf;
  /** Days since 1970-01-01 (UTC) of the last day the sender meant the package to be opened; null for none. */
  expiresDay: number | null;
  salt: Uint8Array;
  streamHeader: Uint8Array;
  check: Uint8Array;
  /** The header's 124 bytes. */
  bytes: Uint8Array;
}

export interface ManifestFile {
  /** '/'-separated; the folder a file was sent in comes first ("Case 0042/letter.pdf"). */
  name: string;
  size: number;
}

export interface Manifest {
  /** When the package was written (ISO 8601, UTC). */
  created: string;
  files: ManifestFile[];
}

const damaged = (why: string) => new DamagedData(`damaged package (${why})`);
const utf8 = (s: string) => new TextEncoder().encode(s);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Throws UnsupportedFormat for a cost outside SEND_KDF_BOUNDS: a forged package cannot make a phone swap itself to death, nor ask for a weak derivation. */
export function checkSendKdf(kdf: SendKdf): void {
  const { ops, memKiB } = SEND_KDF_BOUNDS;
  if (kdf.ops < ops.min || kdf.memKiB < memKiB.min) throw new UnsupportedFormat('this package asks for a weaker passphrase protection than Casevault allows');
  if (kdf.ops > ops.max || kdf.memKiB > memKiB.max) throw new UnsupportedFormat('this package asks for more memory or time than a browser can safely give');
}

/** The header's first 60 bytes: magic, version, KDF, expiry, salt, secretstream header. */
export function boundPart(kdf: SendKdf, expiresDay: number | null, salt: Uint8Array, streamHeader: Uint8Array): Uint8Array {
  const b = new Uint8Array(BOUND_LEN);
  const v = new DataView(b.buffer);
  b.set(MAGIC, 0);
  b[6] = SEND_VERSION;
  b[7] = ARGON2ID13;
  v.setUint32(8, kdf.ops, true);
  v.setUint32(12, kdf.memKiB, true);
  v.setUint32(16, expiresDay ?? 0, true);
  b.set(salt, 20);
  b.set(streamHeader, STREAM_HEADER_AT);
  return b;
}

/** The whole header: the bound part, the key check, and an unkeyed checksum that only tells damage from a wrong passphrase. */
export function finishHeader(sodium: Sodium, bound: Uint8Array, check: Uint8Array): Uint8Array {
  const upToChecksum = concat(bound, check);
  return concat(upToChecksum, sodium.crypto_generichash(32, upToChecksum, null));
}

/**
 * Parse and check a header, before any key derivation: length, magic,
 * version, checksum, algorithm, and the Argon2 cost against its bounds.
 */
export function parseHeader(sodium: Sodium, bytes: Uint8Array): SendHeader {
  if (bytes.length < HEADER_LEN) throw damaged('truncated header');
  if (!MAGIC.every((m, i) => bytes[i] === m)) throw damaged('not a Casevault package');
  if (bytes[6] !== SEND_VERSION) {
    if (bytes[6]! > SEND_VERSION) throw new UnsupportedFormat('this package was written by a newer Casevault');
    throw damaged('unknown version');
  }
  const header = bytes.slice(0, HEADER_LEN);
  if (!sameBytes(sodium.crypto_generichash(32, header.subarray(0, CHECKSUM_AT), null), header.subarray(CHECKSUM_AT))) throw damaged('header checksum');
  if (header[7] !== ARGON2ID13) throw new UnsupportedFormat('this package uses a passphrase protection Casevault does not know');
  const v = new DataView(header.buffer);
  const kdf = { ops: v.getUint32(8, true), memKiB: v.getUint32(12, true) };
  checkSendKdf(kdf);
  const day = v.getUint32(16, true);
  return {
    kdf,
    expiresDay: day === 0 ? null : day,
    salt: header.slice(20, STREAM_HEADER_AT),
    streamHeader: header.slice(STREAM_HEADER_AT, BOUND_LEN),
    check: header.slice(CHECK_AT, CHECKSUM_AT),
    bytes: header,
  };
}

/**
 * The passphrase as it is derived: NFC (an accent typed on a phone is the
 * one typed on a laptop), without spaces at either end, and any run of
 * spaces read as one (words read out over the phone get typed with one
 * space or two).
 */
export function normalisePassphrase(passphrase: string): string {
  return passphrase.normalize('NFC').trim().replace(/\s+/g, ' ');
}

/** Argon2id of the normalised passphrase. */
export function passphraseRoot(sodium: Sodium, passphrase: string, salt: Uint8Array, kdf: SendKdf): Uint8Array {
  checkSendKdf(kdf);
  const pw = utf8(normalisePassphrase(passphrase));
  try {
    return sodium.crypto_pwhash(32, pw, salt, kdf.ops, kdf.memKiB * 1024, ARGON2ID13);
  } finally {
    sodium.memzero(pw);
  }
}

/** The key check: proves the passphrase before any content is touched, and commits the package to one key. */
export function keyCheck(sodium: Sodium, root: Uint8Array, bound: Uint8Array): Uint8Array {
  return sodium.crypto_generichash(32, concat(utf8('casevault send check v1'), bound), root);
}

export function checkMatches(sodium: Sodium, root: Uint8Array, header: SendHeader): boolean {
  return sameBytes(keyCheck(sodium, root, header.bytes.subarray(0, BOUND_LEN)), header.check);
}

export function streamKey(sodium: Sodium, root: Uint8Array): Uint8Array {
  return sodium.crypto_generichash(32, utf8('casevault send stream v1'), root);
}

/** Plaintext length of the stream: u32 manifest length, the manifest, every file, padded (Padmé). */
export function paddedLength(manifestBytes: number, sizes: readonly number[]): number {
  return padmeLength(4 + manifestBytes + sizes.reduce((n, s) => n + s, 0));
}

/** The package's length in bytes for a padded plaintext length. */
export function packageLength(padded: number): number {
  return HEADER_LEN + padded + ABYTES * Math.ceil(padded / CHUNK);
}

/** Throws DamagedData unless `name` is a relative '/'-separated name with no empty, '.' or '..' part and no control character. */
export function checkName(name: string): void {
  if (name.length === 0 || utf8(name).length > MAX_NAME_BYTES) throw damaged('file name length');
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(name)) throw damaged('control character in a file name');
  if (name.split('/').some((part) => part === '' || part === '.' || part === '..')) throw damaged('file name with an empty, . or .. part');
}

export function encodeManifest(m: Manifest): Uint8Array {
  const bytes = utf8(JSON.stringify({ created: m.created, files: m.files.map((f) => ({ name: f.name, size: f.size })) }));
  if (bytes.length > MAX_MANIFEST || m.files.length > MAX_FILES || m.files.reduce((n, f) => n + f.size, 0) > MAX_TOTAL)
    throw new Error('internal error: manifest too large');
  return bytes;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const hasExactly = (x: Record<string, unknown>, keys: string[]) => Object.keys(x).length === keys.length && keys.every((k) => Object.hasOwn(x, k));

/** The manifest, strictly: exactly its fields, safe names, each name once, whole sizes. */
export function parseManifest(bytes: Uint8Array): Manifest {
  let m: unknown;
  try {
    m = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw damaged('unreadable manifest');
  }
  if (!isObject(m) || !hasExactly(m, ['created', 'files']) || typeof m.created !== 'string' || !Array.isArray(m.files)) throw damaged('manifest fields');
  if (!ISO_TIME.test(m.created)) throw damaged('manifest time');
  if (m.files.length > MAX_FILES) throw damaged('too many files');
  const seen = new Set<string>();
  const files = m.files.map((f: unknown) => {
    if (!isObject(f) || !hasExactly(f, ['name', 'size']) || typeof f.name !== 'string' || !Number.isSafeInteger(f.size) || (f.size as number) < 0)
      throw damaged('manifest entry');
    checkName(f.name);
    if (seen.has(f.name)) throw damaged('a file name twice');
    seen.add(f.name);
    return { name: f.name, size: f.size as number };
  });
  if (files.reduce((n, f) => n + f.size, 0) > MAX_TOTAL) throw damaged('sizes');
  return { created: m.created, files };
}
