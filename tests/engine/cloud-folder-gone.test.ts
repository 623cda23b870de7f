// A folder vault whose cloud folder goes away (an unplugged drive, a deleted
// sync folder) or comes back empty (a mount point with nothing mounted, a
// sync app that has not finished): init makes a new cloud folder, but
// nothing after it does, and nothing is written into a folder without this
// vault's key file, neither by a sync nor by the audit trail's mirror. A
// key file there that is damaged or another vault's is tampering. Each
// refusal names the folder and its fix; sync converges once the folder is back.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { StatusReport } from '../../contract/index.js';
import { Engine } from '../../engine/engine.js';
import { listFiles, tempDir } from '../helpers/fs.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { makeVault } from '../helpers/vault.js';

const env = { CASEVAULT_KDF_PROFILE: 'interactive' };
const pick = (s: StatusReport) => ({ cloudListedNow: s.cloudListedNow, synced: s.files.synced, pending: s.files.pending });

test('init makes a new cloud folder; a sync after it went away is refused as unreachable, names the folder and makes none', async () => {
  const root = await tempDir('cloud-gone');
  const vault = join(root, 'vault');
  const cloud = join(root, 'drive', 'Casevault');
  await mkdir(vault);
  await writeFile(join(vault, 'a.txt'), 'first');
  const engine = new Engine(join(root, 'home'), env);
  await engine.init({ vaultDir: vault, cloud: { kind: 'folder', dir: cloud }, passphrase: PASSPHRASE });
  assert.ok(existsSync(join(cloud, 'casevault.key')));
  await engine.sync();
  assert.deepEqual(pick(await engine.status()), { cloudListedNow: true, synced: 1, pending: 0 });

  await rename(join(root, 'drive'), join(root, 'drive.away'));
  await writeFile(join(vault, 'b.txt'), 'second');
  assert.deepEqual(pick(await engine.status()), { cloudListedNow: false, synced: 1, pending: 1 }, 'a.txt counts as synced at the last sync, and says so');
  await assert.rejects(engine.sync(), {
    name: 'Unreachable',
    kind: 'unreachable',
    message: `the cloud folder ${cloud} is not there, so nothing is sent to the cloud`,
    next: 'reconnect-cloud',
  });
  await engine.unlock({ passphrase: PASSPHRASE }); // recorded in the audit trail, whose mirror must not make the folder either
  await engine.lock();
  assert.ok(!existsSync(join(root, 'drive')), 'the cloud folder was not made again');

  await rename(join(root, 'drive.away'), join(root, 'drive'));
  const report = await engine.sync();
  assert.equal(report.failed.length, 0);
  assert.equal((await listFiles(join(cloud, 'objects'))).length, 2);
});

test('an empty folder where the cloud folder was (nothing mounted there) is refused: nothing is written into it', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true });
  await rename(v.cloud, `${v.cloud}.away`);
  await mkdir(v.cloud);
  await writeFile(join(v.vault, 'b.txt'), 'b');
  await assert.rejects(v.engine.sync(), {
    name: 'Refused',
    message: `the cloud folder ${v.cloud} holds no key file of this vault (casevault.key), so nothing is sent to it`,
    next: 'restore-cloud-key-file',
  });
  await v.engine.unlock({ passphrase: PASSPHRASE });
  await v.engine.updateSettings({ accessReviewMonths: 3 });
  // With no marks here, the cloud's sealed copy may hold them: closing a case waits for the cloud (a fresh mark file would be mirrored over it).
  await assert.rejects(v.engine.closeCase('a.txt'), { name: 'Unreachable', message: /this computer has no housekeeping marks/ });
  await v.engine.lock();
  assert.deepEqual(await readdir(v.cloud), [], 'no object, device record, audit trail or housekeeping mirror was written');
});

test("a key file in the cloud folder that is damaged or another vault's is tampering: refused as damaged, nothing uploaded", async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true });
  const other = await makeVault();
  const objects = await listFiles(join(v.cloud, 'objects'));
  await writeFile(join(v.vault, 'b.txt'), 'b');
  await writeFile(join(v.cloud, 'casevault.key'), '{"not": "a key file"}');
  await assert.rejects(v.engine.sync(), {
    name: 'Damaged',
    kind: 'damaged',
    message: `the key file in the cloud folder ${v.cloud} is damaged, so nothing is sent to the cloud`,
    next: 'restore-cloud-key-file',
  });
  await writeFile(join(v.cloud, 'casevault.key'), await readFile(join(other.cloud, 'casevault.key')));
  await assert.rejects(v.engine.sync(), {
    name: 'Damaged',
    message: `the key file in the cloud folder ${v.cloud} belongs to another vault, so nothing is sent to the cloud`,
  });
  assert.deepEqual(await listFiles(join(v.cloud, 'objects')), objects, 'nothing was uploaded');
});

test('init refuses a cloud path that is a file (exit 2), and makes nothing', async () => {
  const root = await tempDir('cloud-file');
  const vault = join(root, 'vault');
  await writeFile(join(root, 'cloud'), 'not a folder');
  const engine = new Engine(join(root, 'home'), env);
  await assert.rejects(engine.init({ vaultDir: vault, cloud: { kind: 'folder', dir: join(root, 'cloud') }, passphrase: PASSPHRASE }), {
    name: 'UsageError',
    message: 'the cloud path exists and is not a folder',
    next: 'choose-other-folder',
  });
  assert.ok(!existsSync(vault));
});
