// Removing a case's plaintext from the vault folder: only regular files that
// the scan (or the archive) listed, each re-checked just before its unlink,
// inside a folder whose real path is inside the vault's (a folder swapped
// for a symbolic link meanwhile is never followed out of the vault). Then
// the case's folders, deepest first, if they are empty; anything else (a
// link, a file with an unreadable name) stays, and is reported.
import { realpath, unlink } from 'node:fs/promises';
import { dirname, sep } from 'node:path';
import { pruneEmptyFolders } from '../fsutil/empty-folders.js';
import { safeJoin } from '../mirror/restore-objects.js';
import { lstatIfExists } from '../fsutil/read.js';

export interface RemovedCase {
  removed: number;
  /** Files kept because they changed after they were archived. */
  changed: string[];
  /** Whether something stayed in the case's folder (links, unreadable names, changed files). */
  leftovers: boolean;
}

async function inside(root: string, dir: string): Promise<boolean> {
  const real = await realpath(dir).catch(() => undefined); // gone, or not resolvable: not inside, so nothing there is touched
  return real !== undefined && (real === root || real.startsWith(root + sep));
}

/** Remove `files` (vault paths; given size and mtime, only if they still match), then the case's folder if nothing else is in it. */
export async function removeCase(vaultDir: string, name: string, files: readonly { path: string; size?: number; mtimeMs?: number }[]): Promise<RemovedCase> {
  const root = await realpath(vaultDir);
  const out: RemovedCase = { removed: 0, changed: [], leftovers: false };
  for (const f of files) {
    const full = safeJoin(root, f.path);
    if (!(await inside(root, dirname(full)))) {
      out.leftovers = true;
      continue;
    }
    const st = await lstatIfExists(full);
    if (!st) continue;
    if (!st.isFile() || (f.size !== undefined && (st.size !== f.size || st.mtimeMs !== f.mtimeMs))) {
      out.changed.push(f.path);
      out.leftovers = true;
      continue;
    }
    await unlink(full);
    out.removed++;
  }
  const top = safeJoin(root, name);
  const st = await lstatIfExists(top);
  if (st?.isDirectory() && (await pruneEmptyFolders(top)) > 0) out.leftovers = true;
  return out;
}
