// The audit trail (CASEVAULT_HOME/audit.log, mirrored to the cloud as
// audit/<device id>.log): unlocks and failed unlocks, locks, recoveries,
// restores, passphrase and recovery-key changes, deletions, prunes. Appended
// while locked; read only unlocked; `audit --verify` needs no passphrase.
// The head (last sequence number and tag, under a keyed hash) is kept apart,
// so cutting entries off the end is detected too, even with the head
// rewritten to match: that needs the auth key, not just the log's last line.
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  auditHeadMac,
  formatAuditLine,
  GENESIS,
  openAuditEntry,
  parseAuditLine,
  sealAuditEntry,
  verifyAuditChain,
  type AuditEntry,
  type ReadKeys,
  type WriteKeys,
} from '../../crypto/index.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { withLockFile } from '../fsutil/lockfile.js';
import { homeFiles } from '../home.js';
import { RemoteTooLarge, type Remote } from '../remotes/remote.js';
import type { AuditVerifyReport, OtherTrail } from '../../contract/index.js';
import { readIfExists } from '../fsutil/read.js';

const LOG = homeFiles.auditLog;
const HEAD = homeFiles.auditHead;

/**
 * The log up to its last line end: a last line with no end (a write cut short by power loss) is not an entry (the next
 * append cuts it off), and another computer would call a mirror holding it damaged. No log yet is an empty one; an
 * unreadable one is an error, never an empty trail.
 */
async function wholeLines(home: string): Promise<Buffer> {
  const bytes = (await readIfExists(join(home, LOG))) ?? Buffer.alloc(0);
  return bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1);
}

async function lines(home: string): Promise<string[]> {
  return (await wholeLines(home))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0);
}

/** More than any line (an entry's sealed text is at most 12,000 characters: crypto/audit.ts parseAuditLine). */
const TAIL_BYTES = 32 * 1024;

/**
 * The log's last entry's number and tag, read from its end, after cutting
 * off a last line with no end (a write cut short: it has no head, and the
 * next line must start on a line of its own). Undefined for an empty log,
 * or a last line that is not an entry (the check reports it).
 */
async function lastEntry(home: string): Promise<{ seq: number; tag: string } | undefined> {
  const fh = await open(join(home, LOG), 'r+').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (!fh) return undefined;
  try {
    const { size } = await fh.stat();
    const from = Math.max(0, size - TAIL_BYTES);
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(size - from), 0, size - from, from);
    let text = buffer.subarray(0, bytesRead).toString('latin1'); // a line is ASCII
    const end = text.lastIndexOf('\n') + 1;
    if (end < text.length && (end > 0 || from === 0)) {
      await fh.truncate(from + end);
      await fh.sync();
      text = text.slice(0, end);
    }
    const last = text.slice(text.lastIndexOf('\n', text.length - 2) + 1, -1);
    try {
      const { seq, tag } = parseAuditLine(last);
      return { seq, tag };
    } catch {
      return undefined;
    }
  } finally {
    await fh.close();
  }
}

interface Head {
  seq: number;
  tag: string;
  /** auditHeadMac of seq and tag; absent in a head written before it was required (or forged), which verify refuses. */
  mac?: string;
}

async function head(home: string): Promise<Head> {
  try {
    return JSON.parse(await readFile(join(home, HEAD), 'utf8')) as Head;
  } catch {
    return { seq: 0, tag: GENESIS };
  }
}

async function writeHead(home: string, authKey: Uint8Array, seq: number, tag: string): Promise<void> {
  await writeFileAtomic(join(home, HEAD), JSON.stringify({ seq, tag, mac: await auditHeadMac(authKey, seq, tag) }));
}

/**
 * A home's appends and checks, one at a time: an append reads where the
 * chain ends, adds a line, then writes the head, so a second append
 * meanwhile would chain from the same end (two lines of one number), and a
 * check meanwhile would see the log one line past its head. Within this
 * process they queue; between processes (the app and a `casevault`
 * command on one home) they hold the home's audit lock, waiting for it.
 */
const turns = new Map<string, Promise<unknown>>();

/** How long an append or a check waits for another process's (each takes milliseconds). */
const AUDIT_PATIENCE_MS = 10_000;

/** A home where no lock file can be made, which no one can append to either: a check there runs without the lock. */
const READ_ONLY = new Set(['EROFS', 'EACCES', 'EPERM']);

function inTurn<T>(home: string, work: () => Promise<T>, reading = false): Promise<T> {
  let began = false;
  const begin = () => ((began = true), work());
  const locked = () =>
    withLockFile(home, homeFiles.auditLock, AUDIT_PATIENCE_MS, begin).catch((e: NodeJS.ErrnoException) => {
      if (reading && !began && READ_ONLY.has(e.code ?? '')) return work();
      throw e;
    });
  const mine = (turns.get(home) ?? Promise.resolve()).then(locked, locked);
  const settled = mine.catch(() => {});
  turns.set(home, settled);
  void settled.then(() => turns.get(home) === settled && turns.delete(home));
  return mine;
}

export function appendAudit(home: string, keys: Pick<WriteKeys, 'publicKey' | 'authKey'>, event: string, detail?: string): Promise<void> {
  return inTurn(home, () => append(home, keys, event, detail));
}

async function append(home: string, keys: Pick<WriteKeys, 'publicKey' | 'authKey'>, event: string, detail?: string): Promise<void> {
  // Where the chain ends: its head, or the log's last entry where an append was killed before it wrote the head.
  const [h, last] = await Promise.all([head(home), lastEntry(home)]);
  const end = last && last.seq > h.seq ? last : h;
  const line = await sealAuditEntry(keys.publicKey, keys.authKey, end.seq + 1, end.tag, { at: new Date().toISOString(), event, ...(detail ? { detail } : {}) });
  const fh = await open(join(home, LOG), 'a', 0o600);
  try {
    await fh.appendFile(`${formatAuditLine(line)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await writeHead(home, keys.authKey, line.seq, line.tag);
}

/**
 * Check the trail here: its chain, its head, that it is not missing or
 * empty (a vault's trail begins with "vault created"), and, given `mirror`
 * (the authentic lines of this computer's own mirror in the cloud, read
 * before the turn begins: see ownMirror), that the cloud does not hold
 * entries this log lacks. A mirror behind the log (entries not yet synced)
 * is fine.
 */
export function verifyAudit(home: string, keys: Pick<WriteKeys, 'authKey'>, mirror?: readonly string[]): Promise<AuditVerifyReport> {
  return inTurn(home, () => verify(home, keys, mirror), true);
}

async function verify(home: string, keys: Pick<WriteKeys, 'authKey'>, mirror?: readonly string[]): Promise<AuditVerifyReport> {
  const all = await lines(home);
  const r = await verifyAuditChain(keys.authKey, all);
  if (!r.ok) return { ok: false, entries: all.length, problem: `line ${r.line} of the audit log is ${r.why}` };
  const differs = mirror && mirrorDiffers(all, mirror);
  if (differs) return { ok: false, entries: all.length, problem: differs };
  if (all.length === 0)
    return {
      ok: false,
      entries: 0,
      problem: 'the audit log is missing or empty, though the trail of every vault begins with "vault created" (it was deleted or emptied)',
    };
  const h = await head(home);
  if (!onChain(all, h, r))
    return { ok: false, entries: all.length, problem: 'the audit log ends before its last recorded entry (entries were cut off the end)' };
  if (all.length > 0 && h.mac !== (await auditHeadMac(keys.authKey, h.seq, h.tag)))
    return {
      ok: false,
      entries: all.length,
      problem: 'the record of where the audit log ends is not authentic (rewritten, or left by an earlier version): entries may have been cut off the end',
    };
  return { ok: true, entries: all.length };
}

/**
 * Whether the head names an entry of the checked chain: its last (the log
 * as its last append left it) or an earlier one (an append killed between
 * its line and its head: the lines after the head are chained under the
 * key, so none is forged). A head past the chain's end means entries were
 * cut off.
 */
function onChain(all: readonly string[], h: Head, end: { seq: number; tag: string }): boolean {
  if (h.seq === end.seq) return h.tag === end.tag;
  if (h.seq > end.seq || !Number.isInteger(h.seq) || h.seq < 0) return false;
  return h.seq === 0 ? h.tag === GENESIS : parseAuditLine(all[h.seq - 1]!).tag === h.tag;
}

/**
 * What this computer's own mirror in the cloud (audit/<device id>.log)
 * holds that can be trusted: its whole lines up to the first that fails the
 * chain under `authKey` (the cloud, which lacks the key, can cut, spoil or
 * roll back the mirror, never add to it). Read bounded (TRAIL_MAX).
 * Undefined where there is none or it cannot be read (no cloud, too large):
 * then nothing is compared.
 */
export async function ownMirror(remote: Remote, deviceId: string, authKey: Uint8Array): Promise<string[] | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await remote.read(`audit/${deviceId}.log`, TRAIL_MAX);
  } catch {
    return undefined; // absent, too large, or the cloud cannot be reached
  }
  const text = new TextDecoder().decode(bytes);
  const all = text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((l) => l.length > 0);
  const check = await verifyAuditChain(authKey, all);
  return check.ok ? all : all.slice(0, check.line - 1);
}

/** How the mirror's authentic lines go beyond the log here, if they do: more entries, or another entry at one number. */
function mirrorDiffers(local: readonly string[], mirror: readonly string[]): string | undefined {
  const at = mirror.findIndex((l, i) => i < local.length && l !== local[i]);
  if (at >= 0) return `entry ${at + 1} of this computer's copy of the trail in the cloud differs from the audit log here (the log was replaced or rewritten)`;
  if (mirror.length > local.length)
    return `this computer's copy of the trail in the cloud holds ${mirror.length - local.length} ${mirror.length - local.length === 1 ? 'entry' : 'entries'} more than the audit log here (entries were cut off the end, or the log removed)`;
  return undefined;
}

export async function readAudit(home: string, keys: Pick<ReadKeys, 'publicKey' | 'boxSecret'>): Promise<AuditEntry[]> {
  return Promise.all((await lines(home)).map((l) => openAuditEntry(keys.publicKey, keys.boxSecret, parseAuditLine(l))));
}

type ChainCheck = Awaited<ReturnType<typeof verifyAuditChain>>;

/**
 * Which of the vault's keys (current first) chained these lines: the first
 * whose check does not fail at line 1 (a line 1 that fails is another
 * generation's, or forged), with that check. None: how line 1 fails under
 * the current keys.
 */
async function chainOf(
  all: string[],
  ring: readonly ReadKeys[],
): Promise<{ found: true; generation: number; check: ChainCheck } | { found: false; why: string }> {
  let why = 'it is empty';
  for (const [generation, k] of ring.entries()) {
    const check = await verifyAuditChain(k.authKey, all);
    if (check.ok || check.line > 1) return { found: true, generation, check };
    if (generation === 0) why = check.why;
  }
  return { found: false, why };
}

/** Each line's entry, opened with whichever of `ring` sealed it; a line none opens (malformed, damaged) is left out. */
async function openLines(all: string[], ring: readonly ReadKeys[]): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (const text of all) {
    for (const k of ring) {
      const entry = await Promise.resolve()
        .then(() => openAuditEntry(k.publicKey, k.boxSecret, parseAuditLine(text)))
        .catch(() => undefined);
      if (entry) {
        entries.push(entry);
        break;
      }
    }
  }
  return entries;
}

/** A mirrored trail larger than this is not read (the cloud is hostile); the report says so. */
export const TRAIL_MAX = 16 * 1024 * 1024;
export const TRAIL_TOO_LARGE = 'too large to be a trail, so it was not read';

/**
 * The trails other computers of this vault mirrored to the cloud
 * (audit/<device id>.log; in a handover copy, the predecessor's too), each
 * checked and decrypted, the most recently active first.
 */
export async function otherTrails(remote: Remote, ownDevice: string, ring: readonly ReadKeys[]): Promise<OtherTrail[]> {
  const out: OtherTrail[] = [];
  for await (const e of remote.list('audit/')) {
    const m = /^audit\/([0-9a-f]{32})\.log$/.exec(e.name);
    if (!m || m[1] === ownDevice) continue;
    let bytes: Uint8Array;
    try {
      bytes = await remote.read(e.name, TRAIL_MAX);
    } catch (err) {
      if (!(err instanceof RemoteTooLarge)) throw err;
      out.push({ device: m[1]!, ok: false, problem: TRAIL_TOO_LARGE, earlierKeys: false, entries: [] });
      continue;
    }
    out.push(await openTrail(m[1]!, new TextDecoder().decode(bytes), ring));
  }
  return out.sort((a, b) => (b.entries.at(-1)?.at ?? '').localeCompare(a.entries.at(-1)?.at ?? ''));
}

/** Check and open a mirrored trail with whichever of the vault's keys wrote it (current first). */
export async function openTrail(device: string, text: string, ring: readonly ReadKeys[]): Promise<OtherTrail> {
  const all = text.split('\n').filter((l) => l.length > 0);
  const found = await chainOf(all, ring);
  if (!found.found) return { device, ok: false, problem: `line 1 is ${found.why} (under every key of this vault)`, earlierKeys: false, entries: [] };
  const { check } = found;
  return {
    device,
    ok: check.ok,
    ...(check.ok ? {} : { problem: `line ${check.line} is ${check.why}` }),
    earlierKeys: found.generation > 0,
    entries: await openLines(all, [ring[found.generation]!]),
  };
}

/**
 * Move the audit trail to new keys (after a key rotation): every entry is
 * sealed and chained again under `to`, with its original time. The old
 * chain is checked first under whichever earlier key wrote it; if it fails
 * its check, the re-sealed trail ends with an entry saying so (the damage
 * stays on record, never silently repaired). Repeatable: a trail already
 * chained under `to` is left as it is.
 */
export function rekeyAudit(home: string, ring: readonly ReadKeys[], to: Pick<WriteKeys, 'publicKey' | 'authKey'>): Promise<void> {
  return inTurn(home, () => rekey(home, ring, to));
}

async function rekey(home: string, ring: readonly ReadKeys[], to: Pick<WriteKeys, 'publicKey' | 'authKey'>): Promise<void> {
  const all = await lines(home);
  const current = await verifyAuditChain(to.authKey, all);
  if (current.ok) {
    if (all.length > 0) await writeHead(home, to.authKey, current.seq, current.tag); // a run killed between the log and its head
    return;
  }
  const found = await chainOf(all, ring);
  let problem: string | undefined = 'no key of the vault verifies it';
  if (found.found) {
    const { check } = found;
    const h = await head(home);
    problem = !check.ok
      ? `line ${check.line} is ${check.why}`
      : onChain(all, h, check)
        ? undefined
        : 'it ends before its last recorded entry (entries were cut off the end)';
  }
  const entries = await openLines(all, ring);
  if (problem) entries.push({ at: new Date().toISOString(), event: 'audit trail failed its check before the vault keys were rotated', detail: problem });
  const trail = await sealTrail(to, entries);
  await writeFileAtomic(join(home, LOG), trail.text);
  await writeHead(home, to.authKey, entries.length, trail.tag);
}

/** Entries sealed and chained from the start under `keys` (their original times kept): the log's text and its last tag. */
export async function sealTrail(keys: Pick<WriteKeys, 'publicKey' | 'authKey'>, entries: readonly AuditEntry[]): Promise<{ text: string; tag: string }> {
  let tag = GENESIS;
  const out: string[] = [];
  for (const [i, entry] of entries.entries()) {
    const line = await sealAuditEntry(keys.publicKey, keys.authKey, i + 1, tag, entry);
    tag = line.tag;
    out.push(`${formatAuditLine(line)}\n`);
  }
  return { text: out.join(''), tag };
}

/**
 * Mirror the trail to the cloud (audit/<device id>.log) if the cloud's copy
 * is not all of it: called once per sync pass, never entry by entry, so the
 * cloud learns how many entries a pass added, not when each was written or
 * which followed which (with entries padded alike, a failed unlock looks
 * like any other entry). A mirror whose authentic entries the log here lacks
 * (entries cut off, the log replaced) is left as it is: it is the evidence
 * `audit --verify` reports, never overwritten by the shorter trail.
 */
export async function mirrorAudit(home: string, remote: Remote, deviceId: string, authKey: Uint8Array): Promise<void> {
  const bytes = await auditLogBytes(home);
  const name = `audit/${deviceId}.log`;
  const there = await remote.stat(name);
  if (bytes.length === 0 || there?.size === bytes.length) return;
  if (there) {
    const mirror = await ownMirror(remote, deviceId, authKey);
    const local = new TextDecoder()
      .decode(bytes)
      .split('\n')
      .filter((l) => l.length > 0);
    if (mirror && mirrorDiffers(local, mirror)) return;
  }
  await remote.put(name, bytes);
  await remote.flush?.();
}

/** The log's whole lines, for the cloud's mirror (nothing, where the log cannot be read: the pass goes on, and `audit --verify` says why). */
export async function auditLogBytes(home: string): Promise<Uint8Array> {
  return new Uint8Array(await wholeLines(home).catch(() => Buffer.alloc(0)));
}
