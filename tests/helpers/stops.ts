// What a kill -9 before each file system write of an operation leaves, for
// tests that then run the real command again and check that it finishes.
// node's `fs/promises` functions that change the disk are replaced by ones
// that count their calls together and, before call number n (from 0) runs,
// copy the folders the operation touches into `states/n`: one run of the
// operation gives the state a kill at each of its writes would leave
// (`syncBuiltinESMExports()` makes the engine's named imports see the
// replacements). Writes wait for the copy, and each other while it is made,
// so a state is never one write ahead. Synchronous calls (placeNew's link)
// and worker threads are not counted. tests/handover/remove-resume.test.ts
// stops a removal itself at each deletion, the same idea one deletion at a
// time. Modification times are kept (the vault's files are not taken as changed).
import { AsyncLocalStorage } from 'node:async_hooks';
import fsp, { cp, rm } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';

const MUTATIONS = ['rename', 'rm', 'unlink', 'rmdir', 'writeFile', 'appendFile', 'copyFile', 'open'] as const;

/** Whether a call changes the disk: every one of MUTATIONS but an open(2) for reading. */
function writes(name: string, args: unknown[]): boolean {
  if (name !== 'open') return true;
  const flags = args[1] ?? 'r';
  return typeof flags === 'number' ? (flags & 3) !== 0 : flags !== 'r' && flags !== 'rs';
}

export interface KillStates {
  /** How many writes `work` made: a kill before each leaves `states/0` ... `states/count-1`. */
  count: number;
  /** Puts `places` back as a kill before write `n` left them. */
  restore(n: number): Promise<void>;
  /** Where the state before write `n` keeps `place` (one of `places`). */
  path(n: number, place: string): string;
}

/** Runs `work` once (it must succeed), keeping the state of `places` before each of its writes under `dir`. */
export async function killStates(places: string[], dir: string, work: () => Promise<unknown>): Promise<KillStates> {
  const copyTo = async (to: string) => {
    for (const [i, p] of places.entries())
      await cp(p, join(to, String(i)), { recursive: true, force: true, verbatimSymlinks: true, preserveTimestamps: true }).catch(ignoreMissing);
  };
  const fns = fsp as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const real = new Map(MUTATIONS.map((n) => [n, fns[n]!]));
  let count = 0;
  let queue = Promise.resolve();
  // fs.cp writes through these same functions: its own writes pass.
  const copying = new AsyncLocalStorage<boolean>();
  for (const [name, fn] of real) {
    fns[name] = async (...args: unknown[]) => {
      if (!writes(name, args) || copying.getStore()) return fn(...args);
      const turn = queue.then(() => copying.run(true, () => copyTo(join(dir, String(count++)))));
      queue = turn;
      await turn;
      return fn(...args);
    };
  }
  syncBuiltinESMExports();
  try {
    await work();
  } finally {
    for (const [name, fn] of real) fns[name] = fn;
    syncBuiltinESMExports();
  }
  return {
    count,
    path: (n, place) => join(dir, String(n), String(places.indexOf(place))),
    restore: (n) =>
      Promise.all(
        places.map(async (p, i) => {
          await rm(p, { recursive: true, force: true });
          await cp(join(dir, String(n), String(i)), p, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true }).catch(ignoreMissing);
        }),
      ).then(() => {}),
  };
}

/** A folder not there (yet, or any more) is kept as not there. */
function ignoreMissing(e: NodeJS.ErrnoException): void {
  if (e.code !== 'ENOENT') throw e;
}
