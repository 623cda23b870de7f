// The repository's config file ("config", UTF-8 JSON). It holds the
// repository's random secret R, encrypted under the vault's backup wrap key
// with every parameter as associated data: a folder of another vault's
// backups, or parameters someone edited (a smaller pack size, different
// chunk sizes), fail to open. Spec: docs/backup-format.md.
import { z } from 'zod';
import { concat, fromBase64, toBase64, utf8 } from '../bytes.js';
import { checkChunkerParams, type ChunkerParams } from './chunker.js';
import { DamagedData, UnsupportedFormat } from '../errors.js';
import { randomBytes } from '../random.js';
import type { Sodium } from '../sodium.js';

export const REPO_VERSION = 1;
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

const schema = z
  .object({
    casevault: z.literal('backup-repository'),
    version: z.number().int(),
    repoId: z.string().max(64),
    chunker: z.object({ min: z.number().int(), avg: z.number().int(), max: z.number().int() }).strict(),
    packSize: z.number().int(),
    nonce: z.string().max(64),
    secret: z.string().max(128),
  })
  .strict();

function ad(repoId: Uint8Array, p: RepoParams): Uint8Array {
  return concat(utf8('casevault backup config v1\0'), repoId, utf8(JSON.stringify([REPO_VERSION, p.chunker.min, p.chunker.avg, p.chunker.max, p.packSize])));
}

export function sealRepoConfig(sodium: Sodium, wrapKey: Uint8Array, repoId: Uint8Array, secret: Uint8Array, p: RepoParams): Uint8Array {
  checkRepoParams(p);
  const nonce = randomBytes(24);
  const wrapped = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(secret, ad(repoId, p), null, nonce, wrapKey);
  const body = {
    casevault: 'backup-repository',
    version: REPO_VERSION,
    repoId: toBase64(repoId),
    chunker: { min: p.chunker.min, avg: p.chunker.avg, max: p.chunker.max },
    packSize: p.packSize,
    nonce: toBase64(nonce),
    secret: toBase64(wrapped),
  };
  return utf8(JSON.stringify(body, null, 2) + '\n');
}

/** Thrown when the config is well formed but the wrap key does not open it. */
export class ForeignRepository extends DamagedData {
  override name = 'ForeignRepository';
}

export function openRepoConfig(sodium: Sodium, wrapKey: Uint8Array, bytes: Uint8Array): { repoId: Uint8Array; secret: Uint8Array; params: RepoParams } {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new DamagedData("the backup repository's config file is damaged");
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > REPO_VERSION)
    throw new UnsupportedFormat('the backup repository was made by a newer Casevault; update Casevault to use it');
  const parsed = schema.safeParse(json);
  if (!parsed.success || parsed.data.version !== REPO_VERSION) throw new DamagedData("the backup repository's config file is damaged");
  const c = parsed.data;
  let repoId: Uint8Array;
  let nonce: Uint8Array;
  let wrapped: Uint8Array;
  const params: RepoParams = { chunker: c.chunker, packSize: c.packSize };
  try {
    repoId = fromBase64(c.repoId, REPO_ID_BYTES);
    nonce = fromBase64(c.nonce, 24);
    wrapped = fromBase64(c.secret, 48);
    checkRepoParams(params);
  } catch {
    throw new DamagedData("the backup repository's config file is damaged");
  }
  try {
    const secret = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, wrapped, ad(repoId, params), nonce, wrapKey);
    return { repoId, secret, params };
  } catch {
    throw new ForeignRepository('the backup folder holds the backups of another vault, or its settings were tampered with');
  }
}
