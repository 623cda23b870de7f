// Many processes racing for the home lock and for the backup folder's lock,
// with a lock left by a dead process in place (the kill -9 case) and
// without: exactly one holds it, every trial. Each contender holds until the
// trial ends, so the count does not depend on how fast anyone is.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/fs.js';

const CONTENDER = fileURLToPath(new URL('../helpers/lock-contender.js', import.meta.url));
const CONTENDERS = 6;
const TRIALS = Number(process.env.CASEVAULT_LOCK_TRIALS ?? 6);

/** What a contender says next ('ready', then 'held', 'busy' or an error). */
function reader(child: ChildProcessByStdio<Writable, Readable, null>): () => Promise<string> {
  const queue: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (l) => (waiting.length ? waiting.shift()!(l) : queue.push(l)));
  child.once('exit', () => waiting.splice(0).forEach((w) => w('exited')));
  return () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((resolve) => waiting.push(resolve)));
}

/** One trial: every contender ready, all told to go at once; returns what each said. */
async function trial(kind: 'home' | 'repo', dir: string): Promise<string[]> {
  const children = Array.from({ length: CONTENDERS }, () => spawn(process.execPath, [CONTENDER, kind, dir], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const next = children.map(reader);
  try {
    assert.deepEqual(await Promise.all(next.map((n) => n())), Array(CONTENDERS).fill('ready'));
    for (const c of children) c.stdin.write('go\n');
    return await Promise.all(next.map((n) => n()));
  } finally {
    for (const c of children) c.stdin.end();
    await Promise.all(children.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
  }
}

/** A lock its owner left when it was killed: the pid cannot be running. */
function deadOwner(kind: 'home' | 'repo'): string {
  if (kind === 'home') return '999999999 - 0123456789abcdef01234567';
  return JSON.stringify({ host: 'another', pid: 999999999, start: '', time: 0, op: 'backup', nonce: '0123456789abcdef01234567' });
}

for (const kind of ['home', 'repo'] as const) {
  test(`${kind === 'home' ? 'the home lock' : "the backup folder's lock"}: ${CONTENDERS} contenders at once, a stale lock or none: exactly one holds it, every time`, async () => {
    for (let i = 0; i < TRIALS; i++) {
      const dir = join(await tempDir('locks'), 'x');
      await mkdir(dir);
      const stale = i % 3 !== 2;
      if (stale) await writeFile(join(dir, 'lock'), deadOwner(kind));
      const said = await trial(kind, dir);
      assert.equal(said.filter((s) => s === 'held').length, 1, `trial ${i} (${stale ? 'stale lock' : 'no lock'}): ${said.join(', ')}`);
      assert.equal(said.filter((s) => s === 'busy').length, CONTENDERS - 1, said.join(', '));
      assert.deepEqual(
        (await readdir(dir)).filter((n) => n !== 'lock'),
        [],
        'no claim or temporary file is left once the trial ends',
      );
    }
  });
}
