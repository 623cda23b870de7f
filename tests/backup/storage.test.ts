// FolderStorage's own methods (engine/backup/storage.ts) fail in the Remote
// failure classes, as its remote does: absent is RemoteNotFound, a backup
// folder that is not there is RemoteUnavailable, and the folder is made only
// by create(), never inside a missing drive.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FolderStorage } from '../../engine/backup/storage.js';
import { RemoteNotFound, RemoteUnavailable } from '../../engine/remotes/remote.js';

async function scratch(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'cv-storage-'));
}

test('readRange and createExclusive: absent is RemoteNotFound, a backup folder that went away is RemoteUnavailable', async () => {
  const parent = await scratch();
  try {
    const dir = join(parent, 'usb');
    await mkdir(dir);
    const s = new FolderStorage(dir);
    assert.equal(await s.createExclusive('lock', Buffer.from('me')), true);
    assert.equal(await s.createExclusive('lock', Buffer.from('you')), false);
    await s.remote.put('packs/ab/abcd', Buffer.from('0123456789'));
    assert.deepEqual(Buffer.from(await s.readRange('packs/ab/abcd', 2, 3)).toString(), '234');
    assert.deepEqual(Buffer.from(await s.readRange('packs/ab/abcd', 8, 5)).toString(), '89');
    await assert.rejects(s.readRange('packs/ab/none', 0, 1), RemoteNotFound);
    s.close();

    await rename(dir, `${dir}.away`);
    const gone = { name: 'RemoteUnavailable', message: `the backup folder ${dir} is not there; plug in its drive or connect its share, then try again` };
    await assert.rejects(s.readRange('packs/ab/abcd', 0, 1), gone);
    await assert.rejects(s.createExclusive('lock2', Buffer.from('x')), gone);
    await assert.rejects(s.remote.put('packs/ab/abce', Buffer.from('x')), gone);
    assert.equal(await s.probe(), 'missing');
    assert.ok(!existsSync(dir), 'nothing made where the drive was');
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
});

test('create() makes the backup folder only inside a folder that is there; probe tells missing, empty and used', async () => {
  const parent = await scratch();
  try {
    const unplugged = new FolderStorage(join(parent, 'media', 'usb', 'backups'));
    await assert.rejects(unplugged.create(), (e: unknown) => {
      assert.ok(e instanceof RemoteUnavailable);
      assert.match(e.message, /^the folder that should hold the backup folder cannot be found/);
      return true;
    });
    assert.ok(!existsSync(join(parent, 'media')));

    const s = new FolderStorage(join(parent, 'backups'));
    assert.equal(await s.probe(), 'missing');
    await s.create();
    await s.create();
    assert.equal(await s.probe(), 'empty');
    await writeFile(join(parent, 'backups', '.DS_Store'), '');
    assert.equal(await s.probe(), 'empty');
    await s.remote.put('config', Buffer.from('{}'));
    assert.equal(await s.probe(), 'used');
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
});
