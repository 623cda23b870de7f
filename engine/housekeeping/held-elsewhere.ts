// A case deleted here that other computers of the vault still hold
// (docs/housekeeping.md, "Delete"): each computer's sealed device record
// lists the cases it had at its last sync, and its next sync uploads them
// again. `delete` names those computers (opening the records needs the
// reading keys) and keeps, in CASEVAULT_HOME/deleted-elsewhere.json, each
// one's record digest and the case's object IDs (keyed hashes of its paths,
// no names), so status can say, locked or not, while it is true: any of the
// case's objects back in the cloud means a computer uploaded it again; a
// holder whose record is unchanged has not deleted it (its record is
// written again when its cases change). Neither true any more: the entry
// goes once the trash period is over (until then a computer that had no
// record yet is still seen if it uploads the case again).
import { join } from 'node:path';
import { z } from 'zod';
import { objectId, objectRemoteName, ready, toHex, type ReadKeys } from '../../crypto/index.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { parseOr, readIfExists } from '../fsutil/read.js';
import { homeFiles } from '../home.js';
import { DEVICES, isAuthentic, openRecord, RECORD_MAX } from '../devices/records.js';
import type { Remote } from '../remotes/remote.js';

/** Enough of a case's objects to see it back in the cloud (one is enough). */
const OBJECTS_KEPT = 64;
const RECORD_NAME = /^devices\/([0-9a-f]{32})$/;

const holderSchema = z.object({ id: z.string(), name: z.string(), digest: z.string() }).strict();
const entrySchema = z.object({ case: z.string(), at: z.string(), until: z.string(), holders: z.array(holderSchema), objects: z.array(z.string()) }).strict();
const fileSchema = z.array(entrySchema).max(1000);
export type Holder = z.infer<typeof holderSchema>;
export type DeletedElsewhere = z.infer<typeof entrySchema>;

async function digestOf(bytes: Uint8Array): Promise<string> {
  return toHex((await ready()).crypto_generichash(16, bytes, null));
}

/**
 * The other computers whose authentic record lists `caseName`, and how many
 * other computers could not be told (the vault locked, or a first-format
 * record): they may hold it too.
 */
export async function holdersOf(
  remote: Remote,
  thisId: string,
  authKey: Uint8Array,
  readKeys: ReadKeys | undefined,
  caseName: string,
): Promise<{ holders: Holder[]; unknown: number }> {
  const holders: Holder[] = [];
  let unknown = 0;
  for await (const e of remote.list(DEVICES)) {
    const id = RECORD_NAME.exec(e.name)?.[1];
    if (!id || id === thisId || (e.size !== undefined && e.size > RECORD_MAX)) continue;
    const bytes = await remote.read(e.name, RECORD_MAX).catch(() => undefined);
    if (!bytes || !(await isAuthentic(bytes, id, authKey))) continue; // planted, damaged or under earlier keys: not a computer of this vault now
    const opened = readKeys ? await openRecord(bytes, id, [readKeys]) : undefined;
    if (!opened) unknown++;
    else if (opened.record.cases.some((c) => c.name === caseName)) holders.push({ id, name: opened.record.name, digest: await digestOf(bytes) });
  }
  return { holders, unknown };
}

export async function loadDeletedElsewhere(home: string): Promise<DeletedElsewhere[]> {
  const parsed = fileSchema.safeParse(parseOr(await readIfExists(join(home, homeFiles.deletedElsewhere), 'utf8')));
  return parsed.success ? parsed.data : []; // damaged: as if none (status then says nothing it cannot compute)
}

async function saveDeletedElsewhere(home: string, all: DeletedElsewhere[]): Promise<void> {
  await writeFileAtomic(join(home, homeFiles.deletedElsewhere), JSON.stringify(all));
}

/**
 * After a deletion whose sync moved the case's objects to the cloud trash:
 * kept while other computers hold the case, and at least until `until` (the
 * trash period's end), so that a computer with no record yet (recovered,
 * never synced) that uploads it again is seen too. Replaces an earlier
 * entry for the same name.
 */
export async function keepDeletedElsewhere(
  home: string,
  nameKey: Uint8Array,
  caseName: string,
  paths: readonly string[],
  holders: Holder[],
  until: Date,
): Promise<void> {
  const rest = (await loadDeletedElsewhere(home)).filter((e) => e.case !== caseName);
  const objects = await Promise.all(paths.slice(0, OBJECTS_KEPT).map(async (p) => toHex(await objectId(nameKey, p))));
  await saveDeletedElsewhere(home, [...rest, { case: caseName, at: new Date().toISOString(), until: until.toISOString(), holders, objects }]);
}

/**
 * For status: each kept deletion still true: the case back in the cloud
 * (`back`: a computer that holds it uploaded it again), or a computer that
 * held it whose record is unchanged since (`unchanged`: it has not deleted
 * it; a record is written again when its list of cases changes). The
 * others are dropped from the file. Needs no keys. The cloud is connected
 * to only when a deletion is kept (status runs this at every poll).
 */
export async function deletedElsewhereNow(
  home: string,
  connect: () => Promise<Remote>,
): Promise<{ case: string; holders: string[]; unchanged: string[]; back: boolean }[]> {
  const all = await loadDeletedElsewhere(home);
  if (all.length === 0) return [];
  const remote = await connect();
  const out: { case: string; holders: string[]; unchanged: string[]; back: boolean }[] = [];
  const kept: DeletedElsewhere[] = [];
  for (const e of all) {
    const unchanged: string[] = [];
    for (const h of e.holders) {
      const bytes = await remote.read(`${DEVICES}${h.id}`, RECORD_MAX).catch(() => undefined);
      if (bytes && (await digestOf(bytes)) === h.digest) unchanged.push(h.name);
    }
    let back = false;
    for (const id of e.objects) if (!back && (await remote.stat(objectRemoteName(Buffer.from(id, 'hex'))))) back = true;
    if (unchanged.length === 0 && !back) {
      if (Date.parse(e.until) > Date.now()) kept.push(e); // still watched for a computer not known here
      continue;
    }
    kept.push(e);
    out.push({ case: e.case, holders: e.holders.map((h) => h.name), unchanged, back });
  }
  if (kept.length !== all.length) await saveDeletedElsewhere(home, kept);
  return out;
}
