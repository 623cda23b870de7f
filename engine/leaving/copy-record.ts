// What a removal checks of the handover copy before it deletes anything: the
// copy is still in its folder, with its key file, and every object it held
// when it was verified is still there at the same size. Names and sizes
// only, so it needs no key and no time: it catches a copy deleted, emptied
// or cut short after it was checked; what the successor adds to it later
// (their own files, a new passphrase) does not count as a change.
// Spec: docs/handover.md.
import { join } from 'node:path';
import { listObjects } from '../mirror/restore-objects.js';
import { FolderRemote } from '../remotes/folder.js';
import { statIfExists } from '../fsutil/read.js';

/** One object of the copy: its name in the copy's folder and its size. */
export type CopyObject = [name: string, size: number];

/** Every object of the copy at `to`, sorted by name. */
export async function copyObjects(to: string): Promise<CopyObject[]> {
  const objects: CopyObject[] = (await listObjects(new FolderRemote(to))).map((o) => [o.name, o.size]);
  return objects.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * Whether the copy at `to` is still the one verified: its key file there,
 * and each recorded object there at its size. A record made before objects
 * were recorded (`objects` undefined) is checked for the key file and for
 * as many objects, none empty, as the vault had files.
 */
export async function copyStillThere(to: string, files: number, objects: CopyObject[] | undefined): Promise<boolean> {
  try {
    if (!(await statIfExists(to))?.isDirectory() || !(await statIfExists(join(to, 'casevault.key')))?.isFile()) return false;
    const now = await copyObjects(to);
    if (!objects) return now.length >= files && now.every(([, size]) => size > 0);
    const sizes = new Map(now);
    return objects.every(([name, size]) => sizes.get(name) === size);
  } catch {
    return false; // a folder that cannot be read is no copy a removal may rely on
  }
}
