// A restore writes plaintext: never into the cloud folder, nor into a cloud
// sync folder (its client would upload it), where the vault folder itself
// may not be either (engine/mirror/layout.ts). Into the vault folder or any
// other place, it goes ahead.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { listFiles } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';

test('a restore into the cloud folder or a cloud sync folder is refused, and nothing is written there', async () => {
  const v = await makeVault({ files: { 'Member 0042/grievance.txt': 'grievance of a member' }, backedUp: true, unlocked: true });
  const dropbox = join(v.root, 'Dropbox');
  await mkdir(dropbox);
  await writeFile(join(dropbox, '.dropbox'), '');
  const before = await listFiles(v.cloud);
  for (const [to, sentence] of [
    [join(v.cloud, 'restored'), /^a restore cannot go inside the cloud folder \(the files would sit there unencrypted\); choose another place$/],
    [join(dropbox, 'restored'), /^a restore cannot go inside the cloud sync folder .*Dropbox, which would upload the files unencrypted; choose another place$/],
  ] as const) {
    await assert.rejects(v.engine.restoreBackup({ to }), (e: Error) => e.name === 'UsageError' && sentence.test(e.message));
  }
  assert.deepEqual(await listFiles(v.cloud), before);
  assert.deepEqual(await listFiles(dropbox), ['.dropbox']);

  const r = await v.cli(['restore', '--to', join(dropbox, 'restored')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^casevault: a restore cannot go inside the cloud sync folder .*; choose another place\.\n$/);

  const out = join(v.root, 'elsewhere');
  assert.equal((await v.engine.restoreBackup({ to: out })).restored, 1);
  assert.equal(await readFile(join(out, 'Member 0042/grievance.txt'), 'utf8'), 'grievance of a member');
});
