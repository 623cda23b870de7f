// A removal relies on the handover copy, not on the record of it: a copy
// deleted, emptied or without its key file since it was checked stops the
// removal before anything goes (finding: everything deleted, the copy gone).
import assert from 'node:assert/strict';
import { readFile, readdir, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { exists } from '../helpers/fs.js';
import { makeVault, type TestVault } from '../helpers/vault.js';
import { failsWith, handover, ok } from './helpers.js';

async function nothingRemoved(v: TestVault): Promise<void> {
  assert.equal(await readFile(join(v.vault, 'a.txt'), 'utf8'), 'a', 'the vault folder is untouched');
  assert.ok(await exists(join(v.cloud, 'casevault.key')), 'the cloud copy is untouched');
  assert.ok(await exists(join(v.backup, 'config')), 'the backups are untouched');
  assert.ok(await exists(join(v.home, 'handover-verified.json')), 'the home is untouched');
  assert.equal(await exists(join(v.home, 'removing.json')), false, 'no removal started');
}

const DELETE_ALL = ['remove', '--yes', '--cloud', 'delete', '--backups', 'delete'];
const REFUSED = (to: string) =>
  new RegExp(`the handover copy at ${to} is missing or has changed since it was checked; make a handover copy with \`casevault handover --to DIR\``);

test('remove refuses, deleting nothing, when the verified handover copy was deleted or its objects emptied', async () => {
  const v = await makeVault({ files: { 'a.txt': Buffer.from('a'), 'b.txt': Buffer.from('b') }, synced: true, backedUp: true });
  const copy = join(v.root, 'copy');
  ok(await handover(v, copy), 'handover');
  await rename(copy, join(v.root, 'copy-elsewhere'));
  failsWith(await v.cli(DELETE_ALL), 1, REFUSED(copy));
  await nothingRemoved(v);

  await rename(join(v.root, 'copy-elsewhere'), copy);
  for (const name of await readdir(join(copy, 'objects'), { recursive: true })) {
    await truncate(join(copy, 'objects', name)).catch(() => undefined); // folders are skipped
  }
  const r = await v.cli(DELETE_ALL);
  failsWith(r, 1, REFUSED(copy));
  assert.doesNotMatch(r.stdout, /Handover copy:/);
  await nothingRemoved(v);
});

test('a record of a copy made before objects were recorded: its key file and its objects are checked; an intact copy is removed against', async () => {
  const v = await makeVault({ files: { 'a.txt': Buffer.from('a') }, synced: true, backedUp: true });
  const copy = join(v.root, 'copy');
  ok(await handover(v, copy), 'handover');
  const record = join(v.home, 'handover-verified.json');
  const { objects, ...earlier } = JSON.parse(await readFile(record, 'utf8')) as { objects: unknown };
  assert.ok(Array.isArray(objects), 'a new record holds the objects');
  await writeFile(record, JSON.stringify(earlier));
  const key = await readFile(join(copy, 'casevault.key'));
  await rm(join(copy, 'casevault.key'));
  failsWith(await v.cli(DELETE_ALL), 1, REFUSED(copy));
  await nothingRemoved(v);

  await writeFile(join(copy, 'casevault.key'), key);
  const r = ok(await v.cli(DELETE_ALL), 'remove');
  assert.match(r.stdout, new RegExp(`Handover copy: ${copy}\\.`));
  assert.equal(await exists(v.vault), false);
});
