// One writer per CASEVAULT_HOME: a lock file naming its owner (pid, and on
// Linux the process start time, so a reused pid is not mistaken for the
// owner, and a nonce unique to this holding). The file is made whole before
// it appears (link() of a fully written temporary file), so a contender
// never reads a lock with no owner in it; a lock left by a process that has
// died (kill -9, power loss) or become a zombie is taken over through a
// claim (fsutil/takeover.ts), so two contenders never both take it.
import { readFileSync } from 'node:fs';
import { link, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { Refused } from '../errors.js';
import { homeFiles } from '../home.js';
import { tempName } from './atomic.js';
import { readIfExists } from './read.js';
import { lockNonce, releaseLock, takeLock, type LockStore } from './takeover.js';

/** Linux: the process's state letter and start time from /proc, or undefined elsewhere or if it is gone. */
function procStat(pid: number): { state: string; start: string } | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, start: fields[19]! };
  } catch {
    return undefined;
  }
}

/** This process's start time ('' where it cannot be known). */
export function processStart(pid = process.pid): string {
  return procStat(pid)?.start ?? '';
}

/** Whether the process a lock file (or watch.json) names ("pid [start]") is still running. */
export function alive(lock: string): boolean {
  const [pidText, start] = lock.split(' ');
  const pid = Number.parseInt(pidText ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (process.platform !== 'linux') return true;
  const st = procStat(pid);
  return !!st && st.state !== 'Z' && (!start || start === '-' || st.start === start);
}

/** Locks this process holds: a second holder inside one process is refused too. */
const held = new Set<string>();

const busy = () => new Refused('another Casevault process is working on this vault; wait for it to finish, then try again');

/** Lock files in one folder, each created by link() of a fully written temporary file. */
function folderStore(dir: string): LockStore {
  return {
    async create(name, content) {
      const tmp = tempName(dir);
      await writeFile(tmp, content, { mode: 0o600, flag: 'wx' });
      try {
        await link(tmp, join(dir, name));
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw e;
      } finally {
        await rm(tmp, { force: true });
      }
    },
    read: (name) => readIfExists(join(dir, name), 'utf8'),
    remove: (name) => rm(join(dir, name), { force: true }),
  };
}

export async function withHomeLock<T>(home: string, fn: () => Promise<T>): Promise<T> {
  return withLockFile(home, homeFiles.lock, 0, fn);
}

/** How long a waiting contender sleeps before it tries a lock again. */
const RETRY_MS = 10;

/**
 * Holds the lock file `name` in `dir` while `fn` runs. A live owner is
 * waited for up to `patienceMs` (0: refused at once), then refused.
 */
export async function withLockFile<T>(dir: string, name: string, patienceMs: number, fn: () => Promise<T>): Promise<T> {
  const path = join(dir, name);
  if (held.has(path)) throw busy();
  held.add(path);
  try {
    const store = folderStore(dir);
    const mine = `${process.pid} ${processStart() || '-'} ${lockNonce()}`;
    const until = Date.now() + patienceMs;
    while (!(await takeLock(store, name, mine, async (owner) => !alive(owner)))) {
      if (Date.now() >= until) throw busy();
      await setTimeout(RETRY_MS);
    }
    try {
      return await fn();
    } finally {
      await releaseLock(store, name, mine);
    }
  } finally {
    held.delete(path);
  }
}
