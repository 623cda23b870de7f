// What the Backups screen shows of the target: whether the drive is there,
// and the history of runs, newest first, failures with their plain reason;
// and what the backups' health reads from the folder on each status.
import assert from 'node:assert/strict';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { FolderStorage } from '../../engine/backup/storage.js';
import { FolderRemote } from '../../engine/remotes/folder.js';
import { makeVault } from '../helpers/vault.js';
import { withBackupApi } from './helpers.js';

test("backup status: the target's presence, and the runs newest first with a failure's reason", async () => {
  const { root, backup, engine } = await makeVault({ files: { 'a.txt': 'a' }, backup: true });
  await engine.backup();
  assert.equal((await engine.backupStatus()).reachable, true);
  await rename(backup, join(root, 'unplugged'));
  const gone = await engine.backupStatus();
  assert.equal(gone.reachable, false);
  await assert.rejects(engine.backup());
  const after = await engine.backupStatus();
  assert.deepEqual(
    after.runs.map((r) => r.ok),
    [false, true],
    'newest first',
  );
  assert.ok((after.runs[0]!.error ?? '').length > 0, 'a failed run says why');
  assert.doesNotMatch(after.runs[0]!.error ?? '', /a\.txt|\/tmp/);
});

/** A backup folder that notes the snapshot manifests read from it. */
class CountingRemote extends FolderRemote {
  readonly manifests: string[] = [];
  override read(name: string, max: number): Promise<Uint8Array> {
    if (name.startsWith('snapshots/')) this.manifests.push(name.slice('snapshots/'.length));
    return super.read(name, max);
  }
}

test("the backups' health opens the last backup only, however many this computer took (status asks on every call); a file that is not a snapshot is still told", async () => {
  const v = withBackupApi(await makeVault({ files: { 'a.txt': 'a' }, backedUp: true }));
  let last = '';
  for (let i = 0; i < 6; i++) {
    await writeFile(join(v.vault, 'a.txt'), `a, version ${i}`);
    last = (await v.api.backup()).snapshot;
  }
  const counted = (dir: string) => new CountingRemote(dir, 'backup folder');
  let remote: CountingRemote | undefined;
  const api = v.withDeps({ storageFor: (dir) => new FolderStorage(dir, (remote = counted(dir))) });
  assert.deepEqual(await api.ownSnapshots(last), { lastReadable: true, missing: [], replayed: [], notSnapshots: [] });
  assert.deepEqual(remote!.manifests, [last]);

  const junk = '00112233445566778899aabbccddeeff';
  await writeFile(join(v.backup, 'snapshots', junk), 'not a snapshot');
  assert.deepEqual((await api.ownSnapshots(last)).notSnapshots, [junk]);
});
