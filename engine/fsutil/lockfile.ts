// One writer per CASEVAULT_HOME: a lock file naming its owner (pid, and on
// Linux the process start time, so a reused pid is not mistaken for the
// owner). A lock left by a process that has died (kill -9, power loss) or
// become a zombie is taken over.
import { readFileSync } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Refused } from '../errors.js';
import { homeFiles } from '../home.js';

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

function owner(): string {
  return `${process.pid} ${procStat(process.pid)?.start ?? ''}`.trim();
}

/** Whether the process a lock file (or watch.json) names is still running. */
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
  return !!st && st.state !== 'Z' && (!start || st.start === start);
}

/** Locks this process holds: a second holder inside one process is refused too. */
const held = new Set<string>();

const busy = () => new Refused('another Casevault process is working on this vault; wait for it to finish, then try again');

export async function withHomeLock<T>(home: string, fn: () => Promise<T>): Promise<T> {
  const path = join(home, homeFiles.lock);
  if (held.has(path)) throw busy();
  held.add(path);
  try {
    return await withLockFile(path, fn);
  } finally {
    held.delete(path);
  }
}

async function withLockFile<T>(path: string, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(path, 'wx', 0o600);
      await fh.writeFile(owner());
      await fh.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (attempt > 0 || alive(await readFile(path, 'utf8').catch(() => ''))) throw busy();
      await rm(path, { force: true });
    }
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}
