// Pack files: many blobs in one file, so the repository holds a few large
// files instead of millions of small ones, and no file's size is a chunk's.
//
//   "CVBP" | version 2 | header nonce (24) | u32 header ciphertext length
//   | header ciphertext  (XChaCha20-Poly1305 under the index key;
//                         AD = the 33 bytes before it | pack ID (16))
//   | stored blobs
//   | padding up to the Padmé length of the whole file: XChaCha20 keystream
//     under the padding key BLAKE2b-256("casevault backup pack padding key
//     v2", index key), nonce BLAKE2b-192("casevault backup pack padding v2"
//     | pack ID), so it looks random yet verify checks every byte
//
// Version 1 (still read) padded with the keystream of the index key itself:
// at the nonce a forged header names, that keystream is the one the header's
// AEAD uses (its first block the Poly1305 key), so anyone who could locate
// the padding could forge a header with no key at all.
//
// Header plaintext: u16 slot count | slot count x ephemeral X25519 public
// key (32) | u32 entry count | entries of 48 bytes: type u8 | flags u8 |
// slot u16 | blob ID (32) | offset u32 (absolute) | stored length u32 |
// raw length u32.
//
// Slot i's key is BLAKE2b-256("casevault backup pack key v1" | X25519(esk_i,
// vault public key) | epk_i | vault public key): only the vault's box secret
// recomputes it. A pack written by a backup has one slot; prune copies
// blobs without decrypting them, carrying their slot's public key along.
// The index key is a write key: a locked computer reads headers (to dedup
// and rebuild the index) but no content. Spec: docs/backup-format.md.
import { concat, u32le, utf8 } from '../bytes.js';
import { type BlobEntry, BLOB_ID_BYTES, blobId, sealChunk } from './blob.js';
import type { RepoKeys } from './keys.js';
import { Reader, Writer } from './pad.js';
import { DamagedData, UnsupportedFormat } from '../errors.js';
import { padmeLength } from '../padding.js';
import { randomBytes } from '../random.js';
import type { Sodium } from '../sodium.js';

export const PACK_VERSION = 2;
/** The pack versions this build reads. */
export type PackVersion = 1 | 2;
export const PACK_ID_BYTES = 16;
const MAGIC = utf8('CVBP');
/** Bytes before the header ciphertext. */
export const PACK_PREFIX = 4 + 1 + 24 + 4;
const ENTRY_BYTES = 48;
const MAX_HEADER = 64 * 1024 * 1024;

export interface PackHeader {
  slots: Uint8Array[];
  entries: BlobEntry[];
}

const damaged = (why: string) => new DamagedData(`damaged or tampered backup pack (${why})`);

export function encodeHeader(h: PackHeader): Uint8Array {
  const w = new Writer().u16(h.slots.length);
  for (const s of h.slots) w.bytes(s);
  w.u32(h.entries.length);
  for (const e of h.entries) w.u8(e.type).u8(e.flags).u16(e.slot).bytes(e.id).u32(e.offset).u32(e.length).u32(e.rawLength);
  return w.done();
}

export function headerPlainLength(slots: number, entries: number): number {
  return 2 + 32 * slots + 4 + ENTRY_BYTES * entries;
}

/** Parse a header plaintext; checks slot references and that entries lie inside [blobStart, packLength). */
export function decodeHeader(plain: Uint8Array, blobStart: number, packLength: number | undefined, what = 'pack'): PackHeader {
  const r = new Reader(plain, what);
  const nSlots = r.u16();
  if (nSlots === 0) throw new DamagedData(`damaged or tampered backup ${what} (no key slot)`);
  const slots: Uint8Array[] = [];
  for (let i = 0; i < nSlots; i++) slots.push(r.bytes(32).slice());
  const n = r.u32();
  if (n * ENTRY_BYTES > r.remaining) throw new DamagedData(`damaged or tampered backup ${what} (entry count)`);
  const entries: BlobEntry[] = [];
  let next = blobStart;
  for (let i = 0; i < n; i++) {
    const e: BlobEntry = {
      type: r.u8(),
      flags: r.u8(),
      slot: r.u16(),
      id: r.bytes(BLOB_ID_BYTES).slice(),
      offset: r.u32(),
      length: r.u32(),
      rawLength: r.u32(),
    };
    // Blobs are laid out back to back, in header order.
    if (e.slot >= nSlots || e.offset !== next || e.length < 40) throw new DamagedData(`damaged or tampered backup ${what} (entry ${i})`);
    next += e.length;
    entries.push(e);
  }
  r.end();
  if (packLength !== undefined && next > packLength) throw new DamagedData(`damaged or tampered backup ${what} (entries past the end)`);
  return { slots, entries };
}

function headerAd(prefix: Uint8Array, packId: Uint8Array): Uint8Array {
  return concat(prefix, packId);
}

/** From the first PACK_PREFIX bytes: the header ciphertext's length. */
export function parsePackPrefix(prefix: Uint8Array): number {
  return packPrefix(prefix).headerLength;
}

/** From the first PACK_PREFIX bytes: the pack's version and the header ciphertext's length. */
export function packPrefix(prefix: Uint8Array): { version: PackVersion; headerLength: number } {
  if (prefix.length < PACK_PREFIX) throw damaged('truncated');
  if (!MAGIC.every((b, i) => prefix[i] === b)) throw damaged('not a Casevault pack');
  const version = prefix[4]!;
  if (version !== 1 && version !== 2) {
    if (version > PACK_VERSION) throw new UnsupportedFormat('a backup pack was written by a newer Casevault; update Casevault to read it');
    throw damaged('unknown version');
  }
  const len = new DataView(prefix.buffer, prefix.byteOffset + 29, 4).getUint32(0, true);
  if (len < 16 + 6 || len > MAX_HEADER) throw damaged('header length');
  return { version, headerLength: len };
}

/** Decrypt and parse a pack's header, given its first PACK_PREFIX + header-length bytes. */
export function openPackHeader(
  sodium: Sodium,
  indexKey: Uint8Array,
  packId: Uint8Array,
  head: Uint8Array,
  packLength?: number,
): { header: PackHeader; blobStart: number; version: PackVersion } {
  const { version, headerLength: len } = packPrefix(head);
  if (head.length < PACK_PREFIX + len) throw damaged('truncated header');
  const prefix = head.subarray(0, PACK_PREFIX);
  let plain: Uint8Array;
  try {
    plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      head.subarray(PACK_PREFIX, PACK_PREFIX + len),
      headerAd(prefix, packId),
      prefix.subarray(5, 29),
      indexKey,
    );
  } catch {
    throw damaged('header fails authentication: damaged, or from another repository or place');
  }
  const blobStart = PACK_PREFIX + len;
  return { header: decodeHeader(plain, blobStart, packLength), blobStart, version };
}

/**
 * The key of one slot, from X25519(secret, peer): the writer passes its
 * ephemeral secret and the vault public key, a reader the box secret and epk.
 */
export function slotKey(sodium: Sodium, secret: Uint8Array, peer: Uint8Array, epk: Uint8Array, vaultPublicKey: Uint8Array): Uint8Array {
  let shared: Uint8Array;
  try {
    shared = sodium.crypto_scalarmult(secret, peer);
  } catch {
    throw damaged('bad key slot');
  }
  const key = sodium.crypto_generichash(32, concat(utf8('casevault backup pack key v1'), shared, epk, vaultPublicKey), null);
  sodium.memzero(shared);
  return key;
}

/** The padding at the end of a pack of `version` (version 1's under the index key itself; see the header comment). */
export function packPadding(sodium: Sodium, indexKey: Uint8Array, packId: Uint8Array, length: number, version: PackVersion = PACK_VERSION): Uint8Array {
  if (version === 1) {
    const nonce = sodium.crypto_generichash(24, concat(utf8('casevault backup pack padding v1'), packId), null);
    return sodium.crypto_stream_xchacha20_xor(new Uint8Array(length), nonce, indexKey);
  }
  const key = sodium.crypto_generichash(32, utf8('casevault backup pack padding key v2'), indexKey);
  const nonce = sodium.crypto_generichash(24, concat(utf8('casevault backup pack padding v2'), packId), null);
  const pad = sodium.crypto_stream_xchacha20_xor(new Uint8Array(length), nonce, key);
  sodium.memzero(key);
  return pad;
}

export interface PendingBlob {
  type: number;
  flags: number;
  slot: number;
  id: Uint8Array;
  rawLength: number;
  stored: Uint8Array;
}

/** Builds one pack in memory. */
export class PackBuilder {
  private readonly slots: Uint8Array[] = [];
  private readonly blobs: PendingBlob[] = [];
  private key: Uint8Array;
  private bytes = 0;

  /** `version`: 2 for every pack written; 1 only to rebuild the committed version 1 vectors. */
  constructor(
    private readonly sodium: Sodium,
    private readonly keys: RepoKeys,
    private readonly version: PackVersion = PACK_VERSION,
  ) {
    const esk = randomBytes(32);
    const epk = sodium.crypto_scalarmult_base(esk);
    this.key = slotKey(sodium, esk, keys.publicKey, epk, keys.publicKey);
    sodium.memzero(esk);
    this.slots.push(epk);
  }

  /** Stored bytes so far. */
  get size(): number {
    return this.bytes;
  }

  get count(): number {
    return this.blobs.length;
  }

  /** Compress (where it helps) and encrypt a chunk under slot 0. Returns the stored length. */
  add(type: number, id: Uint8Array, raw: Uint8Array): number {
    const { flags, stored } = sealChunk(this.sodium, this.key, type, id, raw);
    this.blobs.push({ type, flags, slot: 0, id, rawLength: raw.length, stored });
    this.bytes += stored.length;
    return stored.length;
  }

  /**
   * Slot 0's key (a copy, for sealing elsewhere: the caller wipes it) and
   * public key; a blob sealed under it is added with addStored.
   */
  sealingKey(): { key: Uint8Array; epk: Uint8Array } {
    return { key: this.key.slice(), epk: this.slots[0]! };
  }

  /**
   * Add an already encrypted blob (prune copying one; a backup adding one
   * sealed on a worker thread), keeping its slot's public key.
   */
  addStored(e: Pick<BlobEntry, 'type' | 'flags' | 'id' | 'rawLength'>, stored: Uint8Array, epk: Uint8Array): void {
    let slot = this.slots.findIndex((s) => this.sodium.memcmp(s, epk));
    if (slot < 0) {
      slot = this.slots.length;
      this.slots.push(epk.slice());
    }
    this.blobs.push({ type: e.type, flags: e.flags, slot, id: e.id, rawLength: e.rawLength, stored });
    this.bytes += stored.length;
  }

  /**
   * The whole pack file for `packId`, and its header with absolute offsets.
   * Wipes the slot key. `alloc` gives the bytes to fill (every one is
   * written): a writer reuses one buffer, as a fresh 16 MiB costs more in
   * page faults than the copy into it.
   */
  finish(packId: Uint8Array, alloc: (length: number) => Uint8Array = (n) => new Uint8Array(n)): { bytes: Uint8Array; header: PackHeader } {
    this.sodium.memzero(this.key);
    const headerLen = headerPlainLength(this.slots.length, this.blobs.length) + 16;
    let offset = PACK_PREFIX + headerLen;
    const entries: BlobEntry[] = this.blobs.map((b) => {
      const e = { type: b.type, flags: b.flags, slot: b.slot, id: b.id, offset, length: b.stored.length, rawLength: b.rawLength };
      offset += b.stored.length;
      return e;
    });
    const header: PackHeader = { slots: this.slots, entries };
    const nonce = randomBytes(24);
    const prefix = concat(MAGIC, new Uint8Array([this.version]), nonce, u32le(headerLen));
    const ct = this.sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(encodeHeader(header), headerAd(prefix, packId), null, nonce, this.keys.indexKey);
    const total = padmeLength(offset);
    const out = alloc(total);
    out.set(prefix, 0);
    out.set(ct, PACK_PREFIX);
    for (const [i, b] of this.blobs.entries()) out.set(b.stored, entries[i]!.offset);
    if (total > offset) out.set(packPadding(this.sodium, this.keys.indexKey, packId, total - offset, this.version), offset);
    return { bytes: out, header };
  }
}

/** Compute a chunk's blob ID (re-exported for the engine). */
export { blobId };
