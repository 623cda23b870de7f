// What housekeeping remembers, in CASEVAULT_HOME/housekeeping.json: the
// retention period, the cases marked closed (with the day), and the archives
// made. Case names are members' names, so this file never leaves the home
// in the clear: its cloud copy is sealed to the vault's public key
// (housekeeping/<device id>, readable only unlocked). Read with a schema; a
// damaged file is reported, never silently replaced by defaults.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DamagedData } from '../../crypto/index.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { homeFiles } from '../home.js';
import { parseDate } from './dates.js';
import { exists } from '../fsutil/read.js';

export const DEFAULT_YEARS = 6;
export const MAX_YEARS = 100;

const date = z.string().refine((s) => parseDate(s) !== undefined);

const marksSchema = z
  .object({
    version: z.literal(1),
    /** Raised by every change, on whichever computer makes it (continuing from the marks it adopted): the copy with the highest wins. Absent: 0. */
    counter: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    years: z.number().int().min(1).max(MAX_YEARS),
    // Arrays of records, not objects keyed by case name: a name is data, never a property key.
    closed: z.array(z.object({ case: z.string().min(1), date }).strict()),
    archives: z.array(
      z.object({ case: z.string().min(1), snapshot: z.string().regex(/^[0-9a-f]{32}$/), at: z.string(), files: z.number().int().min(0) }).strict(),
    ),
  })
  .strict();
export type Marks = z.infer<typeof marksSchema>;

export function defaultMarks(): Marks {
  return { version: 1, years: DEFAULT_YEARS, closed: [], archives: [] };
}

export function parseMarks(text: string): Marks | undefined {
  try {
    const r = marksSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

export async function loadMarks(home: string): Promise<Marks> {
  let text: string;
  try {
    text = await readFile(join(home, homeFiles.housekeeping), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return defaultMarks();
    throw e;
  }
  const marks = parseMarks(text);
  if (!marks) {
    throw new DamagedData(
      `the housekeeping settings file ${join(home, homeFiles.housekeeping)} is damaged, so nothing was changed; move it aside, then list the cases again with the vault's passphrase at hand: that brings back the cloud's sealed copy (with none there, the default retention applies)`,
    );
  }
  return marks;
}

export async function hasMarks(home: string): Promise<boolean> {
  return exists(join(home, homeFiles.housekeeping));
}

export function marksText(m: Marks): string {
  return JSON.stringify(m, null, 2) + '\n';
}

export async function saveMarks(home: string, m: Marks): Promise<void> {
  await writeFileAtomic(join(home, homeFiles.housekeeping), marksText(m));
}

export function closedDate(m: Marks, name: string): string | undefined {
  return m.closed.find((c) => c.case === name)?.date;
}

export function setClosed(m: Marks, name: string, day: string | undefined): void {
  m.closed = m.closed.filter((c) => c.case !== name);
  if (day) m.closed.push({ case: name, date: day });
}
