// One writer per repository: a "lock" file created only if absent and whole
// (RepoStorage.createExclusive: link() of a fully written temporary file
// where the file system has hard links), naming its owner (a hash of the
// host name, pid, process start time and a nonce unique to this holding).
// A lock whose owner on this computer has died is taken over at once; one
// from another computer (a shared NAS) once it has not been refreshed for 30
// minutes (holders refresh it every 5). Taking over goes through a claim on
// the stale lock's exact content (fsutil/takeover.ts, the home lock's
// review), so two contenders never both hold it.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { Refused } from '../errors.js';
import { alive, processStart } from '../fsutil/lockfile.js';
import { lockNonce, releaseLock, takeLock, type LockStore } from '../fsutil/takeover.js';
import { RemoteNotFound, RemoteTooLarge } from '../remotes/remote.js';
import type { RepoStorage } from './storage.js';

const LOCK = 'lock';
export const STALE_MS = 30 * 60 * 1000;
const REFRESH_MS = 5 * 60 * 1000;
/** A lock's content is one short JSON line (its owner); a file larger than this is not read. */
const LOCK_MAX = 4096;

interface Owner {
  host: string;
  pid: number;
  start: string;
  time: number;
  op: string;
  nonce: string;
}

const host = () => createHash('sha256').update(`casevault lock ${hostname()}`).digest('hex').slice(0, 16);

function parseOwner(text: string): Owner | undefined {
  try {
    const j = JSON.parse(text) as Owner;
    return typeof j.pid === 'number' && typeof j.host === 'string' && typeof j.time === 'number' ? j : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a lock's owner is gone. A lock with no readable owner (written by
 * a file system without hard links, where a lock can be seen before its
 * owner is in it) is judged by its age, like another computer's.
 */
async function stale(storage: RepoStorage, name: string, text: string, now: number): Promise<boolean> {
  const o = parseOwner(text);
  if (o?.host === host()) return !alive(`${o.pid} ${o.start}`.trim());
  const since = o?.time ?? (await storage.modifiedAt?.(name)) ?? 0;
  return now - since > STALE_MS;
}

function store(storage: RepoStorage): LockStore {
  return {
    create: (name, content) => storage.createExclusive(name, new TextEncoder().encode(content)),
    read: (name) =>
      storage.remote.read(name, LOCK_MAX).then(
        (b) => new TextDecoder().decode(b),
        (e: unknown) => {
          if (e instanceof RemoteNotFound) return storage.holdsOther?.(name).then((other) => (other ? Promise.reject(unexpected()) : undefined));
          if (e instanceof RemoteTooLarge) return ''; // no lock of ours is that large: an owner that cannot be read, judged by its age
          throw e;
        },
      ),
    remove: (name) => storage.remote.delete(name),
  };
}

/**
 * A folder, pipe or link named `lock` is no lock of Casevault's (its locks are
 * regular files) and no one's live lock; it is never followed, opened or
 * moved (moving it could race a contender's takeover), only named.
 */
const unexpected = () =>
  new Refused('the backup folder holds an unexpected item named "lock" that is not a Casevault lock; remove it from the backup folder, then try again');

const held = new Set<string>();
const busy = () => new Refused('another Casevault backup, restore, verify or prune is using the backup folder; wait for it to finish, then try again');

export async function withRepoLock<T>(storage: RepoStorage, op: string, fn: () => Promise<T>): Promise<T> {
  if (held.has(storage.remote.description)) throw busy();
  held.add(storage.remote.description);
  try {
    const locks = store(storage);
    const nonce = lockNonce();
    const me = () => JSON.stringify({ host: host(), pid: process.pid, start: processStart(), time: Date.now(), op, nonce } satisfies Owner);
    let mine = me();
    if (!(await takeLock(locks, LOCK, mine, (text) => stale(storage, LOCK, text, Date.now())))) throw busy();
    const timer = setInterval(() => {
      // Refreshed only while still ours (another computer may take over a lock not refreshed for 30 minutes); a failed refresh is tried at the next tick.
      const next = me();
      locks
        .read(LOCK)
        .then((now) => (now === mine ? storage.remote.put(LOCK, new TextEncoder().encode(next)).then(() => void (mine = next)) : undefined))
        .catch(() => {});
    }, REFRESH_MS);
    timer.unref();
    try {
      return await fn();
    } finally {
      clearInterval(timer);
      storage.close?.();
      await releaseLock(locks, LOCK, mine).catch(() => {}); // a lock left behind is taken over as stale (its owner is gone)
    }
  } finally {
    held.delete(storage.remote.description);
  }
}
