// Each file of the vault with its sync state, as Home lists them: synced
// (this version is in the cloud), waiting (new or changed since), or failed
// (with the plain reason the last pass recorded; the next pass retries it).
import type { ScanResult } from './scan.js';
import type { SyncState } from './state.js';
import { BAD_NAME, sameFile } from './sync.js';
import type { VaultFile } from '../../contract/index.js';

const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The same, as counts and the waiting and failed files only (sorted by path): the status, without an object per synced file. */
export function countFiles(scan: ScanResult, state: SyncState): { synced: number; waiting: string[]; failed: { path: string; reason: string }[] } {
  let synced = 0;
  const waiting: string[] = [];
  const failed: { path: string; reason: string }[] = [];
  for (const f of scan.files.values()) {
    const failure = state.failures.get(f.path);
    if (failure) failed.push({ path: f.path, reason: failure.reason });
    else if (sameFile(state.files.get(f.path), f)) synced++;
    else waiting.push(f.path);
  }
  for (const path of scan.badNames) failed.push({ path, reason: BAD_NAME });
  return { synced, waiting: waiting.sort(byPath), failed: failed.sort((a, b) => byPath(a.path, b.path)) };
}

/** Every scanned file's state, sorted by path; files with names that cannot be synced count as failed. */
export function classifyFiles(scan: ScanResult, state: SyncState): VaultFile[] {
  const out: VaultFile[] = [];
  for (const f of scan.files.values()) {
    const failure = state.failures.get(f.path);
    const base = { path: f.path, size: f.size, mtimeMs: f.mtimeMs };
    if (failure) out.push({ ...base, state: 'failed', reason: failure.reason });
    else out.push({ ...base, state: sameFile(state.files.get(f.path), f) ? 'synced' : 'waiting' });
  }
  for (const path of scan.badNames) out.push({ path, size: 0, mtimeMs: 0, state: 'failed', reason: BAD_NAME });
  return out.sort((a, b) => byPath(a.path, b.path));
}
