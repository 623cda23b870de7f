// A restore writes plaintext: never into the cloud folder, nor into a cloud
// sync folder (its client would upload it), where the vault folder itself
// may not be either, nor onto the backup drive or into Casevault's settings
// folder (engine/mirror/layout.ts); into a folder given by its full path,
// never a file. Into the vault folder or any other place, it
// goes ahead.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { listFiles } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';

test('a restore into the cloud folder, a cloud sync folder or the backup folder is refused, and nothing is written there', async () => {
  const v = await makeVault({ files: { 'Member 0042/grievance.txt': 'grievance of a member' }, backedUp: true, unlocked: true });
  const dropbox = join(v.root, 'Dropbox');
  await mkdir(dropbox);
  await writeFile(join(dropbox, '.dropbox'), '');
  const before = await listFiles(v.cloud);
  const onDrive = await listFiles(v.backup);
  for (const [to, sentence] of [
    [
      join(v.backup, 'restored'),
      /^a restore cannot go inside the backup folder \(the files would sit on the backup drive unencrypted\); choose another place$/,
    ],
    [join(v.cloud, 'restored'), /^a restore cannot go inside the cloud folder \(the files would sit there unencrypted\); choose another place$/],
    [join(dropbox, 'restored'), /^a restore cannot go inside the cloud sync folder .*Dropbox, which would upload the files unencrypted; choose another place$/],
  ] as const) {
    await assert.rejects(v.engine.restoreBackup({ to }), (e: Error) => e.name === 'UsageError' && sentence.test(e.message));
  }
  assert.deepEqual(await listFiles(v.cloud), before);
  assert.deepEqual(await listFiles(dropbox), ['.dropbox']);
  assert.deepEqual(await listFiles(v.backup), onDrive);

  const r = await v.cli(['restore', '--to', join(dropbox, 'restored')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^casevault: a restore cannot go inside the cloud sync folder .*; choose another place\.\n$/);

  const out = join(v.root, 'elsewhere');
  assert.equal((await v.engine.restoreBackup({ to: out })).restored, 1);
  assert.equal(await readFile(join(out, 'Member 0042/grievance.txt'), 'utf8'), 'grievance of a member');
});

test('a restore into a file (not a folder) is refused in one sentence, exit 2', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, backedUp: true });
  const file = join(v.root, 'a file');
  await writeFile(file, 'mine');
  const r = await v.cli(['restore', '--to', file]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^casevault: the place to restore into is a file, not a folder; choose a folder \(a new one, or one beside existing files\)\.\n$/);
  assert.equal(await readFile(file, 'utf8'), 'mine');
});
