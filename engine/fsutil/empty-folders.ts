// Clearing away the folders that removing files left empty (a deleted case,
// a removed vault, cloud copy or backup folder), never following a link and
// never touching anything else.
import { readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Removes the empty folders under `dir`, and `dir` itself if it ends up
 * empty. Returns how many items are left in it (0: it is gone, or was never
 * there); a folder that cannot be read or removed counts as one left.
 */
export async function pruneEmptyFolders(dir: string): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 0 : 1;
  }
  let left = 0;
  for (const e of entries) left += e.isDirectory() ? await pruneEmptyFolders(join(dir, e.name)) : 1;
  if (left > 0) return left;
  return rmdir(dir).then(
    () => 0,
    () => 1,
  );
}
