// Links planted inside the cloud folder are never followed (docs/threat-model.md).
// A fan-out folder replaced by a symbolic link to a folder of the vault had
// sync write an encrypted object into the vault, and upload it again at each
// pass, exiting 0. These plant links in real folders and run the real
// command: the vault folder must hold exactly the person's files after any
// number of syncs, the cloud must end up mirroring the vault, and
// verify --cloud must name the link while it stands.
import assert from 'node:assert/strict';
import { lstat, mkdir, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { FolderRemote } from '../../engine/remotes/folder.js';
import { RemoteNotFound } from '../../engine/remotes/remote.js';
import { tempDir } from '../helpers/fs.js';
import { makeVault, type TestVault } from '../helpers/vault.js';

const FILES = { 'caseA/alpha.txt': 'a\n', 'charlie.txt': 'c\n' };

/** Every entry under `dir` (files, folders and links alike), not entering links. */
async function everything(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true })).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

/** The cloud's object files, as paths. */
async function objectFiles(cloud: string): Promise<string[]> {
  const entries = await readdir(join(cloud, 'objects'), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Syncs `times` times: each must exit 0; what each printed. */
async function syncs(v: TestVault, times: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < times; i++) {
    const s = await v.cli(['sync']);
    assert.equal(s.code, 0, s.stdout + s.stderr);
    out.push(s.stdout);
  }
  return out;
}

/** The cloud mirrors the vault: status says so and verify --cloud finds nothing wrong. */
async function mirrored(v: TestVault): Promise<void> {
  assert.match((await v.cli(['status'])).stdout, /all synced/);
  const verify = await v.cli(['verify', '--cloud']);
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /2 good, 0 bad, 0 missing/);
}

test('a fan-out folder made a link to a vault folder: sync writes nothing into the vault, replaces the link and mirrors the vault', async () => {
  const v = await makeVault({ files: FILES, synced: true });
  const before = await everything(v.vault);
  const fanOut = join((await objectFiles(v.cloud))[0]!, '..');
  await rm(fanOut, { recursive: true });
  await symlink(join(v.vault, 'caseA'), fanOut);
  const linkName = relative(v.cloud, fanOut).split('\\').join('/');

  const verify = await v.cli(['verify', '--cloud']);
  assert.equal(verify.code, 3, verify.stdout + verify.stderr);
  assert.match(verify.stdout, new RegExp(`Bad: ${linkName}: a link .* never followed`));
  assert.match(verify.stdout, /1 missing/);
  assert.deepEqual(await everything(v.vault), before, 'verify read nothing of the vault as the cloud');

  const [first, ...later] = await syncs(v, 3);
  assert.match(first!, /1 uploaded/);
  for (const out of later) assert.match(out, /0 uploaded/, 'the cloud mirrors the vault after the first pass');
  assert.deepEqual(await everything(v.vault), before, 'nothing of Casevault’s in the vault folder');
  assert.ok((await lstat(fanOut)).isDirectory(), 'a real folder where the link was');
  await mirrored(v);
});

test('the objects folder made a link to a vault folder: sync follows it nowhere; the first sync’s workers too', async () => {
  // Enough files for the sealing workers (fsutil/worker-batches.ts), each writing through its own FolderRemote.
  const many = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`bulk/f${i}.txt`, `file ${i}`]));
  const v = await makeVault({ files: { ...FILES, ...many } });
  const before = await everything(v.vault);
  await rm(join(v.cloud, 'objects'), { recursive: true, force: true });
  await symlink(join(v.vault, 'caseA'), join(v.cloud, 'objects'));
  await syncs(v, 2);
  assert.deepEqual(await everything(v.vault), before, 'nothing of Casevault’s in the vault folder');
  assert.ok((await lstat(join(v.cloud, 'objects'))).isDirectory());
  assert.equal((await objectFiles(v.cloud)).length, 302);

  // And after a first sync: the objects behind the link are not the cloud's, and are uploaded again.
  await rm(join(v.cloud, 'objects'), { recursive: true });
  await symlink(join(v.vault, 'bulk'), join(v.cloud, 'objects'));
  const verify = await v.cli(['verify', '--cloud']);
  assert.equal(verify.code, 3, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /Bad: objects: a link/);
  assert.match(verify.stdout, /302 missing/);
  const [first] = await syncs(v, 2);
  assert.match(first!, /302 uploaded/);
  assert.deepEqual(await everything(v.vault), before);
  const verified = await v.cli(['verify', '--cloud']);
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
});

test('an object file made a link to a vault file: the vault file is left as it was, and the object written again', async () => {
  const v = await makeVault({ files: FILES, synced: true });
  const before = await everything(v.vault);
  const object = (await objectFiles(v.cloud))[0]!;
  await rm(object);
  await symlink(join(v.vault, 'charlie.txt'), object);

  const verify = await v.cli(['verify', '--cloud']);
  assert.equal(verify.code, 3, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /a link .* never followed/);
  assert.match(verify.stdout, /1 missing/);

  await syncs(v, 2);
  assert.deepEqual(await everything(v.vault), before);
  assert.equal(await readFile(join(v.vault, 'charlie.txt'), 'utf8'), 'c\n');
  assert.ok((await lstat(object)).isFile(), 'the link replaced by the object');
  await mirrored(v);
});

test('the folder remote: behind a link nothing is listed, read, moved or deleted, and tmp/ as a link costs the vault nothing', async () => {
  const root = await tempDir('links');
  const cloud = join(root, 'cloud');
  const elsewhere = join(root, 'vault');
  await mkdir(join(cloud, 'objects'), { recursive: true });
  await mkdir(elsewhere);
  const hex = 'ab'.repeat(32);
  const kept = join(elsewhere, hex);
  await writeFile(kept, 'a person’s file');
  const old = join(elsewhere, '.casevault-tmp-0123456789abcdef');
  await writeFile(old, 'named like a temporary file, two hours old');
  const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
  await utimes(old, twoHoursAgo, twoHoursAgo);
  await symlink(elsewhere, join(cloud, 'objects', 'ab'));
  await symlink(elsewhere, join(cloud, 'trash'));
  await symlink(elsewhere, join(cloud, 'tmp'));

  const r = new FolderRemote(cloud);
  const name = `objects/ab/${hex}`;
  assert.deepEqual(await r.listNames('objects/'), []);
  const listed = [];
  for await (const e of r.list('')) listed.push(e.name);
  assert.deepEqual(listed, []);
  assert.equal(await r.stat(name), undefined);
  await assert.rejects(r.read(name, 100), RemoteNotFound);
  await assert.rejects(r.move(name, `trash/x-${hex}`), RemoteNotFound);
  await r.delete(name);
  assert.deepEqual(r.linksMet(), ['objects/ab', 'tmp', 'trash']);

  await r.put('objects/cd/cd00', new Uint8Array([1, 2, 3])); // tmp/ replaced by a real folder first; nothing there cleaned
  await r.put(name, new Uint8Array([4]));
  await r.flush();
  assert.deepEqual(await readdir(elsewhere), [old.split('/').at(-1), hex].sort());
  assert.equal(await readFile(kept, 'utf8'), 'a person’s file');
  for (const dir of ['tmp', 'objects/ab']) assert.ok((await lstat(join(cloud, dir))).isDirectory(), dir);
  assert.deepEqual(await r.listNames('objects/'), ['objects/ab/' + hex, 'objects/cd/cd00'].sort());
});
