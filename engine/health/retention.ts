// The retention area: cases kept past the retention period (housekeeping),
// which the union's policy says to archive or delete. From the vault scan
// status made already and this computer's closing marks.
import type { HealthItem } from '../../contract/index.js';
import { listCases } from '../housekeeping/cases.js';
import { dateOf } from '../housekeeping/dates.js';
import { loadMarks } from '../housekeeping/marks.js';
import type { ScanResult } from '../mirror/scan.js';
import { fine, problem } from './item.js';

export async function retentionHealth(home: string, scan: ScanResult, now: number): Promise<HealthItem> {
  const marks = await loadMarks(home);
  const past = listCases(scan, marks, dateOf(now)).filter((c) => c.info.past).length;
  const period = `${marks.years} ${marks.years === 1 ? 'year' : 'years'}`;
  if (past > 0) {
    return problem('retention', 'reminder', `${past} ${past === 1 ? 'case is' : 'cases are'} past the retention period of ${period}`, 'review-retention');
  }
  return fine('retention', `no case is past the retention period of ${period}`);
}
