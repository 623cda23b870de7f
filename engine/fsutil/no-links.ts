// Making a restore's folders inside its target without following links: a
// symbolic link (or a file) already standing where one of the folders goes
// would let `mkdir -p` and the writes after it land wherever the link
// points, outside the target. Each folder below the target is checked with
// lstat and created one level at a time; the target folder itself is the
// person's choice and may be reached through a link.
import { mkdirSync, lstatSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** A restore's file whose folder in the target is a link (or a file): not followed, the file is not written. */
export class LinkInTheWay extends Error {
  override name = 'LinkInTheWay';
  constructor() {
    super('a link or a file stands where one of its folders goes in the restore folder (links there are never followed)');
  }
}

/** Create `dir` (inside `root`) and any missing folder between them, refusing any that exists as something other than a real folder. */
export function mkdirInside(root: string, dir: string): void {
  const rel = relative(root, dir);
  if (rel === '') return;
  if (rel.startsWith('..') || rel.split(sep).includes('..')) throw new Error('internal error: folder outside its target');
  mkdirSync(root, { recursive: true }); // the target itself: made as asked
  let at = root;
  for (const part of rel.split(sep)) {
    at = join(at, part);
    try {
      mkdirSync(at); // never follows a link at `at` itself: an existing one gives EEXIST
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (!lstatSync(at).isDirectory()) throw new LinkInTheWay();
  }
}
