// One writer per repository: a "lock" file created only if absent, naming
// its owner (a hash of the host name, pid and process start time). A lock
// whose owner on this computer has died is taken over at once; one from
// another computer (a shared NAS) once it has not been refreshed for 30
// minutes (holders refresh it every 5).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { Refused } from '../errors.js';
import { alive } from '../fsutil/lockfile.js';
import type { RepoStorage } from './storage.js';

const LOCK = 'lock';
export const STALE_MS = 30 * 60 * 1000;
const REFRESH_MS = 5 * 60 * 1000;

interface Owner {
  host: string;
  pid: number;
  start: string;
  time: number;
  op: string;
}

function procStart(pid: number): string {
  if (process.platform !== 'linux') return '';
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

const host = () => createHash('sha256').update(`casevault lock ${hostname()}`).digest('hex').slice(0, 16);

function me(op: string): Owner {
  return { host: host(), pid: process.pid, start: procStart(process.pid), time: Date.now(), op };
}

function stale(o: Owner | undefined, now: number): boolean {
  if (!o) return true;
  if (o.host === host()) return !alive(`${o.pid} ${o.start}`.trim());
  return now - o.time > STALE_MS;
}

const held = new Set<string>();
const busy = () => new Refused('another Casevault backup, restore, verify or prune is using the backup folder; wait for it to finish, then try again');

async function readOwner(storage: RepoStorage): Promise<Owner | undefined> {
  try {
    const j = JSON.parse(new TextDecoder().decode(await storage.remote.read(LOCK))) as Owner;
    return typeof j.pid === 'number' && typeof j.host === 'string' ? j : undefined;
  } catch {
    return undefined;
  }
}

export async function withRepoLock<T>(storage: RepoStorage, op: string, fn: () => Promise<T>): Promise<T> {
  if (held.has(storage.remote.description)) throw busy();
  held.add(storage.remote.description);
  try {
    const encode = () => new TextEncoder().encode(JSON.stringify(me(op)));
    for (let attempt = 0; ; attempt++) {
      if (await storage.createExclusive(LOCK, encode())) break;
      const owner = await readOwner(storage);
      if (attempt > 0 || !stale(owner, Date.now())) throw busy();
      await storage.remote.delete(LOCK);
    }
    const timer = setInterval(() => {
      storage.remote.put(LOCK, encode()).catch(() => {}); // refreshed again at the next tick; a lock not refreshed for 30 minutes may be taken over
    }, REFRESH_MS);
    timer.unref();
    try {
      return await fn();
    } finally {
      clearInterval(timer);
      storage.close?.();
      await storage.remote.delete(LOCK).catch(() => {}); // a lock left behind is taken over as stale (its owner is gone)
    }
  } finally {
    held.delete(storage.remote.description);
  }
}
