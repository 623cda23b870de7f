// A folder that is read-only or whose disk is full says what to do once: the
// folder's sentence carries its remedy ("make it writable", "free some
// space"), and no next step repeats it after (the command line's words, or
// the app's). The file system's errors are made here, as a read-only mount or
// a full disk gives them, and go through the same wording as a real one's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeError, errorLine } from '../../cli/exit-codes.js';
import { FolderStorage } from '../../engine/backup/storage.js';
import { failureOf } from '../../engine/errors.js';
import { FolderFailures } from '../../engine/remotes/folder-errors.js';
import { FolderRemote } from '../../engine/remotes/folder.js';
import { withBackupApi } from '../backup/helpers.js';
import { makeVault } from '../helpers/vault.js';

const sys = (code: string) => Object.assign(new Error(`${code}: the system's own words`), { code });

/** What `casevault` prints for `e` (its last line). */
const printed = (e: unknown) => errorLine(describeError(e).message);

test('a read-only or full cloud or backup folder: one sentence, with its remedy once', () => {
  const root = '/media/usb/Casevault';
  for (const label of ['cloud folder', 'backup folder']) {
    const f = new FolderFailures(root, label);
    assert.equal(printed(f.failure(sys('EROFS'))), `casevault: the ${label} ${root} is read-only; make it writable and try again.\n`);
    assert.equal(printed(f.failure(sys('ENOSPC'))), `casevault: the ${label}'s disk is full; free some space and try again.\n`);
    assert.equal(printed(f.failure(sys('EDQUOT'))), `casevault: the ${label}'s disk is full; free some space and try again.\n`);
    assert.equal(printed(f.failure(sys('EACCES'))).match(/try again/g)!.length, 1);
    for (const code of ['EROFS', 'ENOSPC', 'EACCES'])
      assert.equal(failureOf(f.failure(sys(code))).next, undefined, `${label} ${code}: the app adds no second remedy`);
  }
});

test('a backup to a read-only backup folder, and to a full one: the command says so once, and the run is kept with the same sentence', async () => {
  const v = withBackupApi(await makeVault({ files: { 'a.txt': 'a' }, backup: true }));
  for (const [code, sentence] of [
    ['EROFS', `the backup folder ${v.backup} is read-only; make it writable and try again`],
    ['ENOSPC', "the backup folder's disk is full; free some space and try again"],
  ] as const) {
    const storageFor = (dir: string) => {
      const inner = new FolderRemote(dir, 'backup folder');
      const remote = Object.create(inner) as FolderRemote;
      remote.put = async () => {
        throw new FolderFailures(dir, 'backup folder').failure(sys(code));
      };
      return new FolderStorage(dir, remote);
    };
    const failed = await v
      .withDeps({ storageFor })
      .backup()
      .then(
        () => assert.fail('the backup should fail'),
        (e: unknown) => e,
      );
    assert.equal(printed(failed), `casevault: ${sentence}.\n`);
    assert.equal((await v.api.status()).lastAttempt?.error, sentence);
  }
  assert.equal((await v.api.backup()).files, 1, 'once the folder takes writes again, the backup is taken');
});
