// Links inside a folder cloud are never followed. The cloud is hostile (a
// sync client or another person can put anything in it): a fan-out folder
// (objects/ab) replaced by a symbolic link or a junction to a folder in the
// vault had sync write objects into the vault, and a trash move or a delete
// there would take a file out of it. So each folder between the root and a
// file is checked with lstat before it is used: to write, a link is replaced
// by a real folder (unlinking a link never touches what it points at); to
// read, list, move from or delete, a folder behind a link holds none of the
// cloud's objects. The root itself is the person's choice and may be a link.
//
// Each folder is checked once per pass (FolderRemote.newPass): a sync of
// 100,000 files writes into ~256 fan-out folders, and a check per file would
// add a system call or two to each. That leaves a race, not closed: a folder
// swapped for a link after its check (in the same pass, or between the check
// and the call) is followed, as Node has no openat() or O_NOFOLLOW for the
// folders of a path. What it reaches is only a name of Casevault's own form
// (an object's 64 hex digits, a computer's record), which a person's file
// has only by chance; a final name that is a link is never followed (rename,
// unlink and O_EXCL opens act on the link; reads open with O_NOFOLLOW).
import { lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { errnoCode } from './folder-errors.js';

/** What verify reports for a link met in the cloud folder. */
export const LINK_IN_CLOUD =
  'a link (symbolic link or junction) in the cloud folder, never followed: what it points at is not part of the cloud copy (a sync that writes there puts a real folder in its place; if nobody put it there on purpose, delete the link)';

/** Runs `fn`, taking a failure with `code` as done. */
function ignore(code: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (errnoCode(e) !== code) throw e;
  }
}

export class FolderLinks {
  /** Folders found to be real in this pass (absolute paths). */
  private readonly real = new Set<string>();
  /** Links met in this pass, as '/'-separated names under the root. */
  private readonly met = new Set<string>();

  constructor(private readonly root: string) {}

  /** A new pass: every folder is checked again, and the links met are forgotten. */
  forget(): void {
    this.real.clear();
    this.met.clear();
  }

  /** Every folder is checked again (one was removed behind this one's back). */
  recheck(): void {
    this.real.clear();
  }

  /** The links met in this pass (by a check, or seen by a listing: see noteLink). */
  links(): string[] {
    return [...this.met].sort();
  }

  /** A listing saw a link at `name` (relative, '/'-separated) and did not follow it. */
  noteLink(name: string): void {
    this.met.add(name);
  }

  private parts(dir: string): string[] {
    return relative(this.root, dir)
      .split(sep)
      .filter((s) => s !== '');
  }

  /**
   * Whether no link stands between the root and `dir`. A folder that is not
   * there, or a file in the way, is left for the caller's own call to find
   * (absent, or its ENOTDIR) and is not remembered.
   */
  clear(dir: string): boolean {
    if (this.real.has(dir)) return true;
    let at = this.root;
    for (const part of this.parts(dir)) {
      at = join(at, part);
      if (this.real.has(at)) continue;
      let st;
      try {
        st = lstatSync(at);
      } catch (e) {
        const code = errnoCode(e);
        if (code === 'ENOENT' || code === 'ENOTDIR') return true;
        throw e;
      }
      if (st.isSymbolicLink()) {
        this.met.add(relative(this.root, at).split(sep).join('/'));
        return false;
      }
      if (!st.isDirectory()) return true;
      this.real.add(at);
    }
    return true;
  }

  /** Makes `dir` and the folders between it and the root (never the root), each a real folder: a link there is replaced by one. */
  make(dir: string): void {
    if (this.real.has(dir)) return;
    let at = this.root;
    for (const part of this.parts(dir)) {
      at = join(at, part);
      if (this.real.has(at)) continue;
      ignore('EEXIST', () => mkdirSync(at)); // an existing link gives EEXIST: mkdir never follows one
      if (lstatSync(at).isSymbolicLink()) {
        this.met.add(relative(this.root, at).split(sep).join('/'));
        ignore('ENOENT', () => unlinkSync(at)); // the link alone (a junction too, on Windows); gone: another writer (a worker) replaced it
        ignore('EEXIST', () => mkdirSync(at));
      }
      const st = lstatSync(at);
      // A link put back at once is not written through: the write fails, as one in the way (FolderFailures).
      if (st.isSymbolicLink()) throw Object.assign(new Error('a link in the way'), { code: 'EEXIST' });
      // A file in the way is not remembered: the write into it fails (ENOTDIR), worded by FolderFailures too.
      if (st.isDirectory()) this.real.add(at);
    }
  }
}
