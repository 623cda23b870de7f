// The vault's scan on a thread of its own (scan.ts `aside`, used by sync and
// status for a vault of many files) finds exactly what the walk on the main
// thread finds: every file with its size, times and inode, odd names
// included; names that are not valid UTF-8, links and ignored names told
// apart the same way.
import assert from 'node:assert/strict';
import { mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { scanVault, unpackScan, walkPacked, walkVault, type PackedScan, type ScanResult } from '../../engine/mirror/scan.js';
import { tempDir } from '../helpers/fs.js';

/** A scan in a form deepEqual compares regardless of the order the walk met things. */
function comparable(r: ScanResult) {
  return {
    files: [...r.files.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
    unreadable: [...r.unreadable].sort(),
    skippedLinks: r.skippedLinks,
    badNames: [...r.badNames].sort(),
    badFolders: [...r.badFolders].sort(),
  };
}

async function oddTree(): Promise<string> {
  const root = await tempDir();
  const names = ['plain.txt', 'with space.pdf', 'ünïcödé ✓.docx', 'line\nbreak.txt', 'tab\there', '\uFFFD literal.txt', '__proto__', 'empty'];
  for (const [i, n] of names.entries()) {
    const dir = join(root, `case ${i % 3}`, i % 2 ? 'deep/er' : '');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, n), n === 'empty' ? '' : `${n}\n`.repeat(i + 1));
  }
  await utimes(join(root, 'case 0', 'plain.txt'), 1_000_000.25, 1_234_567.125); // times with fractions survive the crossing
  await writeFile(Buffer.concat([Buffer.from(`${root}/bad-`), Buffer.from([0xff, 0xfe]), Buffer.from('.txt')]), 'x');
  await mkdir(Buffer.concat([Buffer.from(`${root}/case-`), Buffer.from([0xff])]));
  await writeFile(Buffer.concat([Buffer.from(`${root}/case-`), Buffer.from([0xff]), Buffer.from('/letter.txt')]), 'x');
  await symlink('/etc/hostname', join(root, 'case 1', 'link'));
  await writeFile(join(root, '.DS_Store'), 'x');
  await writeFile(join(root, 'case 2', '~$draft.docx'), 'x');
  for (let i = 0; i < 300; i++) await writeFile(join(root, 'case 2', `note-${i}.txt`), `${i}`);
  return root;
}

test('the scan on its own thread finds what the walk here finds, odd names, times and all', async () => {
  const root = await oddTree();
  const here = await walkVault(root);
  assert.equal(here.files.size, 308);
  assert.equal(here.skippedLinks, 1);
  assert.equal(here.badNames.length, 1);
  assert.equal(here.badFolders.length, 1);
  assert.equal(here.files.get('case 0/plain.txt')?.mtimeMs, 1_234_567_125);

  // The worker itself, started as scanVault starts it: its message unpacks to the same scan.
  const packed = await new Promise<PackedScan>((done, fail) => {
    const w = new Worker(new URL('../../engine/mirror/scan-worker.js', import.meta.url), { workerData: { root } });
    w.once('message', done);
    w.once('error', fail);
  });
  assert.equal(typeof packed.paths, 'string', 'the paths cross as one string');
  assert.ok(packed.numbers instanceof Float64Array);
  assert.deepEqual(comparable(unpackScan(packed)), comparable(here));
  assert.deepEqual(comparable(await scanVault(root, { aside: true })), comparable(here));
  assert.deepEqual(comparable(await walkVault(root, true)), comparable(here), 'listed by blocking calls, the same');
});

test('a packed walk unpacks to the walk here: an empty vault, a single file, more files than its first buffer holds', async () => {
  const empty = await tempDir();
  const single = await tempDir();
  await writeFile(join(single, 'only.txt'), 'x');
  const many = await tempDir();
  for (let i = 0; i < 2500; i++) await writeFile(join(many, `note-${i}.txt`), `${i}`); // room for 1,024 files at first: grown twice
  for (const root of [empty, single, many]) {
    const packed = await walkPacked(root);
    assert.equal(packed.numbers.length, 4 * unpackScan(packed).files.size, 'four numbers a file, no more');
    assert.deepEqual(comparable(unpackScan(packed)), comparable(await walkVault(root)));
  }
  assert.equal(unpackScan(await walkPacked(empty)).files.size, 0, 'no files is not one file named ""');
  assert.deepEqual([...unpackScan(await walkPacked(single)).files.keys()], ['only.txt']);
  assert.equal(unpackScan(await walkPacked(many)).files.get('note-2499.txt')?.size, 4);
});
