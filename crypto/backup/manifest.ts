// Snapshot manifests: one file per snapshot, in two sections.
//
//   "CVBM" | version 1 | ephemeral X25519 public key (32)
//   | summary nonce (24) | u32 length | summary ciphertext
//   | tree nonce (24)    | u32 length | tree ciphertext
//   | MAC (32)
//
// Summary: under the index key (a write key), so a locked computer can list
// snapshots, apply the retention policy and prune. Framed plaintext:
//   u64 time (ms since the epoch) | u32 files | u64 bytes | u32 blob count
//   | blob IDs (32 each), sorted: every blob the snapshot needs.
// Tree: under its own key, BLAKE2b-256("casevault backup manifest key v1" |
// X25519 shared secret | epk | vault public key): only the unlocked vault
// reads names. Framed plaintext: deflate-raw of JSON
//   { "v": 1, "files": [ { "p": path, "s": size, "m": mtimeMs, "c": [i...] } ] }
// where c lists indexes into the summary's blob IDs, in file order.
// Each section's AD is a distinct label | the bytes before the section's
// nonce | the snapshot ID, so a data blob, an index or a summary never
// parses as a tree. The MAC (keyed BLAKE2b under the manifest MAC key)
// covers the snapshot ID and every byte before it: a manifest assembled from
// existing pieces (CVE-2023-36811) needs that key. Spec: docs/backup-format.md.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { concat, u32le, utf8 } from '../bytes.js';
import { BLOB_ID_BYTES } from './blob.js';
import type { RepoKeys } from './keys.js';
import { padFrame, Reader, unpadFrame, Writer } from './pad.js';
import { DamagedData, UnsupportedFormat } from '../errors.js';
import { randomBytes } from '../random.js';
import type { Sodium } from '../sodium.js';

export const MANIFEST_VERSION = 1;
export const SNAPSHOT_ID_BYTES = 16;
const MAGIC = utf8('CVBM');
const HEAD = 4 + 1 + 32;
const MAX_TREE = 1024 * 1024 * 1024;

export interface ManifestFile {
  path: string;
  size: number;
  mtimeMs: number;
  /** Blob IDs of its chunks, in order. */
  chunks: Uint8Array[];
}

export interface ManifestSummary {
  timeMs: number;
  files: number;
  bytes: number;
  /** Every blob the snapshot needs, sorted, unique. */
  blobs: Uint8Array[];
}

interface TreeFile {
  p: string;
  s: number;
  m: number;
  c: number[];
}

function cmp(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** The tree key, from X25519(secret, peer): the writer passes (esk, vault public key), the reader (box secret, epk). */
function manifestKey(sodium: Sodium, secret: Uint8Array, peer: Uint8Array, epk: Uint8Array, vpk: Uint8Array): Uint8Array {
  const shared = sodium.crypto_scalarmult(secret, peer);
  const key = sodium.crypto_generichash(32, concat(utf8('casevault backup manifest key v1'), shared, epk, vpk), null);
  sodium.memzero(shared);
  return key;
}

const SUMMARY_LABEL = utf8('casevault backup manifest summary v1');
const TREE_LABEL = utf8('casevault backup manifest tree v1');
const MAC_LABEL = utf8('casevault backup manifest mac v1');

function mac(sodium: Sodium, key: Uint8Array, snapshotId: Uint8Array, body: Uint8Array): Uint8Array {
  return sodium.crypto_generichash(32, concat(MAC_LABEL, snapshotId, body), key);
}

/** A blob ID as a Latin-1 string, one character a byte (no copy): as a key, and in byte order under string comparison. */
function idKey(id: Uint8Array): string {
  return Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('latin1');
}

export function sealManifest(sodium: Sodium, keys: RepoKeys, snapshotId: Uint8Array, timeMs: number, files: readonly ManifestFile[]): Uint8Array {
  const byKey = new Map<string, Uint8Array>();
  let bytes = 0;
  for (const f of files) {
    bytes += f.size;
    for (const c of f.chunks) byKey.set(idKey(c), c);
  }
  const sorted = [...byKey.keys()].sort(); // the blob IDs sorted byte by byte
  const position = new Map(sorted.map((k, i) => [k, i]));
  const sw = new Writer().u64(timeMs).u32(files.length).u64(bytes).u32(sorted.length);
  for (const k of sorted) sw.bytes(byKey.get(k)!);
  const tree = {
    v: 1,
    files: files.map((f) => ({ p: f.path, s: f.size, m: f.mtimeMs, c: f.chunks.map((c) => position.get(idKey(c))!) })),
  };
  const deflated = deflateRawSync(utf8(JSON.stringify(tree)), { level: 6 });

  const esk = randomBytes(32);
  const epk = sodium.crypto_scalarmult_base(esk);
  const head = concat(MAGIC, new Uint8Array([MANIFEST_VERSION]), epk);
  const sNonce = randomBytes(24);
  const sCt = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(padFrame(sw.done()), concat(SUMMARY_LABEL, head, snapshotId), null, sNonce, keys.indexKey);
  const beforeTree = concat(head, sNonce, u32le(sCt.length), sCt);
  const tNonce = randomBytes(24);
  const tKey = manifestKey(sodium, esk, keys.publicKey, epk, keys.publicKey);
  sodium.memzero(esk);
  const tCt = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    padFrame(new Uint8Array(deflated.buffer, deflated.byteOffset, deflated.length)),
    concat(TREE_LABEL, beforeTree, snapshotId),
    null,
    tNonce,
    tKey,
  );
  sodium.memzero(tKey);
  const body = concat(beforeTree, tNonce, u32le(tCt.length), tCt);
  return concat(body, mac(sodium, keys.manifestMacKey, snapshotId, body));
}

const damaged = (why: string) => new DamagedData(`damaged or tampered backup snapshot (${why})`);

const TREE_KEYS = ['p', 's', 'm', 'c'];
const isIndex = (i: unknown): i is number => Number.isSafeInteger(i) && (i as number) >= 0;

/**
 * The tree as parsed JSON, checked field by field: { "v": 1, "files": [...] }
 * and no other key; each file exactly p (text), s (a size), m (a finite
 * time) and c (chunk indexes). A plain loop: a schema library took 22 µs a
 * file (0.2 s at 10,000 files before a restore could start).
 */
export function checkTree(v: unknown): TreeFile[] {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw damaged('unreadable tree');
  const t = v as Record<string, unknown>;
  if (Object.keys(t).length !== 2 || t['v'] !== 1 || !Array.isArray(t['files'])) throw damaged('unreadable tree');
  for (const f of t['files'] as unknown[]) {
    if (typeof f !== 'object' || f === null || Array.isArray(f)) throw damaged('unreadable tree');
    const e = f as Record<string, unknown>;
    const keys = Object.keys(e);
    if (keys.length !== TREE_KEYS.length || !TREE_KEYS.every((k) => Object.hasOwn(e, k))) throw damaged('unreadable tree');
    if (typeof e['p'] !== 'string' || !isIndex(e['s']) || !Number.isFinite(e['m']) || !Array.isArray(e['c']) || !e['c'].every(isIndex)) {
      throw damaged('unreadable tree');
    }
  }
  return t['files'] as TreeFile[];
}

interface Parsed {
  epk: Uint8Array;
  summary: ManifestSummary;
  beforeTree: Uint8Array;
  tNonce: Uint8Array;
  tCt: Uint8Array;
}

function parse(sodium: Sodium, keys: Pick<RepoKeys, 'indexKey' | 'manifestMacKey'>, snapshotId: Uint8Array, bytes: Uint8Array): Parsed {
  if (bytes.length < HEAD + 2 * 28 + 32) throw damaged('truncated');
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw damaged('not a Casevault snapshot');
  if (bytes[4] !== MANIFEST_VERSION) {
    if (bytes[4]! > MANIFEST_VERSION) throw new UnsupportedFormat('a backup snapshot was written by a newer Casevault; update Casevault to read it');
    throw damaged('unknown version');
  }
  const body = bytes.subarray(0, bytes.length - 32);
  if (!sodium.memcmp(mac(sodium, keys.manifestMacKey, snapshotId, body), bytes.subarray(bytes.length - 32))) {
    throw damaged('fails authentication: damaged, forged, renamed or from another repository');
  }
  const head = body.subarray(0, HEAD);
  const r = new Reader(body.subarray(HEAD), 'snapshot');
  const sNonce = r.bytes(24);
  const sCt = r.bytes(r.u32());
  const beforeTreeLen = HEAD + 28 + sCt.length;
  const tNonce = r.bytes(24);
  const tCt = r.bytes(r.u32());
  r.end();
  let framed: Uint8Array;
  try {
    framed = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, sCt, concat(SUMMARY_LABEL, head, snapshotId), sNonce, keys.indexKey);
  } catch {
    throw damaged('summary fails authentication');
  }
  const s = new Reader(unpadFrame(framed, 'snapshot'), 'snapshot');
  const timeMs = s.u64();
  const files = s.u32();
  const total = s.u64();
  const n = s.u32();
  if (n * BLOB_ID_BYTES !== s.remaining) throw damaged('blob list');
  const blobs: Uint8Array[] = [];
  for (let i = 0; i < n; i++) blobs.push(s.bytes(BLOB_ID_BYTES).slice());
  for (let i = 1; i < n; i++) if (cmp(blobs[i - 1]!, blobs[i]!) >= 0) throw damaged('blob list order');
  return { epk: head.subarray(5, HEAD).slice(), summary: { timeMs, files, bytes: total, blobs }, beforeTree: body.subarray(0, beforeTreeLen), tNonce, tCt };
}

/**
 * Whether `bytes` could be a manifest of the repository whose index key is
 * `indexKey`: the magic, a known version and a summary that key
 * authenticates (the MAC and the tree aside). False is a file that is plainly
 * not one of its snapshots: junk, cut short, or another repository's.
 */
export function manifestIsOurs(sodium: Sodium, indexKey: Uint8Array, snapshotId: Uint8Array, bytes: Uint8Array): boolean {
  if (bytes.length < HEAD + 2 * 28 + 32 || !MAGIC.every((b, i) => bytes[i] === b)) return false;
  if (bytes[4]! > MANIFEST_VERSION) return true; // a newer Casevault's: not this one's to judge
  if (bytes[4] !== MANIFEST_VERSION) return false;
  try {
    const head = bytes.subarray(0, HEAD);
    const r = new Reader(bytes.subarray(HEAD, bytes.length - 32), 'snapshot');
    const sNonce = r.bytes(24);
    const sCt = r.bytes(r.u32());
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, sCt, concat(SUMMARY_LABEL, head, snapshotId), sNonce, indexKey);
    return true;
  } catch {
    return false;
  }
}

/** The summary alone: needs only write keys (locked computers list, forget and prune with it). */
export function openManifestSummary(
  sodium: Sodium,
  keys: Pick<RepoKeys, 'indexKey' | 'manifestMacKey'>,
  snapshotId: Uint8Array,
  bytes: Uint8Array,
): ManifestSummary {
  return parse(sodium, keys, snapshotId, bytes).summary;
}

/** The whole manifest: needs the vault's box secret. */
export function openManifest(
  sodium: Sodium,
  keys: Pick<RepoKeys, 'indexKey' | 'manifestMacKey' | 'publicKey'>,
  boxSecret: Uint8Array,
  snapshotId: Uint8Array,
  bytes: Uint8Array,
): { summary: ManifestSummary; files: ManifestFile[] } {
  const p = parse(sodium, keys, snapshotId, bytes);
  let key: Uint8Array;
  try {
    key = manifestKey(sodium, boxSecret, p.epk, p.epk, keys.publicKey);
  } catch {
    throw damaged('bad key exchange');
  }
  let framed: Uint8Array;
  try {
    framed = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, p.tCt, concat(TREE_LABEL, p.beforeTree, snapshotId), p.tNonce, key);
  } catch {
    throw damaged('tree fails authentication');
  } finally {
    sodium.memzero(key);
  }
  let tree: TreeFile[];
  try {
    const json = inflateRawSync(unpadFrame(framed, 'snapshot'), { maxOutputLength: MAX_TREE });
    tree = checkTree(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json)));
  } catch (e) {
    if (e instanceof DamagedData) throw e;
    throw damaged('unreadable tree');
  }
  const n = p.summary.blobs.length;
  let bytesTotal = 0;
  const files = tree.map((f) => {
    bytesTotal += f.s;
    return {
      path: f.p,
      size: f.s,
      mtimeMs: f.m,
      chunks: f.c.map((i) => {
        if (i >= n) throw damaged('chunk reference');
        return p.summary.blobs[i]!;
      }),
    };
  });
  if (files.length !== p.summary.files || bytesTotal !== p.summary.bytes) throw damaged('tree and summary disagree');
  return { summary: p.summary, files };
}
