// Index files: which blob is where. Each lists whole packs (ID, length and
// header plaintext, offsets absolute), so the index is exactly the packs'
// headers gathered: it can always be rebuilt from the packs.
//
//   "CVBI" | version 1 | nonce (24) | XChaCha20-Poly1305 ciphertext
//   under the index key, AD = the 29 bytes before it | index file ID (16)
//
// Plaintext, framed (u32 length | data | zeros to the Padmé length):
//   u32 pack count | per pack: pack ID (16) | u32 pack length
//                              | u32 header length | header plaintext
// Spec: docs/backup-format.md.
import { concat, utf8 } from '../bytes.js';
import { decodeHeader, encodeHeader, PACK_ID_BYTES, PACK_PREFIX, type PackHeader } from './pack.js';
import { padFrame, Reader, unpadFrame, Writer } from './pad.js';
import { DamagedData, UnsupportedFormat } from '../errors.js';
import { randomBytes } from '../random.js';
import type { Sodium } from '../sodium.js';

export const INDEX_VERSION = 1;
export const INDEX_ID_BYTES = 16;
const MAGIC = utf8('CVBI');
const PREFIX = 4 + 1 + 24;

export interface IndexedPack {
  packId: Uint8Array;
  length: number;
  header: PackHeader;
}

export function sealIndex(sodium: Sodium, indexKey: Uint8Array, indexId: Uint8Array, packs: readonly IndexedPack[]): Uint8Array {
  const w = new Writer().u32(packs.length);
  for (const p of packs) {
    const h = encodeHeader(p.header);
    w.bytes(p.packId).u32(p.length).u32(h.length).bytes(h);
  }
  const nonce = randomBytes(24);
  const prefix = concat(MAGIC, new Uint8Array([INDEX_VERSION]), nonce);
  return concat(prefix, sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(padFrame(w.done()), concat(prefix, indexId), null, nonce, indexKey));
}

const damaged = (why: string) => new DamagedData(`damaged or tampered backup index (${why})`);

export function openIndex(sodium: Sodium, indexKey: Uint8Array, indexId: Uint8Array, bytes: Uint8Array): IndexedPack[] {
  if (bytes.length < PREFIX + 16) throw damaged('truncated');
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw damaged('not a Casevault index');
  if (bytes[4] !== INDEX_VERSION) {
    if (bytes[4]! > INDEX_VERSION) throw new UnsupportedFormat('a backup index was written by a newer Casevault; update Casevault to read it');
    throw damaged('unknown version');
  }
  const prefix = bytes.subarray(0, PREFIX);
  let framed: Uint8Array;
  try {
    framed = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, bytes.subarray(PREFIX), concat(prefix, indexId), prefix.subarray(5), indexKey);
  } catch {
    throw damaged('fails authentication');
  }
  const r = new Reader(unpadFrame(framed, 'index'), 'index');
  const n = r.u32();
  const packs: IndexedPack[] = [];
  for (let i = 0; i < n; i++) {
    const packId = r.bytes(PACK_ID_BYTES).slice();
    const length = r.u32();
    const hLen = r.u32();
    const plain = r.bytes(hLen);
    // Offsets in the header are absolute; the header ciphertext is the plaintext plus a 16-byte tag.
    packs.push({ packId, length, header: decodeHeader(plain, PACK_PREFIX + hLen + 16, length, 'index') });
  }
  r.end();
  return packs;
}
