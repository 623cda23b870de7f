// Listing and deleting archives (docs/housekeeping.md, "Deleting an
// archive"): what the backup folder holds joined with what this computer
// recorded in housekeeping.json (which cases, how many files). The deletion
// itself is BackupApi.deleteArchives (manifest, marker, then prune, under
// the repository lock); here the record is updated and the audit trail
// names the cases (it is encrypted; plain output elsewhere does not).
import type { BackupApi } from '../backup/service.js';
import { UsageError } from '../errors.js';
import { loadMarks, type Marks } from './marks.js';
import { type ArchiveEntry, type ArchiveDeleteRequest, type ArchiveDeletion, fileCount } from '../../contract/index.js';

export interface ArchiveDeps {
  home: string;
  backups: BackupApi;
  marks(): Promise<Marks>;
  save(marks: Marks): Promise<void>;
  record(event: string, detail?: string): Promise<void>;
}

const casesOf = (marks: Marks, id: string) => marks.archives.filter((a) => a.snapshot === id).map((a) => ({ case: a.case, files: a.files, at: a.at }));

export async function listArchives(d: ArchiveDeps): Promise<ArchiveEntry[]> {
  const marks = await d.marks();
  const drive = await d.backups.archives();
  const seen = new Set(drive.map((a) => a.id));
  const out: ArchiveEntry[] = drive.map((a) => {
    const cases = casesOf(marks, a.id);
    return { ...a, time: a.time ?? cases[0]?.at ?? null, recorded: cases.length > 0, cases };
  });
  for (const a of marks.archives) {
    if (seen.has(a.snapshot)) continue;
    seen.add(a.snapshot);
    out.push({ id: a.snapshot, time: a.at, state: 'missing', files: null, bytes: null, recorded: true, cases: casesOf(marks, a.snapshot) });
  }
  return out.sort((a, b) => (a.time ?? '~').localeCompare(b.time ?? '~') || a.id.localeCompare(b.id));
}

export async function deleteArchives(d: ArchiveDeps, r: ArchiveDeleteRequest): Promise<ArchiveDeletion[]> {
  if (r.confirm !== true) throw new UsageError('nothing was deleted: an archive deleted cannot be brought back, so it must be confirmed', 'confirm');
  if (r.ids.length === 0) throw new UsageError('name the archives to delete by their IDs', 'list-archives');
  const marks = await d.marks();
  const out: ArchiveDeletion[] = [];
  await d.backups.deleteArchives({
    wanted: r.ids,
    known: marks.archives.map((a) => a.snapshot),
    removed: async (gone) => {
      const now = await loadMarks(d.home);
      const cases = casesOf(now, gone.id);
      const files = gone.files ?? cases.reduce((n, c) => n + c.files, 0);
      const names = cases.length > 0 ? cases.map((c) => c.case).join(', ') : 'cases not recorded on this computer';
      // Audit first, then the record: killed between the two, a rerun finds the record and finishes (an entry twice, never none).
      await d.record(
        'archive deleted',
        `archive ${gone.id} (${names}): ${fileCount(files)}; ${gone.removed === 'nothing' ? 'already gone from the backup folder' : `its ${gone.removed} removed from the backup folder`}, ${gone.bytesFreed} bytes freed by the prune`,
      );
      if (cases.length > 0) {
        now.archives = now.archives.filter((a) => a.snapshot !== gone.id);
        await d.save(now);
      }
      out.push({ ...gone, cases: cases.map((c) => c.case), recorded: cases.length > 0 });
    },
  });
  return out;
}
