// File objects: one per vault file, written while the vault is locked.
//
//   header (141 bytes)  "CVOB" | version 2 | ephemeral X25519 public key (32)
//                       | wrap nonce (24) | wrapped object key (48) | auth tag (32)
//   secretstream header (24)
//   secretstream messages of 64 KiB plaintext (+17), the last tagged FINAL
//
// A writing session does one X25519 exchange with the vault public key and
// wraps each object's fresh random key under the result (KEM once, DEM per
// object), so per-file cost is symmetric crypto only. The auth tag (keyed
// BLAKE2b under the auth key, which the cloud never has) stops anyone who
// knows only the public key from planting objects. The plaintext stream is
// u32 metadata length | metadata JSON {path,size,mtimeMs} | content | zeros,
// Padmé-padded as a whole; every message carries the object ID as
// associated data, and the reader checks that the ID is the keyed hash of
// the decrypted path. Version 2 (written now) pads to at least 2 KiB, so
// the metadata does not push a file of up to 1 KiB out of the smallest
// size; version 1 (a 1 KiB floor) is still read.
// Spec: docs/format.md, "File objects".
import { z } from 'zod';
import { concat, u32le, utf8 } from './bytes.js';
import { DamagedData, FileChanged, UnsupportedFormat } from './errors.js';
import type { ReadKeys, WriteKeys } from './keys.js';
import { assertSafeVaultPath, objectId, OBJECT_ID_BYTES } from './names.js';
import { padmeLength } from './padding.js';
import { randomBytes } from './random.js';
import { ready, type Sodium } from './sodium.js';

export const CHUNK = 64 * 1024;
/** The version written; version 1 objects (an older padding floor) are read too. */
export const OBJECT_VERSION = 2;
/**
 * The least plaintext (metadata included) a version 2 object pads to: 1 KiB
 * of content plus 1 KiB for the length word and metadata, so every file of
 * up to 1 KiB whose path is under ~960 bytes gives an object of one size.
 */
const FLOOR_V2 = 2048;
const MAGIC = utf8('CVOB');
const ABYTES = 17;
const HEAD_LEN = 4 + 1 + 32 + 24; // magic, version, epk, nonce
export const HEADER_LEN = HEAD_LEN + 48 + 32 + 24; // + wrapped key, auth tag, secretstream header
const OUTPUT_BATCH = 1024 * 1024;

export interface ObjectMeta {
  /** Vault-relative path, '/'-separated. */
  path: string;
  /** Content length in bytes. */
  size: number;
  /** Modification time, ms since the epoch. */
  mtimeMs: number;
}

const metaSchema = z
  .object({
    path: z.string(),
    size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    mtimeMs: z.number().finite(),
  })
  .strict();

function kemKey(sodium: Sodium, shared: Uint8Array, epk: Uint8Array, vpk: Uint8Array): Uint8Array {
  const key = sodium.crypto_generichash(32, concat(utf8('casevault kem v1'), shared, epk, vpk), null);
  sodium.memzero(shared);
  return key;
}

function authTag(sodium: Sodium, authKey: Uint8Array, headAndWrapped: Uint8Array, id: Uint8Array): Uint8Array {
  return sodium.crypto_generichash(32, concat(utf8('casevault object auth v1'), headAndWrapped, id), authKey);
}

/** The padded plaintext length (length word, metadata, content, zeros) of an object of `version`. */
function paddedLength(version: number, metaLen: number, size: number): number {
  return version === 1 ? padmeLength(4 + metaLen + size) : padmeLength(4 + metaLen + size, FLOOR_V2);
}

/** Length of the object that encrypt() writes for this metadata. */
export function objectLength(meta: ObjectMeta): number {
  const plain = paddedLength(OBJECT_VERSION, utf8(JSON.stringify(meta)).length, meta.size);
  return HEADER_LEN + plain + ABYTES * Math.ceil(plain / CHUNK);
}

/** One object being encrypted: feed content with append(), then finish(); take() hands out the ciphertext so far. */
class ObjectEncryptor {
  private readonly state: Uint8Array;
  private readonly buf: Uint8Array;
  private fill = 0;
  private produced = 0;
  private contentBytes = 0;
  private readonly total: number;
  private out: Uint8Array[];
  outBytes: number;

  constructor(
    private readonly s: Sodium,
    authKey: Uint8Array,
    epk: Uint8Array,
    sessionKey: Uint8Array,
    private readonly id: Uint8Array,
    private readonly meta: ObjectMeta,
  ) {
    const objKey = randomBytes(32);
    const head = concat(MAGIC, new Uint8Array([OBJECT_VERSION]), epk, randomBytes(24));
    const wrapped = s.crypto_aead_xchacha20poly1305_ietf_encrypt(objKey, concat(head, id), null, head.subarray(HEAD_LEN - 24), sessionKey);
    const headAndWrapped = concat(head, wrapped);
    const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(objKey);
    s.memzero(objKey);
    this.state = state as unknown as Uint8Array;
    this.out = [headAndWrapped, authTag(s, authKey, headAndWrapped, id), header];
    this.outBytes = HEADER_LEN;
    const metaBytes = utf8(JSON.stringify({ path: meta.path, size: meta.size, mtimeMs: meta.mtimeMs }));
    if (4 + metaBytes.length > CHUNK) throw new Error('internal error: metadata too long');
    this.total = paddedLength(OBJECT_VERSION, metaBytes.length, meta.size);
    this.buf = new Uint8Array(Math.min(CHUNK, this.total));
    this.put(u32le(metaBytes.length));
    this.put(metaBytes);
  }

  private flush(final: boolean): void {
    const tag = final ? this.s.crypto_secretstream_xchacha20poly1305_TAG_FINAL : this.s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    const c = this.s.crypto_secretstream_xchacha20poly1305_push(this.state as never, this.buf.subarray(0, this.fill), this.id, tag);
    this.out.push(c);
    this.outBytes += c.length;
    this.fill = 0;
  }

  private put(data: Uint8Array): void {
    let o = 0;
    while (o < data.length) {
      const n = Math.min(this.buf.length - this.fill, data.length - o);
      this.buf.set(data.subarray(o, o + n), this.fill);
      this.fill += n;
      o += n;
      this.produced += n;
      if (this.fill === this.buf.length && this.produced < this.total) this.flush(false);
    }
  }

  /** Content bytes, in order. Throws FileChanged past meta.size. */
  append(content: Uint8Array): void {
    this.contentBytes += content.length;
    if (this.contentBytes > this.meta.size) throw new FileChanged('a file changed while it was being read');
    this.put(content);
  }

  /** Pads and writes the final chunk. Throws FileChanged if the content was short. */
  finish(): void {
    if (this.contentBytes !== this.meta.size) throw new FileChanged('a file changed while it was being read');
    const zeros = new Uint8Array(Math.min(CHUNK, this.total - this.produced));
    while (this.produced < this.total) this.put(zeros.subarray(0, Math.min(zeros.length, this.total - this.produced)));
    this.flush(true);
  }

  take(): Uint8Array[] {
    const pieces = this.out;
    this.out = [];
    this.outBytes = 0;
    return pieces;
  }
}

/** Encrypts objects for one writing session. Holds no key that can read anything written outside it. */
export class ObjectSealer {
  private constructor(
    private readonly sodium: Sodium,
    private readonly keys: WriteKeys,
    private readonly epk: Uint8Array,
    private readonly sessionKey: Uint8Array,
  ) {}

  static async create(keys: WriteKeys): Promise<ObjectSealer> {
    const sodium = await ready();
    const esk = randomBytes(32);
    const epk = sodium.crypto_scalarmult_base(esk);
    const shared = sodium.crypto_scalarmult(esk, keys.publicKey);
    sodium.memzero(esk);
    return new ObjectSealer(sodium, keys, epk, kemKey(sodium, shared, epk, keys.publicKey));
  }

  /** Wipe the session key. */
  dispose(): void {
    this.sodium.memzero(this.sessionKey);
  }

  private encryptor(id: Uint8Array, meta: ObjectMeta): ObjectEncryptor {
    return new ObjectEncryptor(this.sodium, this.keys.authKey, this.epk, this.sessionKey, id, meta);
  }

  /** The whole object for content held in memory (small files). */
  sealBytes(id: Uint8Array, meta: ObjectMeta, content: Uint8Array): Uint8Array {
    const e = this.encryptor(id, meta);
    e.append(content);
    e.finish();
    return concat(...e.take());
  }

  /**
   * The object for `meta` and its content, streamed: yields ciphertext pieces
   * (one per 64 KiB chunk). Throws FileChanged if the content is not exactly
   * meta.size bytes.
   */
  async *encrypt(id: Uint8Array, meta: ObjectMeta, content: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    const e = this.encryptor(id, meta);
    for await (const piece of content) {
      e.append(piece);
      if (e.outBytes >= OUTPUT_BATCH) yield* e.take();
    }
    e.finish();
    yield* e.take();
  }
}

/** Pulls exact byte counts out of a stream of arbitrary pieces. */
class ByteReader {
  private pieces: Uint8Array[] = [];
  private have = 0;
  private done = false;
  private readonly it: AsyncIterator<Uint8Array> | Iterator<Uint8Array>;

  constructor(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) {
    this.it = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  }

  /** Up to n bytes; fewer only at the end of the stream. */
  async read(n: number): Promise<Uint8Array> {
    while (this.have < n && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else if (r.value.length > 0) {
        this.pieces.push(r.value);
        this.have += r.value.length;
      }
    }
    const first = this.pieces[0];
    if (first !== undefined && first.length >= n) {
      // Inside one piece (most reads): a view, no copy.
      if (first.length > n) this.pieces[0] = first.subarray(n);
      else this.pieces.shift();
      this.have -= n;
      return first.subarray(0, n);
    }
    // Across pieces: only the bytes asked for are copied; the last piece's remainder stays a view. (Joining
    // the pieces whole copied each 1 MiB read of a large object once more: a gigabyte copied per gigabyte read.)
    const out = new Uint8Array(Math.min(n, this.have));
    for (let o = 0; o < out.length;) {
      const p = this.pieces[0]!;
      const k = Math.min(p.length, out.length - o);
      out.set(k === p.length ? p : p.subarray(0, k), o);
      o += k;
      if (k === p.length) this.pieces.shift();
      else this.pieces[0] = p.subarray(k);
    }
    this.have -= out.length;
    return out;
  }

  /** Ends the source early (a file it reads is closed now, not when collected); nothing after the end. */
  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.it.return?.();
  }
}

export type ObjectReadKeys = Pick<ReadKeys, 'boxSecret' | 'publicKey' | 'authKey' | 'nameKey'>;

export interface OpenedObject {
  /** Authentic metadata (the path is checked against the object's name). */
  meta: ObjectMeta;
  /** Which of the keys given opened it: 0 for the first (the current keys), 1 and up for earlier ones. */
  generation: number;
  /**
   * The content. Only a complete iteration proves the whole object authentic:
   * write it to a temporary file and move it into place only when this ends
   * without throwing.
   */
  content: AsyncGenerator<Uint8Array>;
}

const damaged = (why: string) => new DamagedData(`damaged or tampered object (${why})`);

/**
 * Open the object stored under `id`, with the vault's keys or, given a list
 * (current first, then earlier ones after a rotation), whichever wrote it.
 * Throws DamagedData for anything that fails authentication, binding or
 * framing, UnsafePath for a path that could escape its target,
 * UnsupportedFormat for a newer version.
 */
export async function openObject(
  keyring: ObjectReadKeys | readonly ObjectReadKeys[],
  id: Uint8Array,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  platform: NodeJS.Platform = process.platform,
): Promise<OpenedObject> {
  const s = await ready();
  if (id.length !== OBJECT_ID_BYTES) throw new Error('internal error: object id length');
  const reader = new ByteReader(source);
  try {
    return await openWith(s, reader, keyring, id, platform);
  } catch (e) {
    await reader.close();
    throw e;
  }
}

/** openObject's work once its source is a reader: throws before any content if the header or the metadata is refused. */
async function openWith(
  s: Sodium,
  reader: ByteReader,
  keyring: ObjectReadKeys | readonly ObjectReadKeys[],
  id: Uint8Array,
  platform: NodeJS.Platform,
): Promise<OpenedObject> {
  const header = await reader.read(HEADER_LEN);
  if (header.length < HEADER_LEN) throw damaged('truncated header');
  if (!s.memcmp(header.subarray(0, 4), MAGIC)) throw damaged('not a Casevault object');
  const version = header[4]!;
  if (version > OBJECT_VERSION) throw new UnsupportedFormat('an object was written by a newer Casevault; update Casevault to read it');
  if (version < 1) throw damaged('unknown version');
  const headAndWrapped = header.subarray(0, HEAD_LEN + 48);
  const tag = header.subarray(HEAD_LEN + 48, HEAD_LEN + 80);
  const ring = Array.isArray(keyring) ? keyring : [keyring as ObjectReadKeys];
  const generation = ring.findIndex((k) => s.memcmp(authTag(s, k.authKey, headAndWrapped, id), tag));
  // No key of this vault made its tag: another vault's object put here, or a forged or altered one (they cannot be told apart).
  if (generation < 0)
    throw new DamagedData("not this vault's object: its authentication tag is under no key of this vault (another vault's object, or a forged or altered one)");
  const keys = ring[generation]!;
  const epk = header.subarray(5, 37);
  let sessionKey: Uint8Array;
  try {
    sessionKey = kemKey(s, s.crypto_scalarmult(keys.boxSecret, epk), epk, keys.publicKey);
  } catch {
    throw damaged('bad key exchange');
  }
  let objKey: Uint8Array;
  try {
    objKey = s.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      header.subarray(HEAD_LEN, HEAD_LEN + 48),
      concat(header.subarray(0, HEAD_LEN), id),
      header.subarray(HEAD_LEN - 24, HEAD_LEN),
      sessionKey,
    );
  } catch {
    throw damaged('bad object key');
  } finally {
    s.memzero(sessionKey);
  }
  const state = s.crypto_secretstream_xchacha20poly1305_init_pull(header.subarray(HEAD_LEN + 80), objKey);
  s.memzero(objKey);

  let final = false;
  let plainTotal = 0;
  const pull = async (): Promise<Uint8Array> => {
    if (final) throw damaged('data after the final chunk');
    const c = await reader.read(CHUNK + ABYTES);
    if (c.length < ABYTES) throw damaged(c.length === 0 ? 'truncated: final chunk missing' : 'truncated chunk');
    const r = s.crypto_secretstream_xchacha20poly1305_pull(state, c, id);
    if (!r) throw damaged('chunk fails authentication');
    if (r.tag === s.crypto_secretstream_xchacha20poly1305_TAG_FINAL) final = true;
    else if (r.tag !== s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE || r.message.length !== CHUNK) throw damaged('bad chunk');
    plainTotal += r.message.length;
    return r.message;
  };

  const first = await pull();
  if (first.length < 4) throw damaged('short metadata');
  const metaLen = new DataView(first.buffer, first.byteOffset, 4).getUint32(0, true);
  if (4 + metaLen > first.length) throw damaged('metadata length');
  let meta: ObjectMeta;
  try {
    meta = metaSchema.parse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(first.subarray(4, 4 + metaLen))));
  } catch {
    throw damaged('unreadable metadata');
  }
  assertSafeVaultPath(meta.path, platform);
  if (!s.memcmp(await objectId(keys.nameKey, meta.path), id)) throw damaged('it is not the file its name says: swapped or misplaced');
  const expectedTotal = paddedLength(version, metaLen, meta.size);

  async function* content(): AsyncGenerator<Uint8Array> {
    try {
      let remaining = meta.size;
      let chunk = first.subarray(4 + metaLen);
      for (;;) {
        const n = Math.min(remaining, chunk.length);
        if (n > 0) yield chunk.subarray(0, n);
        remaining -= n;
        if (chunk.subarray(n).some((b) => b !== 0)) throw damaged('bad padding');
        if (final) break;
        chunk = await pull();
      }
      if (remaining !== 0 || plainTotal !== expectedTotal) throw damaged('wrong length');
      if ((await reader.read(1)).length !== 0) throw damaged('data after the final chunk');
    } finally {
      await reader.close(); // damaged, or the reader stopped early
    }
  }
  const gen = content();
  // A generator stopped before its first step never runs its `finally`: end the source then too (close is idempotent).
  const stop = gen.return.bind(gen);
  gen.return = async (value) => {
    try {
      return await stop(value);
    } finally {
      await reader.close();
    }
  };
  return { meta, generation, content: gen };
}

/** Read a whole object's content into memory (small objects, tests). */
export async function openObjectToBytes(
  keys: ObjectReadKeys | readonly ObjectReadKeys[],
  id: Uint8Array,
  bytes: Uint8Array,
): Promise<{ meta: ObjectMeta; content: Uint8Array }> {
  const { meta, content } = await openObject(keys, id, [bytes]);
  const parts: Uint8Array[] = [];
  for await (const p of content) parts.push(p);
  return { meta, content: concat(...parts) };
}
