// One contender for a lock, run as its own process by tests/locks/: it loads
// everything first, says "ready", waits for "go" on stdin (so every
// contender tries at the same moment), then tries the home lock or the
// backup folder's lock once. Holding it, it says "held" and keeps it until
// stdin ends; refused, it says "busy".
import { createInterface } from 'node:readline';
import { withRepoLock } from '../../engine/backup/lock.js';
import { FolderStorage } from '../../engine/backup/storage.js';
import { withHomeLock } from '../../engine/fsutil/lockfile.js';

const [kind, dir] = process.argv.slice(2) as ['home' | 'repo', string];
const lines = createInterface({ input: process.stdin });
const ended = new Promise<void>((resolve) => lines.once('close', resolve));
const go = new Promise<void>((resolve) => lines.on('line', (l) => l === 'go' && resolve()));

const hold = async () => {
  process.stdout.write('held\n');
  await ended;
};

process.stdout.write('ready\n');
await go;
try {
  if (kind === 'home') await withHomeLock(dir, hold);
  else await withRepoLock(new FolderStorage(dir), 'test', hold);
} catch (e) {
  process.stdout.write((e as Error).name === 'Refused' ? 'busy\n' : `error ${(e as Error).message}\n`);
  await ended;
}
