// What a send takes: each file or folder named, as the files the package
// will hold. A file keeps its own name; a folder's files are named after the
// folder ("Case 0042/letter.pdf"); what is named inside the vault (the app's
// list) keeps its vault path, so files from two cases cannot collide. Folders are walked like the vault
// (mirror/scan.ts): links are never followed, and a folder that cannot be
// read wholly is refused rather than sent in part. A path that is not
// absolute is inside the vault folder (the app's list gives those).
import { lstat } from 'node:fs/promises';
import { basename, isAbsolute, resolve } from 'node:path';
import { assertSafeVaultPath } from '../../crypto/index.js';
import { checkName, MAX_FILES } from '../../crypto/send/index.js';
import { UsageError } from '../errors.js';
import { isNotFound } from '../fsutil/read.js';
import { safeJoin } from '../mirror/restore-objects.js';
import { scanVault } from '../mirror/scan.js';

export interface ToSend {
  /** The name in the package. */
  name: string;
  full: string;
  size: number;
  mtimeMs: number;
}

/** The file or folder, and the name it has in the package: its own name, or its path inside the vault. */
function located(path: string, vaultDir: string): { full: string; name: string } {
  if (isAbsolute(path)) return { full: resolve(path), name: basename(resolve(path)) };
  try {
    assertSafeVaultPath(path);
  } catch {
    throw new UsageError('a file to send is named by a path that leaves the vault folder; give its full path');
  }
  return { full: safeJoin(vaultDir, path), name: path };
}

/** The files to send, in the order named (a folder's in name order), and how many links inside folders were left out. */
export async function collectFiles(paths: readonly string[], vaultDir: string): Promise<{ files: ToSend[]; linksSkipped: number }> {
  const files: ToSend[] = [];
  let linksSkipped = 0;
  for (const path of paths) {
    const { full, name } = located(path, vaultDir);
    const st = await lstat(full).catch((e: unknown) => {
      if (isNotFound(e)) throw new UsageError('a file or folder to send is not there; check its path');
      throw e;
    });
    if (st.isSymbolicLink()) throw new UsageError('a link cannot be sent; choose the file or folder it points to');
    if (st.isFile()) {
      files.push({ name, full, size: st.size, mtimeMs: st.mtimeMs });
    } else if (st.isDirectory()) {
      const scan = await scanVault(full);
      if (scan.unreadable.length > 0 || scan.badNames.length > 0 || scan.badFolders.length > 0)
        throw new UsageError('a folder to send holds a folder that cannot be read or a name that is not valid text; fix that, or choose its files one by one');
      linksSkipped += scan.skippedLinks;
      for (const f of [...scan.files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)))
        files.push({ name: `${name}/${f.path}`, full: safeJoin(full, f.path), size: f.size, mtimeMs: f.mtimeMs });
    } else {
      throw new UsageError('only files and folders can be sent', 'choose-other-folder');
    }
  }
  if (files.length === 0) throw new UsageError('there is nothing to send: the folders chosen hold no files', 'choose-other-folder');
  if (files.length > MAX_FILES) throw new UsageError(`a package holds at most ${MAX_FILES} files; send them in parts`);
  const names = new Set<string>();
  for (const f of files) {
    try {
      checkName(f.name);
    } catch {
      throw new UsageError('a file to send has a name a package cannot hold (a line break or another control character in it); rename it first');
    }
    if (names.has(f.name)) throw new UsageError('two of the files to send would have the same name in the package; send them separately, or rename one');
    names.add(f.name);
  }
  return { files, linksSkipped };
}
