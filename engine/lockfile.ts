// One writer per CASEVAULT_HOME: a lock file holding the owner's pid. A lock
// left by a process that has died (kill -9, power loss) is taken over.
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Refused } from './errors.js';
import { homeFiles } from './home.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function withHomeLock<T>(home: string, fn: () => Promise<T>): Promise<T> {
  const path = join(home, homeFiles.lock);
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(path, 'wx', 0o600);
      await fh.writeFile(String(process.pid));
      await fh.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new Refused('another Casevault process is working on this vault; wait for it to finish, then try again');
        }
        throw e;
      }
      const pid = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new Refused('another Casevault process is working on this vault; wait for it to finish, then try again');
      }
      await rm(path, { force: true });
    }
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}
