// The retention area: cases kept past the retention period (housekeeping),
// which the union's policy says to archive or delete. From the vault scan
// status made already and this computer's closing marks. First, a deletion
// or archiving that was interrupted (engine/housekeeping/under-way.ts): the
// case's files may be partly gone while its record, its cloud objects and
// its marks are not, until the same request is run again. Before that, a
// removal of the whole vault that was interrupted (engine/leaving/): the
// person chose to delete everything here, and it is half done.
import { andList, count, type HealthItem, type UnfinishedCase } from '../../contract/index.js';
import { listCases } from '../housekeeping/cases.js';
import { dateOf } from '../housekeeping/dates.js';
import { loadMarks } from '../housekeeping/marks.js';
import type { ScanResult } from '../mirror/scan.js';
import { fine, problem } from './item.js';
import { unfinishedCases } from '../housekeeping/under-way.js';
import { deletedElsewhereNow } from '../housekeeping/held-elsewhere.js';
import type { Remote } from '../remotes/remote.js';
import { unfinishedRemoval, type RemovalChoices } from '../leaving/remove-vault.js';

export async function retentionHealth(home: string, scan: ScanResult, now: number, remote: () => Promise<Remote>): Promise<HealthItem> {
  const removing = await unfinishedRemoval(home);
  if (removing) return problem('retention', 'attention', removalInterrupted(removing), 'finish-removal');
  const unfinished = await unfinishedCases(home);
  if (unfinished.length > 0) return problem('retention', 'attention', interrupted(unfinished), 'finish-case-removal');
  // The cloud out of reach: not known now, so not said (the kept entries stay for the next status).
  const elsewhere = await deletedElsewhereNow(home, remote).catch(() => []);
  if (elsewhere.length > 0) return problem('retention', 'attention', stillElsewhere(elsewhere));
  const marks = await loadMarks(home);
  const past = listCases(scan, marks, dateOf(now)).filter((c) => c.info.past).length;
  const period = count(marks.years, 'year');
  if (past > 0) {
    return problem('retention', 'reminder', `${past} ${past === 1 ? 'case is' : 'cases are'} past the retention period of ${period}`, 'review-retention');
  }
  return fine('retention', `no case is past the retention period of ${period}`);
}

/** "the case “Old” deleted here is still on laptopB ...": from the device records and the cloud, as deletedElsewhereNow found them. */
function stillElsewhere(list: Awaited<ReturnType<typeof deletedElsewhereNow>>): string {
  return list
    .map((e) =>
      e.back
        ? `the case “${e.case}” deleted on this computer is back in the cloud, uploaded again by ${e.holders.length > 0 ? `a computer that still holds it (${andList(e.holders)})` : 'another computer of the vault that still holds it'}: delete it there too`
        : `the case “${e.case}” deleted on this computer is still on ${andList(e.unchanged)} (as of ${e.unchanged.length === 1 ? 'its' : 'their'} last sync): delete it there too, or its next sync uploads it to the cloud again`,
    )
    .join('; ');
}

/** "the deletion of the case “Old case” is not finished ...": each case by name, with what was under way. */
function interrupted(u: readonly UnfinishedCase[]): string {
  const list = andList(u.map((c) => `the ${c.doing === 'delete' ? 'deletion' : 'archiving'} of the case “${c.case}”`));
  return `${list} ${u.length === 1 ? 'is' : 'are'} not finished: some of ${u.length === 1 ? 'its' : 'their'} files may be gone from this computer, while the audit trail does not record it yet and the cloud copy still holds them`;
}

/** "the removal of this vault from this computer is not finished ...": with what was chosen for the cloud copy and the backups. */
function removalInterrupted(r: Partial<RemovalChoices>): string {
  const said = 'the removal of this vault from this computer is not finished: some of its files may be gone from this computer';
  if (!r.cloud) return said;
  const cloud =
    r.cloud === 'keep' ? 'the cloud copy is kept' : r.cloudDeleted ? 'the cloud copy is deleted' : 'the cloud copy is being deleted and may be partly gone';
  const backups = r.backups === 'delete' ? ', the backups are being deleted and may be partly gone' : '';
  return `${said} (${cloud}${backups})`;
}
