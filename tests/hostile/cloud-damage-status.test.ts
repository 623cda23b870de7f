// What status says once verify --cloud has found an object damaged or
// replaced. Sync does not read objects back (a pass over 100,000 files
// would read the whole cloud), so until verify looks, the damage is unknown;
// once verify has named it, status must not go on calling that file synced
// and the cloud copy complete: the file waits for the next sync, which
// uploads it again. And an object no file has (a deleted file put back)
// is damage too, where no other computer could have written it.
import assert from 'node:assert/strict';
import { copyFile, cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { StatusReport } from '../../contract/index.js';
import { Engine } from '../../engine/engine.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { makeVault } from '../helpers/vault.js';

test('a damaged object verify --cloud found: status counts its file as waiting, not synced, until sync uploads it again', async () => {
  const v = await makeVault({ files: { 'case/letter.txt': 'the letter', 'case/notes.txt': 'the notes' }, synced: true });
  const objects = (await readdir(join(v.cloud, 'objects'), { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  const object = join(objects[0]!.parentPath, objects[0]!.name);
  const bytes = await readFile(object);
  bytes[bytes.length >> 1]! ^= 1; // one bit flipped by the cloud: same name, same size
  await writeFile(object, bytes);

  const verify = await v.cli(['verify', '--cloud']);
  assert.equal(verify.code, 3, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /1 good, 1 bad/);

  const status = JSON.parse((await v.cli(['status', '--json'])).stdout) as StatusReport;
  assert.deepEqual(status.files, { total: 2, synced: 1, pending: 1, failed: 0 });
  assert.equal(status.pendingFiles.length, 1);
  const cloud = status.health.find((h) => h.area === 'cloud')!;
  assert.equal(cloud.ok, false, cloud.message);
  assert.match(cloud.message, /1 change waits to go to the cloud/);
  assert.doesNotMatch((await v.cli(['status'])).stdout, /all synced|every file is in the cloud copy/);

  const sync = await v.cli(['sync']);
  assert.equal(sync.code, 0, sync.stderr);
  assert.match(sync.stdout, /1 of them was unchanged but missing or damaged in the cloud, and uploaded again/);
  assert.match((await v.cli(['status'])).stdout, /ok Cloud: every file is in the cloud copy/);
  assert.equal((await v.cli(['verify', '--cloud'])).code, 0);
});

test('an object deleted from a cloud folder: status, with no verify, counts its file as waiting and does not call the cloud copy complete; the cloud folder unplugged is not taken for every object deleted', async () => {
  const v = await makeVault({ files: { 'case/letter.txt': 'the letter', 'case/notes.txt': 'the notes' }, synced: true });
  const objects = (await readdir(join(v.cloud, 'objects'), { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  const object = join(objects[0]!.parentPath, objects[0]!.name);
  await rm(object); // deleted in the cloud folder (by its sync app, a colleague, an attacker)

  const status = JSON.parse((await v.cli(['status', '--json'])).stdout) as StatusReport;
  assert.deepEqual(status.files, { total: 2, synced: 1, pending: 1, failed: 0 });
  const cloud = status.health.find((h) => h.area === 'cloud')!;
  assert.equal(cloud.ok, false, cloud.message);
  assert.doesNotMatch((await v.cli(['status'])).stdout, /all synced|every file is in the cloud copy/);
  const other = new Engine(v.home, v.env);
  const listed = await other.vaultFiles();
  assert.deepEqual(
    listed.files.map((f) => f.state),
    ['waiting', 'synced'],
  );
  const home = await other.homeView(); // Home's: both from one reading
  assert.deepEqual(home.files, listed);
  assert.deepEqual(home.status.files, status.files);
  assert.deepEqual(home.status.health, (await other.status()).health);

  // Unplugged: the cloud's health says the folder is missing; the files are not all said to be waiting for it.
  await cp(v.cloud, `${v.cloud}-away`, { recursive: true });
  await rm(v.cloud, { recursive: true });
  const away = JSON.parse((await v.cli(['status', '--json'])).stdout) as StatusReport;
  assert.deepEqual(away.files, { total: 2, synced: 2, pending: 0, failed: 0 });
  assert.match(away.health.find((h) => h.area === 'cloud')!.message, /is not there/);
  await cp(`${v.cloud}-away`, v.cloud, { recursive: true });

  const sync = await v.cli(['sync']);
  assert.equal(sync.code, 0, sync.stderr);
  assert.match(sync.stdout, /1 of them was unchanged but missing or damaged in the cloud, and uploaded again/);
  assert.match((await v.cli(['status'])).stdout, /ok Cloud: every file is in the cloud copy/);
});

test("a deleted file's object put back from the cloud's trash: verify --cloud names it (exit 3) where no other computer shares the vault, and the next sync puts it back in the trash", async () => {
  const v = await makeVault({ files: { 'keep.txt': 'kept', 'gone.txt': 'deleted on purpose' }, synced: true });
  await rm(join(v.vault, 'gone.txt'));
  assert.equal((await v.cli(['sync'])).code, 0);
  const [trashed] = await readdir(join(v.cloud, 'trash'));
  const id = trashed!.slice(trashed!.indexOf('-') + 1); // trash/<time>-<object ID> (docs/format.md)
  await mkdir(join(v.cloud, 'objects', id.slice(0, 2)), { recursive: true });
  await copyFile(join(v.cloud, 'trash', trashed!), join(v.cloud, 'objects', id.slice(0, 2), id));

  const verify = await v.cli(['verify', '--cloud']);
  assert.equal(verify.code, 3, verify.stdout + verify.stderr);
  assert.match(
    verify.stdout,
    new RegExp(`^Bad: objects/${id.slice(0, 2)}/${id}: no file of the vault has this object, and no other computer shares the vault`, 'm'),
  );
  assert.match(verify.stdout, /1 good, 1 bad/);

  // The next sync moves it back to the trash, so that a recovery does not bring the deleted file back.
  const sync = await v.cli(['sync']);
  assert.equal(sync.code, 0, sync.stdout + sync.stderr);
  assert.match(sync.stdout, /1 moved to the cloud trash/);
  assert.equal((await v.cli(['verify', '--cloud'])).code, 0);
  const recovered = join(v.root, 'recovered');
  assert.equal((await v.cli(['recover', '--cloud', v.cloud, '--vault', recovered], { CASEVAULT_HOME: join(v.root, 'home-new') })).code, 0);
  assert.deepEqual(await readdir(recovered), ['keep.txt']);
});

test("the sync state lost (or cut short by a kill) while the vault's files are all there: verify --cloud calls none of their objects a deleted file put back, and sync moves none to the trash", async () => {
  const v = await makeVault({ files: { 'a.txt': 'first', 'case/b.txt': 'second' }, synced: true });
  await rm(join(v.home, 'sync-state.log')); // the records go; the last pass's summary (last-sync.json) stays
  const verify = await v.cli(['verify', '--cloud']);
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /2 good, 0 bad/);
  const sync = await v.cli(['sync']);
  assert.equal(sync.code, 0, sync.stdout + sync.stderr);
  assert.match(sync.stdout, /0 moved to the cloud trash/);
  assert.equal((await readdir(join(v.cloud, 'trash')).catch(() => [])).length, 0);
});

test('the cloud put back to before a deletion: after verify --cloud finds it, status names the rollback (attention, sync next) until a sync puts the newer state back', async () => {
  const v = await makeVault({ files: { 'case/letter.txt': 'the letter', 'case/notes.txt': 'the notes' }, synced: true });
  const before = join(v.root, 'cloud-before');
  await cp(v.cloud, before, { recursive: true });
  await rm(join(v.vault, 'case/notes.txt'));
  assert.equal((await v.cli(['sync'])).code, 0);
  await rm(v.cloud, { recursive: true });
  await cp(before, v.cloud, { recursive: true });

  const verify = await v.cli(['verify', '--cloud']);
  assert.equal(verify.code, 3, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /rolled back to an earlier state/);

  const cloudItem = async () => (JSON.parse((await v.cli(['status', '--json'])).stdout) as StatusReport).health.find((h) => h.area === 'cloud')!;
  const cloud = await cloudItem();
  assert.equal(cloud.ok, false, cloud.message);
  assert.equal(cloud.urgency, 'attention');
  assert.equal(cloud.next, 'sync-now');
  assert.match(cloud.message, /put back to an earlier state, so changes this computer sent since may be missing from it; the next sync sends every file again/);
  const text = (await v.cli(['status'])).stdout;
  assert.match(text, /!! Cloud: the last check of the cloud copy found it put back to an earlier state.*; run `casevault sync`/);
  assert.doesNotMatch(text, /every file is in the cloud copy/);

  const sync = await v.cli(['sync']);
  assert.equal(sync.code, 3, sync.stdout + sync.stderr); // the pass reports the rollback it puts right
  assert.equal((await cloudItem()).ok, true, 'the newer state is back: computed from the record read again, not from the sync having run');
  assert.equal((await v.cli(['verify', '--cloud'])).code, 0);
});

test("another computer's record put back: status on this one says that computer's changes may be missing until it syncs, and is ok once it has", async () => {
  const v = await makeVault({ files: { 'case/letter.txt': 'the letter', 'case/notes.txt': 'the notes' }, synced: true });
  const other = new Engine(join(v.root, 'home2'), v.env);
  const vault2 = join(v.root, 'vault2');
  await other.recover({ vaultDir: vault2, cloud: { kind: 'folder', dir: v.cloud }, secret: { passphrase: PASSPHRASE } });
  await writeFile(join(vault2, 'case/notes.txt'), 'notes, second computer, 1');
  assert.equal((await other.sync()).uploaded, 1);
  const before = join(v.root, 'cloud-before');
  await cp(v.cloud, before, { recursive: true });
  await writeFile(join(vault2, 'case/notes.txt'), 'notes, second computer, 2');
  assert.equal((await other.sync()).uploaded, 1);
  assert.equal((await v.cli(['verify', '--cloud'])).code, 0, 'this computer has seen the second edit');
  // Only the other computer's writes are put back: this computer's own record is as it wrote it.
  const { deviceId } = JSON.parse(await readFile(join(v.home, 'config.json'), 'utf8')) as { deviceId: string };
  const own = await readFile(join(v.cloud, 'highwater', deviceId));
  await rm(v.cloud, { recursive: true });
  await cp(before, v.cloud, { recursive: true });
  await writeFile(join(v.cloud, 'highwater', deviceId), own);

  assert.equal((await v.cli(['verify', '--cloud'])).code, 3);
  const cloudItem = async () => (JSON.parse((await v.cli(['status', '--json'])).stdout) as StatusReport).health.find((h) => h.area === 'cloud')!;
  const cloud = await cloudItem();
  assert.equal(cloud.ok, false, cloud.message);
  assert.match(cloud.message, /changes another computer of the vault sent since may be missing from it until that computer syncs again/);
  assert.equal((await v.cli(['sync'])).code, 0);
  assert.equal((await cloudItem()).ok, false, "a sync here does not put the other computer's changes back");
  assert.match((await other.sync()).rolledBack ?? '', /rolled back/);
  assert.equal((await cloudItem()).ok, true);
});
