// The cases a `delete` is removing (CASEVAULT_HOME/deleting-cases.json):
// written before the first file goes, and each case leaves it once its
// record is in the audit trail. A run killed between the two left files gone
// with nothing saying so, and once a case's last file went it was no longer
// a case, so the same request was refused ("no case of that name"): with
// this list, the same request finishes it (the audit record, the marks, the
// backup cache, the sync that moves its cloud objects to the trash).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { parseOr, readIfExists } from '../fsutil/read.js';
import { homeFiles } from '../home.js';

const schema = z.array(z.object({ case: z.string(), forced: z.boolean() }));

/** Case name -> whether its deletion was forced (before its retention date); empty if none is under way. */
export type Deleting = Map<string, boolean>;

export async function loadDeleting(home: string): Promise<Deleting> {
  const parsed = schema.safeParse(parseOr(await readIfExists(join(home, homeFiles.deletingCases), 'utf8')));
  return new Map(parsed.success ? parsed.data.map((d) => [d.case, d.forced]) : []); // damaged: only a re-run's finishing is lost, never a file
}

export async function saveDeleting(home: string, d: Deleting): Promise<void> {
  const file = join(home, homeFiles.deletingCases);
  if (d.size === 0) await rm(file, { force: true });
  else await writeFileAtomic(file, JSON.stringify([...d].map(([name, forced]) => ({ case: name, forced }))));
}
