// Backup and restore over real folders and real crypto: odd names, empty
// and multi-chunk files, NFC and NFD spellings; dedup; restore of a file, a
// folder and everything, beside existing files.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { listFiles, readTree } from '../helpers/fs.js';
import { makeVault, SMALL_BACKUPS, writeFiles } from '../helpers/vault.js';
import { withBackupApi } from './helpers.js';

async function dirSize(dir: string): Promise<number> {
  let n = 0;
  for (const f of await listFiles(dir)) n += (await stat(join(dir, f))).size;
  return n;
}

test('a tree with odd names, empty and multi-chunk files round-trips byte for byte, mtimes kept', async () => {
  const files: Record<string, Buffer | string> = {
    'grievances/Smith, J. – disciplinary.docx': randomBytes(10_000),
    'caf\u00e9.txt': 'composed (NFC)',
    'cafe\u0301.txt': 'decomposed (NFD)',
    'empty.txt': '',
    'big/scan.pdf': randomBytes(700 * 1024 + 17),
    'big/notes.txt': Buffer.from('member notes, overtime claim\n'.repeat(40_000)),
    ' leading space and trailing dot.': 'x',
    'emoji 📁/notes 📝.md': 'z',
    __proto__: 'not special',
  };
  const v = withBackupApi(await makeVault({ files, backup: true, backupParams: SMALL_BACKUPS }));
  await utimes(join(v.vault, 'empty.txt'), 1_600_000_000, 1_600_000_000.123);
  const r = await v.api.backup();
  assert.match(r.snapshot, /^[0-9a-f]{32}$/);
  assert.equal(r.files, Object.keys(files).length);
  assert.deepEqual(r.failed, []);
  assert.ok(r.blobsAdded > 40, `multi-chunk files: ${r.blobsAdded} chunks`);
  assert.ok(v.events.some((e) => e.task === 'backup' && e.filesDone === e.filesTotal));

  await v.unlock();
  const to = join(v.root, 'restored');
  const rr = await v.api.restore({ to });
  assert.deepEqual(rr.failed, []);
  const want = await readTree(v.vault);
  const got = await readTree(to);
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
  for (const [p, d] of want) assert.ok(got.get(p)!.equals(d), p);
  assert.ok(Math.abs((await stat(join(to, 'empty.txt'))).mtimeMs - (await stat(join(v.vault, 'empty.txt'))).mtimeMs) < 0.002, 'mtime to the microsecond');
  const snaps = await v.api.snapshots();
  assert.equal(snaps.length, 1);
  assert.equal(snaps[0]!.id, r.snapshot);
});

test('dedup: a second backup adds nothing; a duplicated file is stored once; the repository is about the unique data', async () => {
  const unique = randomBytes(1024 * 1024);
  const v = withBackupApi(
    await makeVault({
      files: { 'a/one.bin': unique, 'b/copy.bin': unique, 'c/again.bin': unique, 'small.txt': 'hello' },
      backup: true,
      backupParams: SMALL_BACKUPS,
    }),
  );
  const first = await v.api.backup();
  const size1 = await dirSize(v.backup);
  assert.ok(size1 < 1.15 * 1024 * 1024, `three copies of 1 MiB stored in ${size1} bytes`);
  const second = await v.api.backup();
  assert.notEqual(second.snapshot, first.snapshot);
  assert.equal(second.blobsAdded, 0);
  assert.equal(second.packsWritten, 0);
  assert.equal(second.filesRead, 0, 'unchanged files are not read again');
  const size2 = await dirSize(v.backup);
  assert.ok(size2 - size1 < 8 * 1024, `a no-change backup added ${size2 - size1} bytes`);

  // A file with one changed region re-stores only the chunks around it.
  const changed = Buffer.from(unique);
  changed.write('changed!', 500_000);
  await writeFile(join(v.vault, 'a/one.bin'), changed);
  const third = await v.api.backup();
  assert.equal(third.filesRead, 1);
  assert.ok(third.blobsAdded >= 1 && third.blobsAdded <= 4, `${third.blobsAdded} chunks re-stored`);
  assert.ok((await dirSize(v.backup)) - size2 < 5 * SMALL_BACKUPS.chunker.max + 64 * 1024);
});

test("a file with a name of the longest length restored beside an existing one: its copy's name is shortened to fit, extension kept, each copy its own", async () => {
  const long = `${'a'.repeat(251)}.txt`; // 255 bytes: the longest name a folder takes
  const accented = `${'é'.repeat(125)}.pdf`; // 254 bytes: two to a character, never cut in half
  const v = withBackupApi(await makeVault({ files: { [long]: 'from the backup', [accented]: 'scan' }, backup: true, backupParams: SMALL_BACKUPS }));
  await v.api.backup();
  await v.unlock();
  const to = join(v.root, 'out');
  await writeFiles(to, { [long]: 'MINE', [accented]: 'mine too' });
  const first = await v.api.restore({ to });
  assert.deepEqual(first.failed, []);
  assert.equal(first.restored, 2);
  // Run again: the shortened copies hold the same bytes, so they are found and nothing new is made.
  assert.deepEqual((await v.api.restore({ to })).failed, []);
  const names = (await readdir(to)).sort();
  assert.equal(names.length, 4, names.join('\n'));
  const copies = names.filter((n) => n.includes(' (restored 2)'));
  assert.equal(copies.length, 2);
  for (const c of copies) assert.ok(Buffer.byteLength(c) <= 255, `${Buffer.byteLength(c)} bytes`);
  const longCopy = copies.find((c) => c.startsWith('a'))!;
  assert.match(longCopy, /^a+ \(restored 2\)\.txt$/);
  assert.equal(await readFile(join(to, longCopy), 'utf8'), 'from the backup');
  assert.equal(await readFile(join(to, long), 'utf8'), 'MINE');
  const accentedCopy = copies.find((c) => c.startsWith('é'))!;
  assert.match(accentedCopy, /^é+ \(restored 2\)\.pdf$/);
  assert.equal(await readFile(join(to, accentedCopy), 'utf8'), 'scan');

  // Another version of the long one: a third copy, named apart from the second.
  await writeFiles(v.vault, { [long]: 'changed since' });
  await v.api.backup();
  const r = await v.api.restore({ to, path: long });
  assert.equal(r.restored, 1);
  const third = (await readdir(to)).find((n) => n.includes(' (restored 3)'))!;
  assert.match(third, /^a+ \(restored 3\)\.txt$/);
  assert.equal(await readFile(join(to, third), 'utf8'), 'changed since');
});

test('restore a file, a folder and everything, beside existing files, from the latest or a named snapshot', async () => {
  const v = withBackupApi(
    await makeVault({ files: { 'case-1/letter.txt': 'v1', 'case-1/notes.md': 'n', 'case-2/x.txt': 'x' }, backup: true, backupParams: SMALL_BACKUPS }),
  );
  const s1 = await v.api.backup();
  await writeFiles(v.vault, { 'case-1/letter.txt': 'v2 longer' });
  await v.api.backup();
  await v.unlock();

  const to = join(v.root, 'out');
  await writeFiles(to, { 'case-1/letter.txt': 'mine, do not touch' });
  const one = await v.api.restore({ to, path: 'case-1/letter.txt' });
  assert.equal(one.restored, 1);
  assert.equal(await readFile(join(to, 'case-1/letter.txt'), 'utf8'), 'mine, do not touch');
  assert.equal(await readFile(join(to, 'case-1/letter (restored 2).txt'), 'utf8'), 'v2 longer');
  assert.equal(one.renamed.length, 1);

  const old = await v.api.restore({ to, path: 'case-1', snapshot: s1.snapshot.slice(0, 8) });
  assert.equal(old.restored, 2);
  assert.equal(await readFile(join(to, 'case-1/letter (restored 3).txt'), 'utf8'), 'v1');
  assert.deepEqual(await listFiles(to), ['case-1/letter (restored 2).txt', 'case-1/letter (restored 3).txt', 'case-1/letter.txt', 'case-1/notes.md']);

  const all = join(v.root, 'all');
  const r = await v.api.restore({ to: all, snapshot: 'latest' });
  assert.equal(r.restored, 3);
  await assert.rejects(v.api.restore({ to, path: 'nope' }), { name: 'UsageError' });
  await assert.rejects(v.api.restore({ to, path: '../etc' }), { name: 'UsageError' });
  v.lock();
  await assert.rejects(v.api.restore({ to: all }), { name: 'Locked' });
});

test('a restore never writes through a link already in its target: a linked folder is refused for its files, every other file restored', async () => {
  const v = withBackupApi(await makeVault({ files: { 'case-1/letter.txt': 'v1', 'case-1/deep/notes.md': 'n', 'case-2/x.txt': 'x' }, backup: true }));
  await v.api.backup();
  await v.unlock();
  const to = join(v.root, 'target');
  const elsewhere = join(v.root, 'elsewhere');
  await mkdir(to);
  await mkdir(elsewhere);
  await symlink(elsewhere, join(to, 'case-1')); // planted by someone who can write in the target, pointing where the restore must not write
  const r = await v.api.restore({ to, snapshot: 'latest' });
  assert.deepEqual(await readdir(elsewhere), [], 'nothing written through the link');
  assert.equal(await readFile(join(to, 'case-2/x.txt'), 'utf8'), 'x');
  assert.equal(r.restored, 1);
  assert.deepEqual(r.failed.map((f) => f.path).sort(), ['case-1/deep/notes.md', 'case-1/letter.txt']);
  assert.match(r.failed[0]!.reason, /link/);
  assert.equal(r.failed[0]!.damaged, false, 'the backup is not damaged');
});

test('a restore run again beside other content makes no duplicates: a "(restored N)" copy with the same bytes counts as restored', async () => {
  const big = randomBytes(5 * 1024 * 1024 + 3); // more than one worker job: restored in ranges, then placed
  const v = withBackupApi(await makeVault({ files: { 'case.txt': 'case notes', 'scan.pdf': big }, backup: true, backupParams: SMALL_BACKUPS }));
  await v.api.backup();
  await v.unlock();
  const to = join(v.root, 'again');
  await writeFiles(to, { 'case.txt': "someone else's edit", 'scan.pdf': 'another scan' });
  const first = await v.api.restore({ to });
  assert.equal(first.identical, 0);
  assert.deepEqual(first.renamed.map((r) => r.writtenAs).sort(), [join(to, 'case (restored 2).txt'), join(to, 'scan (restored 2).pdf')]);
  for (let i = 0; i < 2; i++) {
    const again = await v.api.restore({ to });
    assert.equal(again.restored, 2);
    assert.equal(again.identical, 2, 'both found already restored beside the other content');
    assert.deepEqual(again.renamed.map((r) => r.writtenAs).sort(), [join(to, 'case (restored 2).txt'), join(to, 'scan (restored 2).pdf')]);
  }
  assert.deepEqual(await listFiles(to), ['case (restored 2).txt', 'case.txt', 'scan (restored 2).pdf', 'scan.pdf']);
  assert.equal(await readFile(join(to, 'case.txt'), 'utf8'), "someone else's edit");
  assert.equal(await readFile(join(to, 'case (restored 2).txt'), 'utf8'), 'case notes');
  assert.ok((await readFile(join(to, 'scan (restored 2).pdf'))).equals(big));

  // A copy beside it with other bytes (the same size) is not taken for it: the restore goes on to the next free name.
  await writeFile(join(to, 'case (restored 2).txt'), 'CASE NOTES');
  const changed = await v.api.restore({ to, path: 'case.txt' });
  assert.equal(changed.identical, 0);
  assert.equal(await readFile(join(to, 'case (restored 3).txt'), 'utf8'), 'case notes');
});
