// A folder cloud with many small objects is recovered and checked on worker
// threads (engine/mirror/object-pool.ts) beside the large objects on the main
// thread. The same promises hold there: every file byte for byte with its
// date, a damaged, planted or unreadable object listed and nothing written
// for it, no temporary file left, the records saying everything is in the
// cloud copy, an interrupted recovery finished without duplicates; and
// verify --cloud names exactly the damaged, planted and put-back objects.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, lstat, mkdir, readFile, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { objectId, objectRemoteName, ObjectSealer, openKeyFile, parseKeyFile } from '../../crypto/index.js';
import { NOT_OURS } from '../../engine/mirror/verify-cloud.js';
import { Engine } from '../../engine/engine.js';
import { WORKER_OBJECT_BYTES } from '../../engine/mirror/object-pool.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { exists, readTree } from '../helpers/fs.js';
import { makeVault, type Files } from '../helpers/vault.js';

const MTIME = new Date('2021-03-04T05:06:07.000Z');

function manyFiles(): Files {
  const files: Files = {};
  for (let i = 0; i < 300; i++) files[`case-${i % 30}/note ${i}.txt`] = randomBytes(1 + ((i * 997) % 9000));
  files['case-0/dated.txt'] = ['from 2021', MTIME];
  files['case-1/scan.pdf'] = randomBytes(WORKER_OBJECT_BYTES + 300 * 1024); // the main thread's, streamed
  files['é ü/名前 #1.txt'] = 'odd name';
  return files;
}

async function recover(home: string, cloud: string, into: string) {
  const env = { CASEVAULT_HOME: home, CASEVAULT_PASSPHRASE: PASSPHRASE, CASEVAULT_KDF_PROFILE: 'interactive' };
  const engine = new Engine(home, env);
  const report = await engine.recover({ vaultDir: into, cloud: { kind: 'folder', dir: cloud }, secret: { passphrase: PASSPHRASE } });
  return { report, engine };
}

async function tempsUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.name.startsWith('.casevault-tmp-')) found.push(e.name);
  return found;
}

test('a recovery of hundreds of small files beside a large one: every file with its date, the damaged and planted objects listed', async (t) => {
  if (availableParallelism() < 2) t.diagnostic('one core: the recovery runs on the main thread only');
  const v = await makeVault({ files: manyFiles(), synced: true });
  const want = await readTree(v.vault);
  const keys = await openKeyFile(parseKeyFile(await readFile(join(v.cloud, 'casevault.key'))), { passphrase: PASSPHRASE });

  // One object damaged in its middle; one planted by a writer with the keys, escaping the folder; one file that is no object; a pipe where an object would be (not listed as one; never opened, so nothing waits on it).
  const damaged = join(v.cloud, objectRemoteName(await objectId(keys.nameKey, 'case-3/note 3.txt')));
  const bytes = await readFile(damaged);
  bytes[bytes.length >> 1]! ^= 1;
  await writeFile(damaged, bytes);
  const sealer = await ObjectSealer.create(keys);
  const evilId = await objectId(keys.nameKey, '../escaped.txt');
  await mkdir(dirname(join(v.cloud, objectRemoteName(evilId))), { recursive: true });
  await writeFile(
    join(v.cloud, objectRemoteName(evilId)),
    sealer.sealBytes(evilId, { path: '../escaped.txt', size: 4, mtimeMs: Date.now() }, Buffer.from('evil')),
  );
  await mkdir(join(v.cloud, 'objects', 'ab'), { recursive: true });
  await writeFile(join(v.cloud, 'objects', 'ab', 'not-an-object'), 'junk');
  const pipeName = objectRemoteName(await objectId(keys.nameKey, 'no such file.txt'));
  await mkdir(dirname(join(v.cloud, pipeName)), { recursive: true });
  execFileSync('mkfifo', [join(v.cloud, pipeName)]);

  const into = join(v.root, 'Recovered');
  const { report, engine } = await recover(join(v.root, 'new-home'), v.cloud, into);
  want.delete('case-3/note 3.txt');
  assert.deepEqual(await readTree(into), want, 'every other file, byte for byte');
  assert.equal(report.restored, want.size);
  assert.deepEqual(
    report.failed.map((f) => [f.object, !!f.damaged]).sort(),
    [
      [objectRemoteName(evilId), true],
      [objectRemoteName(await objectId(keys.nameKey, 'case-3/note 3.txt')), true],
      ['objects/ab/not-an-object', true],
    ].sort(),
  );
  assert.equal((await stat(join(into, 'case-0', 'dated.txt'))).mtimeMs, MTIME.getTime(), 'the date of the file');
  assert.equal((await lstat(join(into, 'case-0', 'note 0.txt'))).mode & 0o777, 0o600);
  assert.ok(!(await exists(join(v.root, 'escaped.txt'))));
  assert.deepEqual(await tempsUnder(into), []);
  const s = await engine.status();
  assert.deepEqual([s.files.synced, s.files.pending], [want.size, 0], 'recorded as in the cloud copy: nothing to upload again');
});

test('a recovery interrupted half way, with a temporary file left, is finished by the next run: no duplicate, a changed file kept beside', async () => {
  const v = await makeVault({ files: manyFiles(), synced: true });
  const want = await readTree(v.vault);
  const into = join(v.root, 'Recovered');
  const home = join(v.root, 'new-home');
  // What a run killed half way leaves: some files placed (with their dates), a temporary file, the marker naming the folder.
  let i = 0;
  for (const path of want.keys()) {
    if (i++ % 2) continue;
    const from = join(v.vault, ...path.split('/'));
    const to = join(into, ...path.split('/'));
    await mkdir(dirname(to), { recursive: true });
    await copyFile(from, to);
    const st = await stat(from);
    await utimes(to, st.atime, st.mtime);
  }
  await writeFile(join(into, 'case-2', '.casevault-tmp-0123456789abcdef'), 'half a file');
  await writeFile(join(into, 'case-0', 'note 0.txt'), 'changed by hand meanwhile');
  await mkdir(home, { recursive: true, mode: 0o700 });
  await writeFile(join(home, 'recovering.json'), JSON.stringify({ vaultDir: resolve(into) }));

  const { report } = await recover(home, v.cloud, into);
  assert.deepEqual(report.failed, []);
  const got = await readTree(into);
  assert.deepEqual(got.get('case-0/note 0 (restored 2).txt'), want.get('case-0/note 0.txt'), 'the recovered version beside the changed one');
  got.delete('case-0/note 0 (restored 2).txt');
  want.set('case-0/note 0.txt', Buffer.from('changed by hand meanwhile'));
  assert.deepEqual(got, want, 'every file once, byte for byte');
  assert.deepEqual(await tempsUnder(into), []);
});

test('verify --cloud of hundreds of objects names exactly the damaged, planted and put-back ones', async () => {
  const v = await makeVault({ files: manyFiles(), synced: true, unlocked: true });
  const keys = await openKeyFile(parseKeyFile(await readFile(join(v.cloud, 'casevault.key'))), { passphrase: PASSPHRASE });
  const at = async (path: string) => join(v.cloud, objectRemoteName(await objectId(keys.nameKey, path)));
  // An older copy of a file's object put back after the file changed and synced again.
  const older = await readFile(await at('case-5/note 5.txt'));
  await writeFile(join(v.vault, 'case-5', 'note 5.txt'), 'changed');
  assert.equal((await v.engine.sync()).uploaded, 1);
  await writeFile(await at('case-5/note 5.txt'), older);
  const bytes = await readFile(await at('case-7/note 7.txt'));
  bytes[bytes.length - 5]! ^= 1;
  await writeFile(await at('case-7/note 7.txt'), bytes);
  const sealer = await ObjectSealer.create(keys);
  const plantedId = await objectId(keys.nameKey, 'planted.txt');
  await mkdir(dirname(await at('planted.txt')), { recursive: true }); // its folder of objects may not be there yet
  await writeFile(await at('planted.txt'), sealer.sealBytes(plantedId, { path: 'planted.txt', size: 2, mtimeMs: Date.now() }, Buffer.from('hi')));

  const report = await v.engine.verifyCloud();
  const objects = Object.keys(manyFiles()).length + 1;
  assert.equal(report.checked, objects);
  assert.equal(report.ok, objects - 3);
  assert.deepEqual(
    report.bad.map((b) => [b.object, b.reason]).sort(),
    [
      [objectRemoteName(await objectId(keys.nameKey, 'case-5/note 5.txt')), 'replaced with an older copy since this computer wrote it'],
      [objectRemoteName(await objectId(keys.nameKey, 'case-7/note 7.txt')), 'damaged or tampered object (chunk fails authentication)'],
      [objectRemoteName(plantedId), NOT_OURS],
    ].sort(),
  );
  assert.deepEqual(report.missing, []);
  assert.ok(report.bytes >= WORKER_OBJECT_BYTES, 'every byte decrypted is counted');
});
