// The newest record this computer has seen of each computer marked lost
// (docs/devices.md, "Lost computers' records kept here"), kept in
// CASEVAULT_HOME/lost-records.json: the record's sealed bytes as read from
// the cloud (sealed to the vault's key pair and MACed: no case name in the
// home in plaintext; opened again with the key ring on use), when it was
// first kept and when the computer was marked lost.
// The cloud is hostile: a lost computer's record deleted there, or an
// earlier one put back, or one written after a rotation with the keys the
// lost computer held, must not change what the breach report says was on it.
import { join } from 'node:path';
import { z } from 'zod';
import { toBase64, fromBase64 } from '../../crypto/index.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { parseOr, readIfExists } from '../fsutil/read.js';
import { homeFiles } from '../home.js';
import { RECORD_MAX } from './records.js';

/** At most this many lost computers are kept (the oldest kept goes first); each record at most RECORD_MAX. */
export const KEPT_MAX = 16;

const keptSchema = z
  .object({
    id: z.string().regex(/^[0-9a-f]{32}$/),
    /** The record's bytes as read from the cloud, base64. */
    record: z.string().max(Math.ceil(RECORD_MAX / 3) * 4 + 4),
    keptAt: z.string().max(40),
    /** When it was marked lost, as its order said when first kept. */
    lostAt: z.string().max(40),
  })
  .strict();
const fileSchema = z.object({ version: z.literal(1), devices: z.array(keptSchema).max(KEPT_MAX) }).strict();
export type Kept = z.infer<typeof keptSchema>;

const fileOf = (home: string) => join(home, homeFiles.lostRecords);

/** The kept records (a damaged file counts as none kept: the listing keeps them again from the cloud). */
export async function loadKept(home: string): Promise<Map<string, Kept>> {
  const text = await readIfExists(fileOf(home), 'utf8');
  const parsed = fileSchema.safeParse(text && text.length <= (KEPT_MAX + 1) * (RECORD_MAX * 2) ? parseOr(text) : undefined);
  return new Map(parsed.success ? parsed.data.devices.map((k) => [k.id, k]) : []);
}

export async function saveKept(home: string, kept: Map<string, Kept>): Promise<void> {
  const devices = [...kept.values()].sort((a, b) => (a.keptAt < b.keptAt ? -1 : a.keptAt > b.keptAt ? 1 : 0)).slice(-KEPT_MAX);
  await writeFileAtomic(fileOf(home), JSON.stringify({ version: 1, devices }));
}

export const keptBytes = (k: Kept): Uint8Array => fromBase64(k.record);
export const keepBytes = (bytes: Uint8Array): string => toBase64(bytes);
