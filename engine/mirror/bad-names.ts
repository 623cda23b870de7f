// Names in the vault that are not valid UTF-8 (possible on Linux), as the
// failures every shell lists. A file by such a name cannot be synced or
// backed up until it is renamed; a folder by such a name is not entered by
// the scan, so nothing in it is (it is one folder, never counted as a file,
// and listed with the trailing '/' of a folder).
import type { PathReason } from '../../contract/index.js';
import { folderPath } from './scan.js';

/** Why a folder whose name is not valid text is listed: what is in it is left out until it is renamed. */
function badFolderReason(doing: 'synced' | 'backed up'): string {
  return `its name is not valid text (UTF-8), so nothing in this folder is ${doing} until it is renamed`;
}

/** Each such folder (vault-relative, the scan's `badFolders`) as a failure: its path as a folder's, and why. */
export function badFolderFailures(folders: readonly string[], doing: 'synced' | 'backed up'): PathReason[] {
  return folders.map((rel) => ({ path: folderPath(rel), reason: badFolderReason(doing) }));
}
