// Each file of the vault with its sync state, as Home lists them: synced
// (this version is in the cloud), waiting (new or changed since), or failed
// (with the plain reason the last pass recorded; the next pass retries it).
import type { ScanResult } from './scan.js';
import type { SyncState } from './state.js';
import { BAD_NAME, sameFile } from './sync.js';
import type { VaultFile } from '../../contract/index.js';

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
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
