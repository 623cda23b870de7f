// A folder the app is given must be a full path. A relative one ("Cases")
// would be taken from wherever Casevault was started (its install folder),
// which is never what a person at a window means: refused, with the folder
// it would have been. The command line resolves its own relative paths
// against the terminal's folder first, as a terminal user means them.
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/** `p`, if it is a full path (or starts with ~/ for the home folder, where that is taken); otherwise a UsageError naming the folder it would be. */
export function requireFullPath(p: string, what: string, tilde = false): string {
  if (isAbsolute(p) || (tilde && (p === '~' || p.startsWith('~/')))) return p;
  if (p.trim() === '') throw new UsageError(`no ${what} was given; type its full path, such as ${join(homedir(), 'Casevault')}`);
  throw new UsageError(`"${p}" is not a full path: as it is, the ${what} would be ${resolve(p)}; give the full path, such as ${join(homedir(), p)}`);
}
