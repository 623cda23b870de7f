// The backup cache (CASEVAULT_HOME/backup-cache.log, docs/format.md "Backup
// cache"): a backup that changed nothing writes nothing, one that read a few
// files appends their lines, one after which a file is no longer cached
// writes the log whole without its name; a torn tail or a log of another
// repository costs a re-read, never a wrong reuse; the JSON cache of earlier
// versions is removed.
import assert from 'node:assert/strict';
import { appendFile, readFile, stat, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeVault } from '../helpers/vault.js';

const files = { 'case/a.txt': 'alpha', 'case/b.txt': 'bravo', 'other/c.txt': 'charlie' };

test('the backup cache: nothing written when nothing changed, one line per changed file, written whole when a file goes', async () => {
  const v = await makeVault({ files, backup: true });
  const log = join(v.home, 'backup-cache.log');
  await writeFile(join(v.home, 'backup-cache.json'), '{"repoId":"x","files":[["other/c.txt",1,1,1,1,""]]}'); // an earlier version's cache
  assert.equal((await v.engine.backup()).filesRead, 3);
  const first = await readFile(log, 'utf8');
  assert.equal(first.split('\n').filter(Boolean).length, 1 + 3);
  await assert.rejects(stat(join(v.home, 'backup-cache.json')), { code: 'ENOENT' }, "the earlier version's cache is removed");

  const before = await stat(log);
  assert.equal((await v.engine.backup()).filesRead, 0, 'every file reused from the cache');
  const after = await stat(log);
  assert.equal(after.mtimeMs, before.mtimeMs, 'a backup that changed nothing writes nothing');
  assert.equal(await readFile(log, 'utf8'), first);

  await writeFile(join(v.vault, 'case/a.txt'), 'alpha, second version');
  assert.equal((await v.engine.backup()).filesRead, 1);
  const appended = await readFile(log, 'utf8');
  assert.ok(appended.startsWith(first), 'appended, not rewritten');
  assert.equal(appended.split('\n').filter(Boolean).length, 1 + 3 + 1);

  await rm(join(v.vault, 'case/b.txt'));
  assert.equal((await v.engine.backup()).filesRead, 0);
  const whole = await readFile(log, 'utf8');
  assert.equal(whole.split('\n').filter(Boolean).length, 1 + 2, 'written whole: one line per file');
  assert.ok(!whole.includes('case/b.txt'), 'no line keeps the name of a file no longer in the vault');
  assert.equal((await v.engine.backup()).filesRead, 0, 'and still used');
});

test('a torn last line is ignored (that file read again) and cut off; a damaged header means no reuse at all', async () => {
  const v = await makeVault({ files, backup: true, unlocked: true });
  const log = join(v.home, 'backup-cache.log');
  await v.engine.backup();
  const whole = await readFile(log, 'utf8');
  const lines = whole.split('\n').filter(Boolean);
  await writeFile(log, `${lines.slice(0, 3).join('\n')}\n${lines[3]!.slice(0, 20)}`); // the last line cut mid-write
  assert.equal((await v.engine.backup()).filesRead, 1, 'the file of the torn line is read again; the others are reused');
  assert.equal((await readFile(log, 'utf8')).split('\n').filter(Boolean).length, 1 + 3, 'the torn tail cut off before the append');
  const back = await v.engine.restoreBackup({ snapshot: 'latest', to: join(v.root, 'back') });
  assert.equal(back.failed.length, 0);
  assert.equal(await readFile(join(v.root, 'back', 'other/c.txt'), 'utf8'), 'charlie');

  await writeFile(log, whole.replace(/"repoId":"[^"]+"/, '"repoId":"another"'));
  await appendFile(log, '["c","case/a.txt",5,1,1,1,"zz"]\n');
  assert.equal((await v.engine.backup()).filesRead, 3, "another repository's cache is not used");
  assert.equal((await readFile(log, 'utf8')).split('\n').filter(Boolean).length, 1 + 3, 'and is written whole for this one');
});
