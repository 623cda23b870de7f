// A folder vault whose cloud folder goes away (an unplugged drive, a deleted
// sync folder): init makes a new cloud folder, but nothing after it does.
// sync fails as a whole with RemoteUnavailable, leaves the path empty, and
// converges once the folder is back.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { RemoteUnavailable } from '../../engine/remotes/remote.js';
import { listFiles, tempDir } from '../helpers/fs.js';

const PASS = 'purple elephant dances quietly tonight';
const env = { CASEVAULT_KDF_PROFILE: 'interactive' };

test('init makes a new cloud folder; a sync after it went away fails as unavailable and makes none', async () => {
  const root = await tempDir('cloud-gone');
  const vault = join(root, 'vault');
  const cloud = join(root, 'drive', 'Casevault');
  await mkdir(vault);
  await writeFile(join(vault, 'a.txt'), 'first');
  const engine = new Engine(join(root, 'home'), env);
  await engine.init({ vaultDir: vault, cloud: { kind: 'folder', dir: cloud }, passphrase: PASS });
  assert.ok(existsSync(join(cloud, 'casevault.key')));
  await engine.sync();

  await rename(join(root, 'drive'), join(root, 'drive.away'));
  await writeFile(join(vault, 'b.txt'), 'second');
  await assert.rejects(engine.sync(), (e: unknown) => {
    assert.ok(e instanceof RemoteUnavailable, String(e));
    assert.match(e.message, /^the cloud folder .+ is not there; plug in its drive or connect its share, then try again$/);
    return true;
  });
  assert.ok(!existsSync(join(root, 'drive')), 'the cloud folder was not made again');

  await rename(join(root, 'drive.away'), join(root, 'drive'));
  const report = await engine.sync();
  assert.equal(report.failed.length, 0);
  assert.equal((await listFiles(join(cloud, 'objects'))).length, 2);
});

test('init refuses a cloud path that is a file (exit 2), and makes nothing', async () => {
  const root = await tempDir('cloud-file');
  const vault = join(root, 'vault');
  await writeFile(join(root, 'cloud'), 'not a folder');
  const engine = new Engine(join(root, 'home'), env);
  await assert.rejects(engine.init({ vaultDir: vault, cloud: { kind: 'folder', dir: join(root, 'cloud') }, passphrase: PASS }), {
    name: 'UsageError',
    message: 'the cloud path exists and is not a folder',
    next: 'choose-other-folder',
  });
  assert.ok(!existsSync(vault));
});
