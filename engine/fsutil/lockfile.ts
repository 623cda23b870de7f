// One writer per CASEVAULT_HOME: a lock file naming its owner (pid, and its
// start time where it can be read: Linux from /proc, macOS and the BSDs from
// ps; so a reused pid, after a crash and a restart, is not mistaken for the
// owner and every command refused for as long as another program has that
// pid; and a nonce unique to this holding). The file is made whole before
// it appears (link() of a fully written temporary file), so a contender
// never reads a lock with no owner in it; a lock left by a process that has
// died (kill -9, power loss) or become a zombie is taken over through a
// claim (fsutil/takeover.ts), so two contenders never both take it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { link, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { Refused } from '../errors.js';
import { homeFiles } from '../home.js';
import { tempName } from './atomic.js';
import { readIfExists } from './read.js';
import { lockNonce, releaseLock, takeLock, type LockStore } from './takeover.js';

type Platform = NodeJS.Platform;

/** Where a process's start time is read from ps (macOS, the BSDs): /bin/ps is part of the system there. */
const PS_PLATFORMS: readonly Platform[] = ['darwin', 'freebsd', 'openbsd'];

/**
 * A process's state letter and start time: on Linux from /proc ('gone' if
 * it is not there); on macOS and the BSDs from ps, in the C locale and UTC
 * whatever this process's environment (another process must read the same
 * text), with the spaces made '_' (a lock's fields are separated by
 * spaces): undefined if ps gave no answer, 'gone' if it answered that there
 * is no such process; undefined elsewhere (Windows: the pid alone).
 */
function procStat(pid: number, platform: Platform): { state: string; start: string } | 'gone' | undefined {
  if (platform === 'linux') {
    try {
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      return { state: fields[0]!, start: fields[19]! };
    } catch {
      return 'gone';
    }
  }
  if (!PS_PLATFORMS.includes(platform)) return undefined;
  let out: string;
  try {
    out = execFileSync('/bin/ps', ['-o', 'stat=,lstart=', '-p', String(pid)], {
      encoding: 'utf8',
      env: { LC_ALL: 'C', TZ: 'UTC' },
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    });
  } catch (e) {
    const { status, stdout } = e as { status?: number; stdout?: string };
    return status === 1 && !stdout?.trim() ? 'gone' : undefined; // ps that could not run says nothing either way
  }
  const m = /^\s*(\S+)\s+(\S.*\S)\s*$/.exec(out);
  return m ? { state: m[1]![0]!, start: m[2]!.split(/\s+/).join('_') } : undefined;
}

const ownStart = new Map<Platform, string>();

/** This process's start time ('' where it cannot be known). */
export function processStart(platform: Platform = process.platform): string {
  let start = ownStart.get(platform);
  if (start === undefined) {
    const st = procStat(process.pid, platform);
    ownStart.set(platform, (start = typeof st === 'object' ? st.start : ''));
  }
  return start;
}

/**
 * Whether the process a lock file (or watch.json) names ("pid [start]") is
 * still running: its pid is in use and, where start times can be read, by a
 * process that started when the owner did and is not a zombie. Where ps gives
 * no answer, a pid in use counts as the owner (never a lock taken from a live one).
 */
export function alive(lock: string, platform: Platform = process.platform): boolean {
  const [pidText, start] = lock.split(' ');
  const pid = Number.parseInt(pidText ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const st = procStat(pid, platform);
  if (st === undefined) return true;
  return st !== 'gone' && st.state !== 'Z' && (!start || start === '-' || st.start === start);
}

/** Locks this process holds: a second holder inside one process is refused too. */
const held = new Set<string>();

/** The lock is another live process's: a running `watch` or the app (which never finish by themselves), or a command still at work. */
export class VaultBusy extends Refused {}

const busy = () =>
  new VaultBusy(
    'another Casevault process is working on this vault; stop the running watch (or quit the Casevault app) or wait for it to finish, then try again',
  );

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
