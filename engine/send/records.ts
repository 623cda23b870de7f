// The record of packages sent securely from this computer
// (CASEVAULT_HOME/sends.log): one line per package, each sealed under the
// vault's local secrets key (crypto/local-secret.ts: XChaCha20-Poly1305,
// the record's label and the vault ID bound in), so only the unlocked vault
// reads it and an edited line fails to open. Lines are only appended. A
// removed line is not detected here: the audit trail, chained and mirrored
// to the cloud, holds an entry for every package with the same ID.
// Read with the vault's keys, current first, so records written before a
// key rotation still open.
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { openLocalSecret, sealLocalSecret, type ReadKeys } from '../../crypto/index.js';
import type { SentPackage, SentPackages } from '../../contract/index.js';
import { parseOr, readIfExists } from '../fsutil/read.js';
import { homeFiles } from '../home.js';

const LABEL = 'sent package';

const lineSchema = z.object({ v: z.literal(1), nonce: z.string(), sealed: z.string() }).strict();
const packageSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    to: z.string().nullable(),
    out: z.string(),
    expires: z.string().nullable(),
    files: z.array(z.object({ name: z.string(), size: z.number().int().min(0), sha256: z.string() }).strict()),
  })
  .strict();

/** Adds one package to the record, synced to disk before it returns. */
export async function appendSent(home: string, keys: Pick<ReadKeys, 'localSecretKey' | 'vaultId'>, p: SentPackage): Promise<void> {
  const sealed = await sealLocalSecret(keys.localSecretKey, keys.vaultId, LABEL, JSON.stringify(p));
  const fh = await open(join(home, homeFiles.sends), 'a', 0o600);
  try {
    await fh.appendFile(`${JSON.stringify(sealed)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** One line's package, opened with whichever of the vault's keys sealed it; undefined if none does or it is malformed. */
async function openLine(line: string, ring: readonly ReadKeys[]): Promise<SentPackage | undefined> {
  let sealed;
  try {
    sealed = lineSchema.parse(JSON.parse(line));
  } catch {
    return undefined;
  }
  for (const k of ring) {
    const text = await openLocalSecret(k.localSecretKey, k.vaultId, LABEL, sealed).catch(() => undefined); // another generation's key, or damaged: the next key, or counted as unreadable
    if (text === undefined) continue;
    const parsed = packageSchema.safeParse(parseOr(text));
    return parsed.success ? parsed.data : undefined;
  }
  return undefined;
}

/** Every package sent from this computer, newest first, and how many lines could not be read. No record yet: none sent. */
export async function readSent(home: string, ring: readonly ReadKeys[]): Promise<SentPackages> {
  const text = (await readIfExists(join(home, homeFiles.sends), 'utf8')) ?? ''; // nothing sent yet; an unreadable record is an error, never an empty one
  const packages: SentPackage[] = [];
  let unreadable = 0;
  for (const line of text.split('\n').filter((l) => l.length > 0)) {
    const p = await openLine(line, ring);
    if (p) packages.push(p);
    else unreadable++;
  }
  return { packages: packages.sort((a, b) => b.at.localeCompare(a.at)), unreadable };
}
