// Blobs: one chunk of a file, compressed where that helps, encrypted under
// its pack slot's key. Stored as nonce (24) | XChaCha20-Poly1305 ciphertext,
// with associated data "CVBB" | version | type | flags | blob ID | raw length.
// The blob ID is keyed BLAKE2b-256 of the plaintext under the repository's
// blob-ID key; readers recompute it after decryption, so a blob swapped for
// another (even one validly encrypted to the vault's public key by someone
// who lacks the write keys) is refused. Spec: docs/backup-format.md.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { concat, u32le, utf8 } from '../bytes.js';
import { DamagedData } from '../errors.js';
import { randomBytes } from '../random.js';
import type { Sodium } from '../sodium.js';

export const BLOB_VERSION = 1;
export const BLOB_ID_BYTES = 32;
/** Blob types. Snapshot manifests are not blobs: separate files, magic, keys and AD. */
export const BLOB_DATA = 1;
export const FLAG_DEFLATE = 1;
const MAGIC = utf8('CVBB');
const NONCE = 24;
const ABYTES = 16;
/** The largest chunk a blob holds (the chunker's ceiling). */
export const MAX_BLOB_RAW = 16 * 1024 * 1024;

/** Where a blob is, as a pack header and the index record it. */
export interface BlobEntry {
  type: number;
  flags: number;
  /** Which of the pack's key slots encrypts it. */
  slot: number;
  id: Uint8Array;
  /** Absolute offset of the stored blob in its pack. */
  offset: number;
  /** Stored length: nonce + ciphertext + tag. */
  length: number;
  /** Plaintext length. */
  rawLength: number;
}

/** Keyed BLAKE2b-256 of a chunk given in pieces. */
export function blobId(sodium: Sodium, idKey: Uint8Array, pieces: readonly Uint8Array[]): Uint8Array {
  const st = sodium.crypto_generichash_init(idKey, BLOB_ID_BYTES);
  for (const p of pieces) sodium.crypto_generichash_update(st, p);
  return sodium.crypto_generichash_final(st, BLOB_ID_BYTES);
}

const SAMPLE = 16 * 1024;

/**
 * Deflate (level 1) when a 16 KiB sample from the middle shrinks below 90%
 * and the whole shrinks below 97%; otherwise the raw bytes. Incompressible
 * data (photos, PDFs, zip-based Office files) costs one small sample only.
 */
export function maybeCompress(raw: Uint8Array): { flags: number; body: Uint8Array } {
  if (raw.length < 256) return { flags: 0, body: raw };
  const at = Math.max(0, Math.floor(raw.length / 2) - SAMPLE / 2);
  const sample = raw.subarray(at, at + SAMPLE);
  const sampled = deflateRawSync(sample, { level: 1 });
  if (sampled.length > sample.length * 0.9) return { flags: 0, body: raw };
  // A chunk no longer than the sample (a small file) is not deflated twice.
  const packed = sample.length === raw.length ? sampled : deflateRawSync(raw, { level: 1 });
  return packed.length < raw.length * 0.97
    ? { flags: FLAG_DEFLATE, body: new Uint8Array(packed.buffer, packed.byteOffset, packed.length) }
    : { flags: 0, body: raw };
}

function blobAd(type: number, flags: number, id: Uint8Array, rawLength: number): Uint8Array {
  return concat(MAGIC, new Uint8Array([BLOB_VERSION, type, flags]), id, u32le(rawLength));
}

export function storedLength(bodyLength: number): number {
  return NONCE + bodyLength + ABYTES;
}

/** Encrypt a (possibly compressed) body: nonce | ciphertext. */
export function sealBlob(sodium: Sodium, key: Uint8Array, type: number, flags: number, id: Uint8Array, rawLength: number, body: Uint8Array): Uint8Array {
  const nonce = randomBytes(NONCE);
  const out = new Uint8Array(storedLength(body.length));
  out.set(nonce, 0);
  const ad = blobAd(type, flags, id, rawLength);
  if (sodium.crypto_aead_xchacha20poly1305_ietf_encrypt_into) sodium.crypto_aead_xchacha20poly1305_ietf_encrypt_into(out.subarray(NONCE), body, ad, nonce, key);
  else out.set(sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(body, ad, null, nonce, key), NONCE); // the WASM build returns a copy of its heap anyway
  return out;
}

/** Compress (where it helps) and encrypt one chunk: the stored blob and its flags. */
export function sealChunk(sodium: Sodium, key: Uint8Array, type: number, id: Uint8Array, raw: Uint8Array): { flags: number; stored: Uint8Array } {
  const { flags, body } = maybeCompress(raw);
  return { flags, stored: sealBlob(sodium, key, type, flags, id, raw.length, body) };
}

const damaged = (why: string) => new DamagedData(`damaged or tampered backup data (${why})`);

/** Decrypt, decompress and check one stored blob against its entry. */
export function openBlob(sodium: Sodium, key: Uint8Array, idKey: Uint8Array, e: BlobEntry, stored: Uint8Array): Uint8Array {
  if (stored.length !== e.length || stored.length < NONCE + ABYTES) throw damaged('blob length');
  if (e.rawLength > MAX_BLOB_RAW) throw damaged('blob too large');
  let body: Uint8Array;
  try {
    body = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      stored.subarray(NONCE),
      blobAd(e.type, e.flags, e.id, e.rawLength),
      stored.subarray(0, NONCE),
      key,
    );
  } catch {
    throw damaged('blob fails authentication');
  }
  let raw: Uint8Array;
  if (e.flags === FLAG_DEFLATE) {
    try {
      const b = inflateRawSync(body, { maxOutputLength: Math.max(1, e.rawLength) });
      raw = new Uint8Array(b.buffer, b.byteOffset, b.length);
    } catch {
      throw damaged('blob does not decompress');
    }
  } else if (e.flags === 0) raw = body;
  else throw damaged('unknown blob flags');
  if (raw.length !== e.rawLength) throw damaged('blob length');
  if (!sodium.memcmp(blobId(sodium, idKey, [raw]), e.id)) throw damaged('blob is not the one its ID names: swapped or forged');
  return raw;
}
