// Sending securely: files and folders into one HTML file the recipient
// opens in any browser with a passphrase given by phone or text
// (docs/send-format.md). The package is written under a temporary name
// beside its place and moved there only when complete, never over a file;
// then it is recorded, in the record of packages sent (records.ts) with
// every file's name, size and SHA-256, and in the audit trail. A package
// whose record cannot be written is removed again: nothing leaves this
// computer unaccounted for. Needs the vault unlocked (it reads members'
// files and writes the sealed record).
import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { ReadKeys } from '../../crypto/index.js';
import { packageHtml, sealPackage, speakablePassphrase } from '../../crypto/send/index.js';
import { byteSize, Failure, fileCount, type SendOptions, type SendReport, type SentFile, type SentPackage } from '../../contract/index.js';
import type { VaultConfig } from '../config.js';
import { UsageError } from '../errors.js';
import { fsyncDir, placeNew, tempName, writeTemp } from '../fsutil/atomic.js';
import { exists, isNotFound } from '../fsutil/read.js';
import { checkStrength } from '../keys/lifecycle.js';
import { readStable } from '../mirror/file-read.js';
import { canonical, inside } from '../mirror/layout.js';
import { resolveDestination } from '../sar/export.js';
import { collectFiles, type ToSend } from './collect.js';
import { appendSent } from './records.js';

export interface SendContext {
  home: string;
  config: VaultConfig;
  keys: ReadKeys;
  /** An audit trail entry. */
  record(event: string, detail: string): Promise<void>;
}

/** The recipient's page, built by `npm run build` (send-page/) next to the compiled engine. */
const TEMPLATE = new URL('../../send-page/package.html', import.meta.url);
/** The longest expiry a person may set. */
const MAX_EXPIRY_DAYS = 3660;
/** An audit entry's detail stays well inside what an audit line holds; the record of packages sent has every file. */
const AUDIT_DETAIL_BYTES = 2000;

async function template(): Promise<string> {
  return readFile(TEMPLATE, 'utf8').catch((e: unknown) => {
    if (isNotFound(e))
      throw new Failure('failed', "this copy of Casevault lacks the recipient's page for sent packages (it was not built)", 'update-casevault');
    throw e;
  });
}

/** "YYYY-MM-DD" as days since 1970-01-01, checked: a real day, not before today, at most ten years ahead. */
function expiryDay(expires: string, now: Date): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(expires)) throw new UsageError('write the expiry date as YYYY-MM-DD');
  const [y, m, d] = expires.split('-').map(Number) as [number, number, number];
  const ms = Date.UTC(y, m - 1, d);
  if (new Date(ms).toISOString().slice(0, 10) !== expires) throw new UsageError('the expiry date is not a real day; write it as YYYY-MM-DD');
  const day = ms / 86_400_000;
  const today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()) / 86_400_000;
  if (day < today) throw new UsageError('the expiry date has passed; choose today or a later day');
  if (day > today + MAX_EXPIRY_DAYS) throw new UsageError('choose an expiry date within ten years');
  return day;
}

/** Where the package goes: a new .html file outside the vault and cloud folders (what is there would be synced, or mistaken for a person's file). */
async function destination(out: string, config: VaultConfig): Promise<string> {
  const dest = resolveDestination(out);
  if (!/\.html?$/i.test(dest)) throw new UsageError("the package's file name must end in .html, so that the recipient's browser opens it");
  const where = await canonical(dest);
  for (const dir of [config.vaultDir, config.cloud.kind === 'folder' ? config.cloud.dir : undefined]) {
    if (dir && inside(where, await canonical(dir))) throw new UsageError('the package must go outside the vault and cloud folders; choose another place');
  }
  if (await exists(dest)) throw new UsageError('a file with that name is already there; choose a new name (nothing was overwritten)');
  return dest;
}

/** A file's content, read without following a link, checked unchanged after its last byte, and hashed on the way. */
function reader(f: ToSend, hashes: string[], index: number): AsyncIterable<Uint8Array> {
  return (async function* () {
    const fh = await open(f.full, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const hash = createHash('sha256');
      for await (const piece of readStable(fh, f.size, f.mtimeMs)) {
        hash.update(piece);
        yield piece;
      }
      hashes[index] = hash.digest('hex');
    } finally {
      await fh.close();
    }
  })();
}

/** The audit entry's detail: the package, to whom, and as many of its files (name, size, SHA-256) as fit in an audit line. */
export function auditDetail(p: SentPackage): string {
  const bytes = p.files.reduce((n, f) => n + f.size, 0);
  const whom = p.to === null ? 'a recipient not named' : `"${p.to}"`;
  const head = `package ${p.id}: ${fileCount(p.files.length)} (${byteSize(bytes)}) to ${whom} in ${basename(p.out)}${p.expires ? `, to be opened by ${p.expires}` : ''}`;
  const rest = (listed: number) => {
    const left = p.files.length - listed;
    return left === 0 ? [] : [`${listed > 0 ? 'and ' : ''}${fileCount(left)}${listed > 0 ? ' more' : ''}, listed in the record of packages sent`];
  };
  const detail = (listed: string[]) => `${head}: ${[...listed, ...rest(listed.length)].join('; ')}`;
  const listed: string[] = [];
  for (const f of p.files) {
    const next = [...listed, `${f.name} (${f.size} bytes, SHA-256 ${f.sha256})`];
    if (new TextEncoder().encode(detail(next)).length > AUDIT_DETAIL_BYTES) break;
    listed.push(next.at(-1)!);
  }
  return detail(listed);
}

export async function sendPackage(c: SendContext, o: SendOptions, now = new Date()): Promise<SendReport> {
  const to = o.to?.trim() || null;
  if (to !== null && (/[\r\n]/.test(to) || to.length > 200)) throw new UsageError('write to whom the package goes on one line of at most 200 characters');
  const expiresDay = o.expires === undefined ? null : expiryDay(o.expires, now);
  if (o.passphrase !== undefined) await checkStrength(o.passphrase);
  const passphrase = o.passphrase ?? speakablePassphrase();
  const dest = await destination(o.out, c.config);
  const { files, linksSkipped } = await collectFiles(o.paths, c.config.vaultDir);
  const page = await template();

  await mkdir(dirname(dest), { recursive: true, mode: 0o700 });
  const tmp = tempName(dirname(dest));
  const hashes: string[] = [];
  const pieces = sealPackage({
    passphrase,
    files: files.map((f) => ({ name: f.name, size: f.size })),
    content: (i) => reader(files[i]!, hashes, i),
    created: now,
    expiresDay,
  });
  const sent: SentPackage = {
    id: randomBytes(8).toString('hex'),
    at: now.toISOString(),
    to,
    out: dest,
    expires: o.expires ?? null,
    files: [],
  };
  let bytes: number;
  try {
    bytes = await writeTemp(tmp, packageHtml(page, pieces));
    if (!placeNew(tmp, dest)) throw new UsageError('a file with that name appeared while the package was written; choose a new name (nothing was overwritten)');
  } finally {
    await rm(tmp, { force: true });
  }
  sent.files = files.map((f, i): SentFile => ({ name: f.name, size: f.size, sha256: hashes[i]! }));
  try {
    await appendSent(c.home, c.keys, sent);
  } catch (e) {
    await rm(dest, { force: true }); // written a moment ago and not yet handed to anyone: no package leaves without its record
    throw e;
  }
  await fsyncDir(dirname(dest));
  await c.record('sent securely', auditDetail(sent));
  return { ...sent, bytes, passphrase: o.passphrase === undefined ? passphrase : null, linksSkipped };
}
