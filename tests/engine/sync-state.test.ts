// The sync state's log (engine/mirror/state.ts) on real files: a checkpoint
// appends only what changed, a torn last line is ignored and cut off (a damaged
// one too, at its exact byte however its names are written), a log
// grown far past its records is compacted, an earlier version's state.json is
// read and replaced, and a sync that changed nothing writes nothing.
import assert from 'node:assert/strict';
import { appendFile, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadState, saveChanges, saveState, type FileRecord } from '../../engine/mirror/state.js';
import { exists, tempDir } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';

const rec = (n: number, extra: Partial<FileRecord> = {}): FileRecord => ({
  size: n,
  mtimeMs: 1_700_000_000_000 + n + 0.5,
  ctimeMs: 1_700_000_000_000 + n,
  ino: 1000 + n,
  id: n.toString(16).padStart(64, '0'),
  syncedAt: 1_700_000_000_000,
  ...extra,
});

const logOf = (home: string) => join(home, 'sync-state.log');
const lines = async (home: string) => (await readFile(logOf(home), 'utf8')).split('\n').filter(Boolean);

test('a checkpoint appends one line per changed record; loading replays them', async () => {
  const home = await tempDir();
  const s = await loadState(home);
  for (let i = 0; i < 100; i++) s.files.set(`case/${i}.txt`, rec(i));
  s.files.set('__proto__', rec(500, { tag: 'abc', conflictCopy: '__proto__ (conflict)' }));
  s.files.set('case/others.txt', rec(501, { tag: 'def', others: 7 })); // the high-water sum (engine/mirror/high-water.ts) survives the log
  await saveChanges(home, s);
  assert.equal((await lines(home)).length, 1 + 102, 'the header and every record');

  s.files.set('case/7.txt', rec(7, { size: 77 }));
  s.failures.set('case/9.txt', { reason: 'it is still being written', at: 5 });
  await saveChanges(home, s);
  assert.equal((await lines(home)).length, 1 + 102 + 2, 'two lines appended, nothing rewritten');

  s.files.delete('case/8.txt');
  await saveChanges(home, s);
  const after = await lines(home);
  assert.equal(after.length, 1 + 101 + 1, 'a path gone from the state: the log written whole');
  assert.ok(!after.some((l) => l.includes('case/8.txt')), 'no line keeps its name');

  const back = await loadState(home);
  assert.deepEqual([...back.files].sort(), [...s.files].sort());
  assert.deepEqual([...back.failures], [['case/9.txt', { reason: 'it is still being written', at: 5 }]]);
  assert.equal(back.files.get('__proto__')?.conflictCopy, '__proto__ (conflict)');
  assert.equal(back.files.get('case/others.txt')?.others, 7);
  assert.equal(back.files.changed.size, 0, 'a loaded state has nothing to save');
});

test('a torn last line (a crash mid-append) is ignored, and cut off before the next append', async () => {
  const home = await tempDir();
  const s = await loadState(home);
  s.files.set('a.txt', rec(1));
  await saveChanges(home, s);
  await appendFile(logOf(home), '["f","b.txt",2,1700000000002.5,17000'); // no newline: the write was cut short
  const torn = await loadState(home);
  assert.deepEqual([...torn.files.keys()], ['a.txt']);
  torn.files.set('c.txt', rec(3));
  await saveChanges(home, torn);
  const text = await readFile(logOf(home), 'utf8');
  assert.ok(!text.includes('b.txt'), 'the torn line is gone');
  assert.deepEqual([...(await loadState(home)).files.keys()].sort(), ['a.txt', 'c.txt']);
});

test('a damaged line after names in other scripts: it and all after it are cut off at the exact byte where it starts', async () => {
  const home = await tempDir();
  const s = await loadState(home);
  for (const name of ['café/résumé.txt', '日本語/メモ.txt', 'plain.txt']) s.files.set(name, rec(name.length));
  await saveChanges(home, s);
  // Not valid JSON, and not valid UTF-8 either (0xff), then a whole valid line that must not be believed.
  await appendFile(
    logOf(home),
    Buffer.concat([Buffer.from('["f","bad'), Buffer.from([0xff, 0xfe]), Buffer.from('",]\n["f","after.txt",1,2,3,4,"' + '0'.repeat(64) + '",5,null,null]\n')]),
  );
  const damaged = await loadState(home);
  assert.deepEqual([...damaged.files.keys()].sort(), ['café/résumé.txt', 'plain.txt', '日本語/メモ.txt']);
  damaged.files.set('next.txt', rec(9));
  await saveChanges(home, damaged);
  const text = await readFile(logOf(home), 'utf8');
  assert.ok(!text.includes('after.txt') && !text.includes('bad'), 'the damaged line and what followed it are gone');
  assert.ok(text.endsWith('\n') && text.split('\n').filter(Boolean).length === 1 + 4, 'the header and four whole lines');
  assert.deepEqual([...(await loadState(home)).files.keys()].sort(), ['café/résumé.txt', 'next.txt', 'plain.txt', '日本語/メモ.txt']);
});

test('a log grown far past its records is compacted by an atomic rewrite', async () => {
  const home = await tempDir();
  const s = await loadState(home);
  s.files.set('one.txt', rec(1));
  await saveChanges(home, s);
  let compacted = false;
  for (let round = 0; round < 30 && !compacted; round++) {
    for (let i = 0; i < 1000; i++) s.files.set('one.txt', rec(i)); // the same record, changed again and again: one line per checkpoint
    for (let i = 0; i < 1000; i++) s.files.set(`gone/${i}`, rec(i));
    for (let i = 0; i < 1000; i++) s.files.delete(`gone/${i}`);
    await saveChanges(home, s);
    compacted = (await lines(home)).length === 2;
  }
  assert.ok(compacted, 'rewritten as the header and the one live record');
  assert.deepEqual([...(await loadState(home)).files], [['one.txt', rec(999)]]);
});

test("an earlier version's state.json is read, then replaced by the log at the next save", async () => {
  const home = await tempDir();
  const legacy = { version: 1, files: [['Members/a.txt', rec(1, { tag: 't1' })]], failures: [['b.txt', { reason: 'x', at: 2 }]] };
  await writeFile(join(home, 'state.json'), JSON.stringify(legacy));
  const s = await loadState(home);
  assert.deepEqual([...s.files], legacy.files);
  assert.deepEqual([...s.failures], legacy.failures);
  await saveChanges(home, s); // nothing changed, but the log must be written: the migration
  assert.equal(await exists(join(home, 'state.json')), false);
  const back = await loadState(home);
  assert.deepEqual([...back.files], legacy.files);
  assert.deepEqual([...back.failures], legacy.failures);
});

test('an earlier version vault syncs on: nothing is uploaded again, and a second pass that finds nothing changed writes nothing', async () => {
  const { home, engine } = await makeVault({ files: { 'a.txt': 'alpha', 'sub/b.txt': 'beta' } });
  assert.equal((await engine.sync()).uploaded, 2);
  // Turn the log back into the state.json an earlier version wrote.
  const s = await loadState(home);
  await writeFile(join(home, 'state.json'), JSON.stringify({ version: 1, files: [...s.files], failures: [...s.failures] }));
  await rm(logOf(home));
  const migrated = await engine.sync();
  assert.equal(migrated.uploaded, 0);
  assert.equal(migrated.unchanged, 2);
  assert.equal(await exists(join(home, 'state.json')), false);
  const before = await stat(logOf(home));
  const again = await engine.sync();
  assert.equal(again.unchanged, 2);
  const after = await stat(logOf(home));
  assert.equal(after.mtimeMs, before.mtimeMs, 'the log is not touched');
  assert.equal(after.size, before.size);
});

test('a log replaced or removed since it was read is written whole, never appended to at a stale offset', async () => {
  const home = await tempDir();
  const first = await loadState(home);
  first.files.set('a.txt', rec(1));
  await saveChanges(home, first);
  const stale = await loadState(home);
  const other = await loadState(home);
  for (let i = 0; i < 50; i++) other.files.set(`other/${i}`, rec(i));
  await saveState(home, other); // compacted: a new file under the same name
  stale.files.set('b.txt', rec(2));
  await saveChanges(home, stale);
  assert.deepEqual([...(await loadState(home)).files.keys()].sort(), ['a.txt', 'b.txt'], 'whole, and only what this state holds');
  await rm(logOf(home));
  stale.files.set('c.txt', rec(3));
  await saveChanges(home, stale);
  assert.deepEqual([...(await loadState(home)).files.keys()].sort(), ['a.txt', 'b.txt', 'c.txt']);
});
