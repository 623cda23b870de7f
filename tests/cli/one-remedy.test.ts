// A folder that is read-only or whose disk is full says what to do once: the
// folder's sentence carries its remedy ("make it writable", "free some
// space"), and no next step repeats it after (the command line's words, or
// the app's). The file system's errors are made here, as a read-only mount or
// a full disk gives them, and go through the same wording as a real one's.
// So does any error whose sentence ends with its own advice (a file to send
// not there, a backup folder inside the vault, a folder not empty, a weak
// passphrase): the command prints it once, with no next step after it.
import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeError, errorLine } from '../../cli/exit-codes.js';
import { FolderStorage } from '../../engine/backup/storage.js';
import { failureOf } from '../../engine/errors.js';
import { FolderFailures } from '../../engine/remotes/folder-errors.js';
import { FolderRemote } from '../../engine/remotes/folder.js';
import { dropboxAuthFailed } from '../../engine/remotes/dropbox/errors.js';
import { asS3RemoteError } from '../../engine/remotes/s3/errors.js';
import { withBackupApi } from '../backup/helpers.js';
import { run } from '../helpers/cli.js';
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

test('an error whose sentence says what to do: the command prints it once, with no next step after it, and the same exit code', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' } });
  const nonEmpty = join(v.root, 'not-empty');
  await mkdir(nonEmpty);
  await writeFile(join(nonEmpty, 'kept.txt'), 'kept');
  await writeFile(join(v.root, 'real.txt'), 'real');
  await symlink(join(v.root, 'real.txt'), join(v.root, 'link.txt'));
  const out = join(v.root, 'p.html');
  const cases: [string[], Record<string, string>, number, string][] = [
    [['send', join(v.root, 'nope.txt'), '--out', out], {}, 2, 'a file or folder to send is not there; check its path'],
    [['send', join(v.root, 'link.txt'), '--out', out], {}, 2, 'a link cannot be sent; choose the file or folder it points to'],
    [['backup-folder', join(v.vault, 'bk')], {}, 1, 'the backup folder must be outside the vault folder, and not hold it: choose a folder on a separate drive'],
    [
      ['backup-folder', join(v.cloud, 'bk')],
      {},
      1,
      'the backup folder must be apart from the cloud folder, so that one mishap cannot reach both: choose a folder on a separate drive',
    ],
    [
      ['recover', '--cloud', v.cloud, '--vault', nonEmpty],
      { CASEVAULT_HOME: join(v.root, 'home-new') },
      2,
      'the folder to recover into is not empty; choose a new or empty folder',
    ],
    [['cloud-move', '--to', nonEmpty], {}, 1, 'the new place is not empty, so nothing was copied there; choose a new or empty folder'],
    [
      ['passwd'],
      { CASEVAULT_NEW_PASSPHRASE: 'Password123!' },
      2,
      'that passphrase is too weak: this is similar to a commonly used password; add more unrelated words',
    ],
  ];
  for (const [args, env, code, sentence] of cases) {
    const r = await run(args, { ...v.env, ...env });
    assert.equal(r.stderr, `casevault: ${sentence}.\n`, args.join(' '));
    assert.equal(r.code, code, `${args.join(' ')}: exit code`);
  }
});

test('a refused Dropbox sign-in or S3 key says what to do once; a bare 403 from S3 (a HEAD has no body) is the key refused', () => {
  const dropbox = printed(dropboxAuthFailed());
  assert.equal(dropbox.match(/connect Dropbox again/g)?.length, 1, dropbox);
  assert.match(dropbox, /^casevault: [Dd]ropbox refused the saved sign-in; connect Dropbox again \(in the app, or with /);
  // As the SDK gives a refused HeadBucket (how backups first reach the bucket): no S3 code, "Unknown".
  const head403 = Object.assign(new Error('UnknownError'), { name: 'Unknown', $metadata: { httpStatusCode: 403 } });
  for (const e of [head403, Object.assign(new Error('x'), { name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } })]) {
    const s3 = printed(asS3RemoteError(e));
    assert.match(s3, /^casevault: the S3 storage refused the access key; check the access key and secret the union gave you /, s3);
    assert.equal(s3.match(/check the access key/g)?.length, 1, s3);
    assert.equal(describeError(asS3RemoteError(e)).code, 1);
    assert.doesNotMatch(s3, /HTTP 403|Unknown/);
  }
});
