// The audit trail (CASEVAULT_HOME/audit.log, mirrored to the cloud as
// audit/<device id>.log): unlocks and failed unlocks, locks, recoveries,
// restores, passphrase and recovery-key changes, deletions, prunes. Appended
// while locked; read only unlocked; `audit --verify` needs no passphrase.
// The head (last sequence number and tag) is kept apart, so cutting entries
// off the end is detected too.
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatAuditLine, GENESIS, openAuditEntry, parseAuditLine, sealAuditEntry, verifyAuditChain, type AuditEntry, type ReadKeys, type WriteKeys } from '../crypto/index.js';
import { writeFileAtomic } from './atomic.js';
import { homeFiles } from './home.js';

const LOG = homeFiles.auditLog;
const HEAD = homeFiles.auditHead;

async function lines(home: string): Promise<string[]> {
  const text = await readFile(join(home, LOG), 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l.length > 0);
}

async function head(home: string): Promise<{ seq: number; tag: string }> {
  try {
    return JSON.parse(await readFile(join(home, HEAD), 'utf8')) as { seq: number; tag: string };
  } catch {
    return { seq: 0, tag: GENESIS };
  }
}

export async function appendAudit(home: string, keys: Pick<WriteKeys, 'publicKey' | 'authKey'>, event: string, detail?: string): Promise<void> {
  const h = await head(home);
  const line = await sealAuditEntry(keys.publicKey, keys.authKey, h.seq + 1, h.tag, { at: new Date().toISOString(), event, ...(detail ? { detail } : {}) });
  const fh = await open(join(home, LOG), 'a', 0o600);
  try {
    await fh.appendFile(`${formatAuditLine(line)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await writeFileAtomic(join(home, HEAD), JSON.stringify({ seq: line.seq, tag: line.tag }));
}

export interface AuditVerifyReport {
  ok: boolean;
  entries: number;
  /** What is wrong, in a sentence, with the line number. */
  problem?: string;
}

export async function verifyAudit(home: string, keys: Pick<WriteKeys, 'authKey'>): Promise<AuditVerifyReport> {
  const all = await lines(home);
  const r = await verifyAuditChain(keys.authKey, all);
  if (!r.ok) return { ok: false, entries: all.length, problem: `line ${r.line} of the audit log is ${r.why}` };
  const h = await head(home);
  if (h.seq !== r.seq || h.tag !== r.tag) return { ok: false, entries: all.length, problem: 'the audit log ends before its last recorded entry (entries were cut off the end)' };
  return { ok: true, entries: all.length };
}

export async function readAudit(home: string, keys: Pick<ReadKeys, 'publicKey' | 'boxSecret'>): Promise<AuditEntry[]> {
  return Promise.all((await lines(home)).map((l) => openAuditEntry(keys.publicKey, keys.boxSecret, parseAuditLine(l))));
}

export async function auditLogBytes(home: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(join(home, LOG)).catch(() => Buffer.alloc(0)));
}
