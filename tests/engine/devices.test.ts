// Two computers, one cloud vault: never overwrite silently.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { conflictPath } from '../../engine/mirror/devices.js';
import { Engine } from '../../engine/engine.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { listFiles, readTree } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';

test('two computers edit the same file: both versions are kept in the cloud and the conflict is reported', async () => {
  const { root, cloud, engine: a, vault: vaultA, env } = await makeVault({ files: { 'case.txt': 'original', 'other.txt': 'untouched' }, synced: true });

  const b = new Engine(join(root, 'home-b'), env);
  const vaultB = join(root, 'vault-b');
  await b.recover({ cloud: { kind: 'folder', dir: cloud }, vaultDir: vaultB, secret: { passphrase: PASSPHRASE } });
  assert.equal(await readFile(join(vaultB, 'case.txt'), 'utf8'), 'original');

  await writeFile(join(vaultB, 'case.txt'), 'edited on B');
  const rb = await b.sync();
  assert.equal(rb.uploaded, 1);
  assert.deepEqual(rb.conflicts, []);

  await writeFile(join(vaultA, 'case.txt'), 'edited on A');
  const ra = await a.sync();
  assert.equal(ra.conflicts.length, 1);
  assert.equal(ra.conflicts[0]!.path, 'case.txt');
  assert.match(ra.conflicts[0]!.keptAs, /^case \(conflicted copy \d{4}-\d{2}-\d{2} \d{4} .+\)\.txt$/);
  assert.deepEqual((await a.status()).conflicts, ra.conflicts);

  // A later edit on A goes to its conflicted copy, still never over B's version.
  await writeFile(join(vaultA, 'case.txt'), 'edited on A again');
  const again = await a.sync();
  assert.deepEqual(again.conflicts, []);

  const c = new Engine(join(root, 'home-c'), env);
  const vaultC = join(root, 'vault-c');
  await c.recover({ cloud: { kind: 'folder', dir: cloud }, vaultDir: vaultC, secret: { passphrase: PASSPHRASE } });
  const got = await readTree(vaultC);
  assert.equal(got.get('case.txt')!.toString(), 'edited on B');
  assert.equal(got.get(ra.conflicts[0]!.keptAs)!.toString(), 'edited on A again');
  assert.equal(got.get('other.txt')!.toString(), 'untouched');
  assert.equal((await listFiles(join(cloud, 'devices'))).length, 2);
});

test('a single computer never sees conflicts, even after losing its local state', async () => {
  const { vault, home, engine: e } = await makeVault({ files: { 'a.txt': 'one' }, synced: true });
  const { rm } = await import('node:fs/promises');
  await rm(join(home, 'sync-state.log'));
  await writeFile(join(vault, 'a.txt'), 'two');
  assert.deepEqual((await e.sync()).conflicts, []);
});

test('conflicted-copy names keep the folder and the extension', () => {
  const when = new Date('2026-11-24T03:02:00Z');
  assert.equal(conflictPath('Members/0042/letter.docx', 'laptop', when), 'Members/0042/letter (conflicted copy 2026-11-24 0302 laptop).docx');
  assert.equal(conflictPath('README', 'pc', when), 'README (conflicted copy 2026-11-24 0302 pc)');
  assert.equal(conflictPath('.hidden', 'pc', when), '.hidden (conflicted copy 2026-11-24 0302 pc)');
});
