// Each file of the vault with its sync state, as Home lists them: synced
// (this version is in the cloud), waiting (new or changed since, or its
// object found damaged by verify --cloud), or failed (with the plain reason
// the last pass recorded; the next pass retries it).
import type { ScannedFile, ScanResult } from './scan.js';
import type { SyncState } from './state.js';
import { BAD_NAME, sameFile } from './sync.js';
import { badFolderFailures } from './bad-names.js';
import type { VaultFile } from '../../contract/index.js';

const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Whether this version of the file is in the cloud: recorded as uploaded, and its object not found damaged since (`damaged`: object IDs, engine/mirror/damaged.ts). */
function inCloud(state: SyncState, f: ScannedFile, damaged: ReadonlySet<string>): boolean {
  const r = state.files.get(f.path);
  return !!r && sameFile(r, f) && !damaged.has(r.id);
}

/** The same, as counts and the waiting and failed files only (sorted by path): the status, without an object per synced file. */
export function countFiles(
  scan: ScanResult,
  state: SyncState,
  damaged: ReadonlySet<string>,
): { synced: number; waiting: string[]; failed: { path: string; reason: string }[]; failedFolders: { path: string; reason: string }[] } {
  let synced = 0;
  const waiting: string[] = [];
  const failed: { path: string; reason: string }[] = [];
  for (const f of scan.files.values()) {
    const failure = state.failures.get(f.path);
    if (failure) failed.push({ path: f.path, reason: failure.reason });
    else if (inCloud(state, f, damaged)) synced++;
    else waiting.push(f.path);
  }
  for (const path of scan.badNames) failed.push({ path, reason: BAD_NAME });
  // A folder whose name is not valid text is one folder, not a file: apart, so that no count of files includes it.
  return {
    synced,
    waiting: waiting.sort(byPath),
    failed: failed.sort((a, b) => byPath(a.path, b.path)),
    failedFolders: badFolderFailures(scan.badFolders, 'synced'),
  };
}

/** Every scanned file's state, sorted by path; files with names that cannot be synced count as failed. */
export function classifyFiles(scan: ScanResult, state: SyncState, damaged: ReadonlySet<string>): VaultFile[] {
  const out: VaultFile[] = [];
  for (const f of scan.files.values()) {
    const failure = state.failures.get(f.path);
    const base = { path: f.path, size: f.size, mtimeMs: f.mtimeMs };
    if (failure) out.push({ ...base, state: 'failed', reason: failure.reason });
    else out.push({ ...base, state: inCloud(state, f, damaged) ? 'synced' : 'waiting' });
  }
  for (const path of scan.badNames) out.push({ path, size: 0, mtimeMs: 0, state: 'failed', reason: BAD_NAME });
  for (const { path, reason } of badFolderFailures(scan.badFolders, 'synced')) out.push({ path, size: 0, mtimeMs: 0, state: 'failed', reason });
  return out.sort((a, b) => byPath(a.path, b.path));
}
