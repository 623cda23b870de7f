// The unit of retention is a case: each top-level folder of the vault, or a
// file directly in the vault folder. A case is due for archiving or deletion
// N years after it was closed (a mark with a day) or, unmarked, after the
// day its newest file was last changed. A mark counts only while no file
// of the case is newer than its day.
import { assertSafeVaultPath } from '../../crypto/index.js';
import { UsageError } from '../errors.js';
import type { ScanResult } from '../mirror/scan.js';
import { addDays, addYears, dateOf } from './dates.js';
import { closedDate, type Marks } from './marks.js';
import { type CaseInfo, type CalendarDate } from '../../contract/index.js';

/** Cases due within this many days are flagged as coming up. */
export const DUE_SOON_DAYS = 90;

export interface CaseFiles {
  info: CaseInfo;
  /** Vault-relative paths of its files. */
  paths: string[];
}

/** The case a vault path belongs to: its first segment. */
export function caseOf(path: string): string {
  const i = path.indexOf('/');
  return i < 0 ? path : path.slice(0, i);
}

export function inCase(name: string, path: string): boolean {
  return path === name || path.startsWith(`${name}/`);
}

export function listCases(scan: ScanResult, marks: Marks, today: CalendarDate): CaseFiles[] {
  const groups = new Map<string, { folder: boolean; paths: string[]; bytes: number; newest: number }>();
  for (const f of scan.files.values()) {
    const name = caseOf(f.path);
    const g = groups.get(name) ?? { folder: f.path !== name, paths: [], bytes: 0, newest: 0 };
    g.paths.push(f.path);
    g.bytes += f.size;
    g.newest = Math.max(g.newest, f.mtimeMs);
    groups.set(name, g);
  }
  const soon = addDays(today, DUE_SOON_DAYS);
  const out: CaseFiles[] = [];
  for (const [name, g] of groups) {
    const closed = closedDate(marks, name) ?? null;
    const newestFile = dateOf(g.newest);
    // A mark speaks only for the files it saw: one changed after the closing day (or a new case under the name) outranks it.
    const changedSinceClosed = closed !== null && newestFile > closed;
    const counts = closed !== null && !changedSinceClosed;
    const due = addYears(counts ? closed : newestFile, marks.years);
    const past = due <= today;
    out.push({
      info: {
        name,
        kind: g.folder ? 'folder' : 'file',
        files: g.paths.length,
        bytes: g.bytes,
        closed,
        newestFile,
        basis: counts ? 'closed' : 'newest file',
        changedSinceClosed,
        due,
        past,
        dueSoon: !past && due <= soon,
      },
      paths: g.paths.sort(),
    });
  }
  // Past retention first, then the soonest due; names break ties.
  return out.sort((a, b) => Number(b.info.past) - Number(a.info.past) || a.info.due.localeCompare(b.info.due) || (a.info.name < b.info.name ? -1 : 1));
}

/** A case as named: one trailing "/" (how `casevault retention` lists a folder, and what shell completion adds) is dropped. */
export function caseName(name: string): string {
  return name.length > 1 && name.endsWith('/') ? name.slice(0, -1) : name;
}

/** The named cases, each checked to be a single top-level name that the vault holds. */
export function pickCases(all: CaseFiles[], names: readonly string[]): CaseFiles[] {
  if (names.length === 0) throw new UsageError('name at least one case (a top-level folder or file of the vault)', 'list-cases');
  const byName = new Map(all.map((c) => [c.info.name, c]));
  const picked: CaseFiles[] = [];
  for (const name of new Set(names.map(caseName))) {
    let ok = !name.includes('/');
    try {
      assertSafeVaultPath(name);
    } catch {
      ok = false;
    }
    const c = ok ? byName.get(name) : undefined;
    if (!c) throw new UsageError('the vault holds no case of that name (a case is a top-level folder or file)', 'list-cases');
    picked.push(c);
  }
  return picked;
}
