// verify --cloud finds damage that keeps an object's length (a flipped bit, a
// swap); the next sync uploads those files again; and a reader that closes
// the pipe early does not turn the command into a stack trace.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, run } from '../helpers/cli.js';
import { listFiles } from '../helpers/fs.js';
import { type Files, makeVault } from '../helpers/vault.js';

test('damage of the same length is found by verify, repaired by the next sync, and verify is clean again', async () => {
  const files: Files = {};
  for (let i = 0; i < 6; i++) files[`Member 1/letter ${i}.txt`] = `letter ${i} `.repeat(500 + i);
  const { cloud, env } = await makeVault({ files });
  assert.equal((await run(['sync'], env)).code, 0);
  const objects = (await listFiles(join(cloud, 'objects'))).sort().map((o) => join(cloud, 'objects', o));
  const flipped = await readFile(objects[0]!);
  flipped[flipped.length >> 1]! ^= 1;
  await writeFile(objects[0]!, flipped);
  const [a, b] = [await readFile(objects[1]!), await readFile(objects[2]!)];
  await writeFile(objects[1]!, b);
  await writeFile(objects[2]!, a);

  const nothingToDo = await run(['sync'], env);
  assert.match(nothingToDo.stdout, /0 uploaded/, 'sync alone cannot see damage inside an object');
  const found = await run(['verify', '--cloud'], env);
  assert.equal(found.code, 3, found.stdout);
  assert.equal(found.stdout.match(/^Bad: /gm)?.length, 3);
  const repaired = await run(['sync'], env);
  assert.equal(repaired.code, 0, repaired.stderr);
  assert.match(repaired.stdout, /3 uploaded/);
  assert.match(repaired.stdout, /3 of them were unchanged but missing or damaged in the cloud/);
  const clean = await run(['verify', '--cloud'], env);
  assert.equal(clean.code, 0, clean.stdout);
  assert.match((await run(['sync'], env)).stdout, /0 uploaded/, 'once repaired, nothing more to do');
});

test('a reader that closes the pipe early: the command keeps its exit code and prints no stack trace', async () => {
  const v = await makeVault();
  const env = { PATH: process.env.PATH, ...v.env };
  const cloud = v.cloud;
  await mkdir(join(cloud, 'objects', 'ab'), { recursive: true });
  for (let i = 0; i < 2000; i++) await writeFile(join(cloud, 'objects', 'ab', `planted-${i}`), 'x'); // one line of output each
  const child = spawn(process.execPath, [BIN, 'verify', '--cloud'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise((r) => child.on('close', r));
  assert.equal(code, 3, stderr);
  assert.doesNotMatch(stderr, /EPIPE|\n\s+at /);
});
