// The vault folder gone (moved, deleted, replaced by an empty one) and the
// cloud copy lost: the ways back the app offers (engine/mirror/vault-folder.ts,
// putBackKeyFile in engine/keys/cloud-key-file.ts), with real folders and keys.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeVault } from '../helpers/vault.js';
import { PASSPHRASE } from '../helpers/cli.js';

const files = { 'a.txt': 'first', 'sub/b.txt': 'second', 'c.txt': 'third' };

function cloudArea(s: Awaited<ReturnType<import('../../engine/engine.js').Engine['status']>>) {
  return s.health.find((h) => h.area === 'cloud')!;
}

test('a missing vault folder: its health names the way back, and it is put back from the cloud copy where it was', async () => {
  const v = await makeVault({ files, synced: true, unlocked: true });
  await rm(v.vault, { recursive: true });
  assert.equal(cloudArea(await v.engine.status()).next, 'put-vault-folder-back');
  const r = await v.engine.putVaultBack({});
  assert.deepEqual([r.vaultDir, r.restored, r.failed], [v.vault, 3, []]);
  assert.equal(await readFile(join(v.vault, 'sub', 'b.txt'), 'utf8'), 'second');
  const s = await v.engine.sync();
  assert.deepEqual([s.uploaded, s.deleted], [0, 0], 'the files put back count as synced: nothing goes up again, nothing to the trash');
  assert.ok(cloudArea(await v.engine.status()).ok);
});

test('put back into another, new folder: the vault is that folder from then on; a folder with files in it is refused', async () => {
  const v = await makeVault({ files, synced: true, unlocked: true });
  await rename(v.vault, `${v.vault}.gone`);
  const full = join(v.root, 'full');
  await mkdir(full);
  await writeFile(join(full, 'mine.txt'), 'keep me');
  await assert.rejects(v.engine.putVaultBack({ to: full }), { kind: 'usage', message: /not empty/ });
  assert.deepEqual(await readdir(full), ['mine.txt'], 'nothing written into it');
  await assert.rejects(v.engine.putVaultBack({ to: 'relative' }), { kind: 'usage', message: /is not a full path/ });
  await assert.rejects(v.engine.putVaultBack({ to: join(v.cloud, 'x') }), { kind: 'usage', message: /is the cloud folder/ });
  const to = join(v.root, 'Cases again');
  const r = await v.engine.putVaultBack({ to });
  assert.deepEqual([r.vaultDir, r.restored], [to, 3]);
  assert.equal((await v.engine.status()).vaultDir, to);
  assert.equal((await v.engine.sync()).deleted, 0);
});

test('put back is only for a vault folder that is gone, and needs the vault unlocked', async () => {
  const v = await makeVault({ files, synced: true });
  await assert.rejects(v.engine.putVaultBack({}), { kind: 'locked' });
  await v.engine.unlock({ passphrase: PASSPHRASE });
  await assert.rejects(v.engine.putVaultBack({ to: join(v.root, 'new') }), { kind: 'refused', message: /is there and in use/ });
  await assert.rejects(v.engine.useVaultFolder({ dir: v.root }), { kind: 'refused', message: /is there and in use/ });
});

test('an empty folder that is not the one synced before: put back into it, where it was', async () => {
  const v = await makeVault({ files, synced: true, unlocked: true });
  await rename(v.vault, `${v.vault}.gone`);
  await mkdir(v.vault);
  assert.equal(cloudArea(await v.engine.status()).next, 'put-vault-folder-back');
  assert.equal((await v.engine.putVaultBack({})).restored, 3);
  assert.equal((await v.engine.sync()).deleted, 0);
});

test('use the folder the vault was moved to; the cloud, backup and settings folders, a file and a stranger folder are refused', async () => {
  const v = await makeVault({ files, synced: true, backedUp: true });
  const moved = join(v.root, 'Moved');
  await rename(v.vault, moved);
  const stranger = join(v.root, 'stranger');
  await mkdir(stranger);
  await writeFile(join(stranger, 'a.txt'), 'other text of another length');
  await writeFile(join(v.root, 'a file'), 'x');
  await assert.rejects(v.engine.useVaultFolder({ dir: v.cloud }), {
    kind: 'usage',
    message: `${v.cloud} is the cloud folder or shares a folder with it, so it cannot be the vault folder; choose another folder`,
  });
  await assert.rejects(v.engine.useVaultFolder({ dir: v.backup }), { kind: 'usage', message: /is the backup folder/ });
  await assert.rejects(v.engine.useVaultFolder({ dir: v.home }), { kind: 'usage', message: new RegExp(`Casevault's settings folder \\(${v.home}\\)`) });
  await assert.rejects(v.engine.useVaultFolder({ dir: join(v.root, 'a file') }), { kind: 'usage', message: /is a file, not a folder/ });
  await assert.rejects(v.engine.useVaultFolder({ dir: stranger }), {
    kind: 'refused',
    message: `${stranger} does not look like this vault's folder (it holds 0 of the 3 files synced before), so it is not used; choose the folder the vault's files were moved to, or put the vault folder back from the cloud copy`,
  });
  const r = await v.engine.useVaultFolder({ dir: moved });
  assert.equal(r.vaultDir, moved);
  const s = await v.engine.sync();
  assert.equal(s.deleted, 0, 'nothing sent to the trash');
  assert.ok(cloudArea(await v.engine.status()).ok);
});

test('a copy of the vault folder (another identity) holding its files is recognised by them', async () => {
  const v = await makeVault({ files, synced: true });
  const copy = join(v.root, 'Copy');
  await mkdir(join(copy, 'sub'), { recursive: true });
  for (const p of Object.keys(files)) await writeFile(join(copy, ...p.split('/')), await readFile(join(v.vault, ...p.split('/'))));
  await rm(v.vault, { recursive: true });
  assert.equal((await v.engine.useVaultFolder({ dir: copy })).vaultDir, copy);
  assert.equal((await v.engine.sync()).deleted, 0);
});

test("the cloud copy lost (its folder emptied): this computer's key file is put back, and a sync sends every file again", async () => {
  const v = await makeVault({ files, synced: true });
  for (const name of await readdir(v.cloud)) await rm(join(v.cloud, name), { recursive: true });
  const before = cloudArea(await v.engine.status());
  assert.deepEqual(
    [before.message, before.next],
    [`the cloud folder ${v.cloud} holds no key file of this vault (casevault.key), so nothing is sent to it`, 'restore-cloud-key-file'],
  );
  assert.equal((await v.engine.status()).settingsFolder, v.home);
  await v.engine.putBackCloudKeyFile();
  assert.deepEqual(await readFile(join(v.cloud, 'casevault.key')), await readFile(join(v.home, 'casevault.key')));
  const s = await v.engine.sync();
  assert.equal(s.uploaded, 3);
  assert.ok(cloudArea(await v.engine.status()).ok);
});

test("a damaged key file in the cloud is replaced by this computer's; another vault's is left alone; a cloud folder not there is not made", async () => {
  const v = await makeVault({ files, synced: true });
  const other = await makeVault();
  await writeFile(join(v.cloud, 'casevault.key'), 'not a key file');
  await v.engine.putBackCloudKeyFile();
  assert.equal((await v.engine.sync()).failed.length, 0);
  const foreign = await readFile(join(other.cloud, 'casevault.key'));
  await writeFile(join(v.cloud, 'casevault.key'), foreign);
  await assert.rejects(v.engine.putBackCloudKeyFile(), { kind: 'refused', message: /belongs to another vault, so it is left as it is/ });
  assert.deepEqual(await readFile(join(v.cloud, 'casevault.key')), foreign);
  await rm(v.cloud, { recursive: true });
  await assert.rejects(v.engine.putBackCloudKeyFile(), { kind: 'unreachable' });
  await assert.rejects(readdir(v.cloud), { code: 'ENOENT' });
});
