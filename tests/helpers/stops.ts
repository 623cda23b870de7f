// What a kill -9 before each file system write of an operation leaves, for
// tests that then run the real command again and check that it finishes.
// node's `fs/promises` functions that change the disk are replaced by ones
// that count their calls together and, before call number n (from 0) runs,
// copy the folders the operation touches into `states/n`: one run of the
// operation gives the state a kill at each of its writes would leave
// (`syncBuiltinESMExports()` makes the engine's named imports see the
// replacements). The copies are synchronous, so nothing else runs meanwhile
// and a state is never one write ahead; modification times are kept (the
// vault's files are not taken as changed). Synchronous calls (placeNew's
// link, a folder remote's small writes and their renames) are counted only
// with `{ sync: true }`; worker threads never are.
import fs, { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';

const MUTATIONS = ['rename', 'rm', 'unlink', 'rmdir', 'writeFile', 'appendFile', 'copyFile', 'open'] as const;
/** Their synchronous twins, and link (a new name for a whole file); a write(2) into a descriptor already opened is not a new state's start. */
const SYNC_MUTATIONS = [...MUTATIONS.map((n) => `${n}Sync`), 'linkSync'];

/** Whether a call changes the disk: every one of MUTATIONS but an open(2) for reading. */
function writes(name: string, args: unknown[]): boolean {
  if (name !== 'open' && name !== 'openSync') return true;
  const flags = args[1] ?? 'r';
  return typeof flags === 'number' ? (flags & 3) !== 0 : flags !== 'r' && flags !== 'rs';
}

/** Lock files a place may hold: CASEVAULT_HOME's and its audit trail's, a backup folder's. */
const LOCKS = ['lock', 'audit.lock'];

/** Whether a lock's owner is this process: CASEVAULT_HOME's lock is "pid start", a backup folder's a JSON line with a `pid`. */
function namesThisProcess(lock: string): boolean {
  if (lock.split(' ')[0] === String(process.pid)) return true;
  try {
    return (JSON.parse(lock) as { pid?: unknown }).pid === process.pid;
  } catch {
    return false;
  }
}

export interface KillStates {
  /** How many writes `work` made: a kill before each leaves `states/0` ... `states/count-1`. */
  count: number;
  /**
   * Puts `places` back as a kill before write `n` left them. A lock file a
   * place holds (LOCKS, each naming its owner) that names this process is
   * removed: a killed process's lock is taken over by the next command, but
   * here the killed process is this one, still alive.
   */
  restore(n: number): Promise<void>;
  /** Where the state before write `n` keeps `place` (one of `places`). */
  path(n: number, place: string): string;
}

/**
 * Runs `work` once (it must succeed), keeping the state of `places` before
 * each of its writes under `dir`; with `sync`, its synchronous writes too.
 */
export async function killStates(places: string[], dir: string, work: () => Promise<unknown>, o: { sync?: boolean } = {}): Promise<KillStates> {
  // Synchronous: nothing else runs while a state is copied (and the copy's own writes are not counted).
  const copy = (from: string, to: string) => {
    try {
      cpSync(from, to, { recursive: true, force: true, verbatimSymlinks: true, preserveTimestamps: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; // a folder not there (yet, or any more) is kept as not there
    }
  };
  const copyTo = (to: string) => places.forEach((p, i) => copy(p, join(to, String(i))));
  type Fns = Record<string, (...args: unknown[]) => unknown>;
  const replaced: [Fns, string[]][] = [[fsp as unknown as Fns, [...MUTATIONS]], ...(o.sync ? [[fs as unknown as Fns, SYNC_MUTATIONS] as [Fns, string[]]] : [])];
  const real = replaced.map(([fns, names]) => [fns, new Map(names.map((n) => [n, fns[n]!]))] as const);
  let count = 0;
  let copying = false; // the copy's own calls (cpSync may call the replaced synchronous functions) are not the operation's
  for (const [fns, names] of real) {
    for (const [name, fn] of names) {
      fns[name] = (...args: unknown[]) => {
        if (!copying && writes(name, args)) {
          copying = true;
          try {
            copyTo(join(dir, String(count++)));
          } finally {
            copying = false;
          }
        }
        return fn(...args);
      };
    }
  }
  syncBuiltinESMExports();
  try {
    await work();
  } finally {
    for (const [fns, names] of real) for (const [name, fn] of names) fns[name] = fn;
    syncBuiltinESMExports();
  }
  return {
    count,
    path: (n, place) => join(dir, String(n), String(places.indexOf(place))),
    restore: async (n) => {
      for (const [i, p] of places.entries()) {
        rmSync(p, { recursive: true, force: true });
        copy(join(dir, String(n), String(i)), p);
        for (const name of LOCKS) {
          const lock = join(p, name);
          if (existsSync(lock) && namesThisProcess(readFileSync(lock, 'utf8'))) rmSync(lock);
        }
      }
    },
  };
}
