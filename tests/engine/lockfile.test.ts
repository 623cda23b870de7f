import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { withHomeLock } from '../../engine/fsutil/lockfile.js';
import { tempDir } from '../helpers/fs.js';

function startTime(pid: number): string {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ')[19]!;
}

test('a lock held by a live process refuses; a dead or reused pid is taken over', async () => {
  const home = await tempDir('lock');
  const lock = join(home, 'lock');
  const child = spawn('sleep', ['10']);
  try {
    await new Promise((r) => child.once('spawn', r));
    await writeFile(lock, `${child.pid} ${process.platform === 'linux' ? startTime(child.pid!) : ''}`.trim());
    await assert.rejects(
      withHomeLock(home, async () => 1),
      { name: 'Refused' },
    );
    if (process.platform === 'linux') {
      await writeFile(lock, `${child.pid} 1`); // same pid, another start time: a reused pid
      assert.equal(await withHomeLock(home, async () => 2), 2);
    }
  } finally {
    child.kill('SIGKILL');
  }
  await writeFile(lock, '999999999');
  assert.equal(await withHomeLock(home, async () => 3), 3);
  await assert.rejects(
    withHomeLock(home, () => withHomeLock(home, async () => 4)),
    { name: 'Refused' },
  );
});
