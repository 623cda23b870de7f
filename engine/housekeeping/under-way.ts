// The cases a `delete` or an `archive` is removing (CASEVAULT_HOME/
// deleting-cases.json, archiving-cases.json): written before the first file
// of a case goes (for an archive, once it is read back, with its ID and its
// files), and each case leaves it once its record is in the audit trail. A
// run killed between the two left files gone with nothing saying so, and
// once a case's last file went it was no longer a case, so the same request
// was refused ("no case of that name"): with this list, the same request
// finishes it (the record, the marks, the backup cache, the sync that moves
// its cloud objects to the trash), and an archive is never made twice.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { parseOr, readIfExists } from '../fsutil/read.js';
import { homeFiles } from '../home.js';
import type { UnfinishedCase } from '../../contract/index.js';

const schema = z.array(
  z.object({
    case: z.string(),
    /** Whether it goes before its retention date, as the run that began it found. */
    forced: z.boolean(),
    /** The archive that holds it, read back and compared with the vault (archive only). */
    archive: z
      .object({ snapshot: z.string(), bytes: z.number(), files: z.array(z.object({ path: z.string(), size: z.number(), mtimeMs: z.number() })) })
      .optional(),
  }),
);
export type UnderWay = z.infer<typeof schema>[number];

const FILES = { deleting: homeFiles.deletingCases, archiving: homeFiles.archivingCases } as const;

/** Case name -> what is under way for it; empty if nothing is. */
export async function loadUnderWay(home: string, kind: keyof typeof FILES): Promise<Map<string, UnderWay>> {
  const parsed = schema.safeParse(parseOr(await readIfExists(join(home, FILES[kind]), 'utf8')));
  return new Map(parsed.success ? parsed.data.map((d) => [d.case, d]) : []); // damaged: only a re-run's finishing is lost, never a file
}

/** Every case whose deletion or archiving is under way: with no run going, one that was interrupted. */
export async function unfinishedCases(home: string): Promise<UnfinishedCase[]> {
  const [deleting, archiving] = await Promise.all([loadUnderWay(home, 'deleting'), loadUnderWay(home, 'archiving')]);
  return [
    ...[...deleting.keys()].map((c) => ({ case: c, doing: 'delete' as const })),
    ...[...archiving.keys()].map((c) => ({ case: c, doing: 'archive' as const })),
  ];
}

export async function saveUnderWay(home: string, kind: keyof typeof FILES, m: ReadonlyMap<string, UnderWay>): Promise<void> {
  const file = join(home, FILES[kind]);
  if (m.size === 0) await rm(file, { force: true });
  else await writeFileAtomic(file, JSON.stringify([...m.values()]));
}
