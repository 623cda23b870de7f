// A handover copy made before the vault changed is out of date: a handover
// into its folder makes it again (clearing only what Casevault wrote there),
// and never tells the person to give the old one to the successor.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeVault } from '../helpers/vault.js';
import { failsWith, handover, ok, successorRecover } from './helpers.js';

test('handover into the folder of an out-of-date verified copy makes it again; a current one is still refused', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true });
  const copy = join(v.root, 'usb-copy');
  ok(await handover(v, copy), 'handover');
  failsWith(await handover(v, copy), 1, /already holds the verified handover copy/);
  await writeFile(join(v.vault, 'b.txt'), 'one more note');
  failsWith(await v.cli(['remove', '--yes']), 1, /changed since its handover copy was verified/);
  const again = ok(await handover(v, copy), 'handover again into the same folder');
  assert.match(again.stdout, /made and checked: 2 files/);
  ok(await successorRecover(v.root, copy, join(v.root, 'succ')), 'successor recover');
  assert.equal(await readFile(join(v.root, 'succ', 'b.txt'), 'utf8'), 'one more note');
  ok(await v.cli(['remove', '--yes']), 'remove against the new copy');
});

test('an out-of-date copy whose folder holds other files too is not cleared, and is not to be given to the successor', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true });
  const copy = join(v.root, 'usb-copy');
  ok(await handover(v, copy), 'handover');
  await writeFile(join(copy, 'my notes.txt'), 'not Casevault');
  await writeFile(join(v.vault, 'b.txt'), 'one more note');
  const r = await handover(v, copy);
  failsWith(r, 1, /out of date as the vault has changed since.*do not give it to your successor/);
  assert.doesNotMatch(r.stderr, /give it to your successor[,;.]/);
  assert.equal(await readFile(join(copy, 'my notes.txt'), 'utf8'), 'not Casevault');
});
