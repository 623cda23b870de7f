// Audit log entries: each sealed to the vault's public key (so they are
// written while the vault is locked, and only read unlocked), and chained by
// a keyed hash under a key derived from the auth key, so an edited, removed,
// reordered or inserted entry breaks the chain. Each entry's plaintext is
// padded to a bucket so its sealed size does not tell the cloud (which
// mirrors the trail) how long a case or member name was, or a failed unlock
// from a successful one; the head is authenticated so the end cannot be cut
// off by rewriting it. Spec: docs/format.md, "Audit log".
import { concat, fromBase64, toBase64, toHex, u64le, utf8 } from './bytes.js';
import { DamagedData } from './errors.js';
import { ready } from './sodium.js';

export interface AuditEntry {
  at: string;
  event: string;
  detail?: string;
}

export interface AuditLine {
  seq: number;
  sealed: string;
  tag: string;
}

export const GENESIS = '0'.repeat(64);

/** Every entry's plaintext is padded (with JSON whitespace, which readers skip) to a multiple of this many bytes. */
export const AUDIT_BUCKET = 512;

async function chainKey(authKey: Uint8Array): Promise<Uint8Array> {
  const sodium = await ready();
  return sodium.crypto_generichash(32, utf8('casevault audit chain key v1'), authKey);
}

async function chainTag(key: Uint8Array, seq: number, previous: string, sealed: string): Promise<string> {
  const sodium = await ready();
  return toHex(sodium.crypto_generichash(32, concat(utf8('casevault audit v1'), u64le(seq), Buffer.from(previous, 'hex'), utf8(sealed)), key));
}

export async function sealAuditEntry(publicKey: Uint8Array, authKey: Uint8Array, seq: number, previous: string, entry: AuditEntry): Promise<AuditLine> {
  const sodium = await ready();
  const json = JSON.stringify(entry);
  const size = Math.max(1, Math.ceil(utf8(json).length / AUDIT_BUCKET)) * AUDIT_BUCKET;
  const padded = concat(utf8(json), new Uint8Array(size - utf8(json).length).fill(0x20));
  const sealed = toBase64(sodium.crypto_box_seal(padded, publicKey));
  return { seq, sealed, tag: await chainTag(await chainKey(authKey), seq, previous, sealed) };
}

export function formatAuditLine(l: AuditLine): string {
  return `v1 ${l.seq} ${l.sealed} ${l.tag}`;
}

export function parseAuditLine(text: string): AuditLine {
  const m = /^v1 (\d{1,15}) ([A-Za-z0-9+/=]{1,12000}) ([0-9a-f]{64})$/.exec(text);
  if (!m) throw new DamagedData('an audit log line is malformed');
  return { seq: Number(m[1]), sealed: m[2]!, tag: m[3]! };
}

/**
 * Checks the chain: sequence numbers 1, 2, 3... and every tag. Returns the
 * head (last seq and tag), or the 1-based line number of the first bad line.
 */
export async function verifyAuditChain(
  authKey: Uint8Array,
  lines: string[],
): Promise<{ ok: true; seq: number; tag: string } | { ok: false; line: number; why: string }> {
  const key = await chainKey(authKey);
  let previous = GENESIS;
  for (const [i, text] of lines.entries()) {
    let l: AuditLine;
    try {
      l = parseAuditLine(text);
    } catch {
      return { ok: false, line: i + 1, why: 'malformed' };
    }
    if (l.seq !== i + 1) return { ok: false, line: i + 1, why: 'out of sequence (removed, reordered or inserted entries)' };
    if ((await chainTag(key, l.seq, previous, l.sealed)) !== l.tag) return { ok: false, line: i + 1, why: 'edited or forged' };
    previous = l.tag;
  }
  return { ok: true, seq: lines.length, tag: previous };
}

/** The head's authentication: the last entry's number and tag, under the chain key, so a head rewritten to an earlier entry is refused. */
export async function auditHeadMac(authKey: Uint8Array, seq: number, tag: string): Promise<string> {
  const sodium = await ready();
  return toHex(sodium.crypto_generichash(32, concat(utf8('casevault audit head v1'), u64le(seq), Buffer.from(tag, 'hex')), await chainKey(authKey)));
}

export async function openAuditEntry(publicKey: Uint8Array, boxSecret: Uint8Array, l: AuditLine): Promise<AuditEntry> {
  const sodium = await ready();
  try {
    return JSON.parse(new TextDecoder().decode(sodium.crypto_box_seal_open(fromBase64(l.sealed), publicKey, boxSecret))) as AuditEntry;
  } catch {
    throw new DamagedData('an audit log entry cannot be decrypted');
  }
}
