import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { alive, processStart, withHomeLock } from '../../engine/fsutil/lockfile.js';
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

test("macOS's way (ps, as on the BSDs): a live owner is alive, a reused pid or a zombie is not", async () => {
  const own = processStart('darwin');
  assert.match(own, /^\S+$/, 'one field of the lock, no spaces');
  assert.notEqual(own, '');
  assert.equal(processStart('darwin'), own, 'the same text each time');
  const child = spawn('sleep', ['60']); // killed below: long enough for a loaded machine
  try {
    await new Promise((r) => child.once('spawn', r));
    const start = childStart(child.pid!);
    assert.equal(alive(`${child.pid} ${start}`, 'darwin'), true);
    assert.equal(alive(`${child.pid} -`, 'darwin'), true, 'an owner whose start was not known: its pid decides');
    assert.equal(alive(`${child.pid} Mon_Jan_1_00:00:00_2001`, 'darwin'), false, 'same pid, another start time: a reused pid');
    assert.equal(alive(`${child.pid} anything`, 'win32'), true, 'Windows: the pid alone');
  } finally {
    child.kill('SIGKILL');
  }
  await new Promise((r) => child.once('exit', r));
  assert.equal(alive(`${child.pid} x`, 'darwin'), false, 'gone');

  // A zombie: a child that has ended, of a parent (sleep) that never reaps it.
  const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const zombie = Number.parseInt(await new Promise<string>((r) => parent.stdout.once('data', (d: Buffer) => r(d.toString()))), 10);
    const state = () => execFileSync('/bin/ps', ['-o', 'stat=', '-p', String(zombie)], { encoding: 'utf8' }).trim();
    while (!state().startsWith('Z')) await new Promise((r) => setTimeout(r, 20)); // until sleep 0 has ended (at once)
    const start = childStart(zombie);
    assert.equal(alive(`${zombie} ${start}`, 'darwin'), false, 'a zombie owns nothing');
    assert.equal(alive(`${zombie} -`, 'linux'), false, 'nor on Linux');
  } finally {
    parent.kill('SIGKILL');
  }
});

/** A child's start time as the lock records it on macOS, read the same way (ps) from outside. */
function childStart(pid: number): string {
  const out = execFileSync('/bin/ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', env: { LC_ALL: 'C', TZ: 'UTC' } });
  return out.trim().split(/\s+/).join('_');
}
