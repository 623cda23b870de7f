// The repository's config file ("config", UTF-8 JSON). It holds the
// repository's random secret R, encrypted under the vault's backup wrap key
// with every parameter as associated data: a folder of another vault's
// backups, or parameters someone edited (a smaller pack size, different
// chunk sizes), fail to open.
//
// Version 2 (written from the first key rotation on: version 1 is a
// generation-0 repository, still written for a new one and read as ever)
// adds key generations: each rotation gives the repository a fresh secret
// for new writes, and the config's sealed plaintext carries, besides it,
// every earlier generation's secret with the list of that generation's
// snapshots (ID and digest of the manifest) known when it was superseded.
// A manifest sealed under an earlier secret is accepted only if it is on
// that list: someone who kept an earlier secret (a lost laptop's keys and
// one read of an earlier config) can no longer add snapshots.
// Spec: docs/backup-format.md.
import { z } from 'zod';
import { concat, fromBase64, toBase64, utf8 } from '../bytes.js';
import { Reader, Writer } from './pad.js';
import { checkChunkerParams, type ChunkerParams } from './chunker.js';
import { DamagedData, UnsupportedFormat } from '../errors.js';
import { randomBytes } from '../random.js';
import type { Sodium } from '../sodium.js';

export const REPO_VERSION = 2;
/** Generous bounds on a config's lists, so a damaged one cannot ask for absurd memory. */
const MAX_GENERATIONS = 10_000;
const MAX_ACCEPTED = 1_000_000;
const SECRET_BYTES = 32;
const SNAPSHOT_ID_BYTES = 16;
const DIGEST_BYTES = 32;
export const REPO_ID_BYTES = 16;
export const DEFAULT_PACK_SIZE = 16 * 1024 * 1024;

export interface RepoParams {
  chunker: ChunkerParams;
  /** Target size of a pack file (stored bytes before padding). */
  packSize: number;
}

export function checkRepoParams(p: RepoParams): void {
  checkChunkerParams(p.chunker);
  if (!Number.isInteger(p.packSize) || p.packSize < 64 * 1024 || p.packSize > 256 * 1024 * 1024) throw new Error('bad pack size');
}

const common = {
  casevault: z.literal('backup-repository'),
  repoId: z.string().max(64),
  chunker: z.object({ min: z.number().int(), avg: z.number().int(), max: z.number().int() }).strict(),
  packSize: z.number().int(),
  nonce: z.string().max(64),
};
const schemaV1 = z.object({ ...common, version: z.literal(1), secret: z.string().max(128) }).strict();
const schemaV2 = z
  .object({ ...common, version: z.literal(2), generation: z.number().int().min(1).max(MAX_GENERATIONS), secret: z.string().max(128 * 1024 * 1024) })
  .strict();

/** A snapshot of an earlier generation that was in the repository when that generation was superseded. */
export interface AcceptedSnapshot {
  id: Uint8Array;
  /** manifestDigest of its manifest's bytes. */
  digest: Uint8Array;
}

export interface EarlierGeneration {
  secret: Uint8Array;
  accepted: AcceptedSnapshot[];
}

export interface OpenedRepoConfig {
  repoId: Uint8Array;
  /** The current generation's secret: every new pack, index and manifest is written under it. */
  secret: Uint8Array;
  params: RepoParams;
  /** How many rotations the repository has been through (0: a version 1 config). */
  generation: number;
  /** Generations generation-1 down to 0, newest first. */
  earlier: EarlierGeneration[];
}

/** What an earlier generation's list pins a manifest to: BLAKE2b-256 of its bytes, keyed with a label of its own. */
export function manifestDigest(sodium: Sodium, manifest: Uint8Array): Uint8Array {
  return sodium.crypto_generichash(DIGEST_BYTES, manifest, utf8('casevault backup accepted manifest v1'));
}

function ad(version: 1 | 2, repoId: Uint8Array, p: RepoParams, generation: number): Uint8Array {
  const fields = [version, p.chunker.min, p.chunker.avg, p.chunker.max, p.packSize, ...(version === 2 ? [generation] : [])];
  return concat(utf8(`casevault backup config v${version}\0`), repoId, utf8(JSON.stringify(fields)));
}

/** The version 2 config's sealed plaintext (exported for the fuzzers: the decoder past authentication). */
export function encodeSecrets(secret: Uint8Array, earlier: readonly EarlierGeneration[]): Uint8Array {
  const w = new Writer().bytes(secret).u32(earlier.length);
  for (const g of earlier) {
    w.bytes(g.secret).u32(g.accepted.length);
    for (const a of g.accepted) w.bytes(a.id).bytes(a.digest);
  }
  return w.done();
}

export function decodeSecrets(plain: Uint8Array, generation: number): { secret: Uint8Array; earlier: EarlierGeneration[] } {
  const r = new Reader(plain, 'config');
  const secret = r.bytes(SECRET_BYTES).slice();
  if (r.u32() !== generation) throw new DamagedData("the backup repository's config file is damaged");
  const earlier: EarlierGeneration[] = [];
  for (let i = 0; i < generation; i++) {
    const s = r.bytes(SECRET_BYTES).slice();
    const n = r.u32();
    if (n > MAX_ACCEPTED || n * (SNAPSHOT_ID_BYTES + DIGEST_BYTES) > r.remaining) throw new DamagedData("the backup repository's config file is damaged");
    const accepted: AcceptedSnapshot[] = [];
    for (let j = 0; j < n; j++) accepted.push({ id: r.bytes(SNAPSHOT_ID_BYTES).slice(), digest: r.bytes(DIGEST_BYTES).slice() });
    earlier.push({ secret: s, accepted });
  }
  r.end();
  return { secret, earlier };
}

/**
 * The config sealed under `wrapKey`: version 1 while the repository has no
 * earlier generations (the bytes every earlier build wrote), else version 2
 * carrying them (`earlier`, newest first).
 */
export function sealRepoConfig(
  sodium: Sodium,
  wrapKey: Uint8Array,
  repoId: Uint8Array,
  secret: Uint8Array,
  p: RepoParams,
  earlier: readonly EarlierGeneration[] = [],
): Uint8Array {
  checkRepoParams(p);
  const version = earlier.length === 0 ? 1 : 2;
  const nonce = randomBytes(24);
  const plain = version === 1 ? secret : encodeSecrets(secret, earlier);
  const wrapped = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, ad(version, repoId, p, earlier.length), null, nonce, wrapKey);
  if (plain !== secret) sodium.memzero(plain);
  const body = {
    casevault: 'backup-repository',
    version,
    repoId: toBase64(repoId),
    chunker: { min: p.chunker.min, avg: p.chunker.avg, max: p.chunker.max },
    packSize: p.packSize,
    ...(version === 2 ? { generation: earlier.length } : {}),
    nonce: toBase64(nonce),
    secret: toBase64(wrapped),
  };
  return utf8(JSON.stringify(body, null, 2) + '\n');
}

/** Thrown when the config is well formed but the wrap key does not open it. */
export class ForeignRepository extends DamagedData {
  override name = 'ForeignRepository';
}

export function openRepoConfig(sodium: Sodium, wrapKey: Uint8Array, bytes: Uint8Array): OpenedRepoConfig {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new DamagedData("the backup repository's config file is damaged");
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > REPO_VERSION)
    throw new UnsupportedFormat('the backup repository was made by a newer Casevault; update Casevault to use it');
  const parsed = version === 2 ? schemaV2.safeParse(json) : schemaV1.safeParse(json);
  if (!parsed.success) throw new DamagedData("the backup repository's config file is damaged");
  const c = parsed.data;
  const generation = c.version === 2 ? c.generation : 0;
  let repoId: Uint8Array;
  let nonce: Uint8Array;
  let wrapped: Uint8Array;
  const params: RepoParams = { chunker: c.chunker, packSize: c.packSize };
  try {
    repoId = fromBase64(c.repoId, REPO_ID_BYTES);
    nonce = fromBase64(c.nonce, 24);
    wrapped = c.version === 1 ? fromBase64(c.secret, SECRET_BYTES + 16) : fromBase64(c.secret);
    if (wrapped.length < SECRET_BYTES + 16) throw new Error('short');
    checkRepoParams(params);
  } catch {
    throw new DamagedData("the backup repository's config file is damaged");
  }
  let plain: Uint8Array;
  try {
    plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, wrapped, ad(c.version, repoId, params, generation), nonce, wrapKey);
  } catch {
    throw new ForeignRepository('the backup folder holds the backups of another vault, or its settings were tampered with');
  }
  if (c.version === 1) return { repoId, secret: plain, params, generation: 0, earlier: [] };
  try {
    return { repoId, params, generation, ...decodeSecrets(plain, generation) };
  } finally {
    sodium.memzero(plain);
  }
}
