// The engine's sync, recover and verify over real folders and real crypto.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { replacedByEmpty } from '../../engine/mirror/vault-identity.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { exists, listFiles, readTree, tempDir } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';

const env = { CASEVAULT_KDF_PROFILE: 'interactive' };

async function objectFiles(cloud: string): Promise<string[]> {
  return (await listFiles(join(cloud, 'objects'))).sort();
}

async function recoverInto(root: string, cloud: string, secret: { passphrase: string } | { recoveryKey: string }, name = 'recovered') {
  const fresh = new Engine(join(root, `home-${name}`), env);
  const target = join(root, name);
  const report = await fresh.recover({ cloud: { kind: 'folder', dir: cloud }, vaultDir: target, secret });
  return { target, report, engine: fresh };
}

test('a tree with odd names, sizes and depths round-trips byte for byte, with the passphrase and with the recovery key', async () => {
  const deep = Array.from({ length: 40 }, (_, i) => `level${i}`).join('/');
  const files: Record<string, Buffer | string> = {
    'grievances/Smith, J. – disciplinary.docx': randomBytes(10_000),
    'caf\u00e9.txt': 'composed (NFC)',
    'cafe\u0301.txt': 'decomposed (NFD)',
    'empty.txt': '',
    [`${deep}/bottom.txt`]: 'deep',
    'big/scan.pdf': randomBytes(3 * 1024 * 1024 + 17), // streamed path, several chunks
    'exactly-64k.bin': randomBytes(65536),
    ' leading space and trailing dot.': 'x',
    '-dash \'quote\' "dq" $dollar.txt': 'y',
    'emoji 📁/notes 📝.md': 'z',
    __proto__: 'not special',
  };
  const { root, vault, cloud, engine, recoveryKey } = await makeVault({ files });
  const first = await engine.sync();
  assert.equal(first.uploaded, Object.keys(files).length);
  assert.deepEqual(first.failed, []);
  await stat(join(vault, 'caf\u00e9.txt'));

  const original = await readTree(vault);
  for (const secret of [{ passphrase: PASSPHRASE }, { recoveryKey }]) {
    const { target, report } = await recoverInto(root, cloud, secret, 'passphrase' in secret ? 'by-pass' : 'by-key');
    assert.deepEqual(report.failed, []);
    const got = await readTree(target);
    assert.deepEqual([...got.keys()].sort(), [...original.keys()].sort());
    for (const [p, data] of original) assert.ok(got.get(p)!.equals(data), p);
    const a = await stat(join(vault, 'empty.txt'));
    const b = await stat(join(target, 'empty.txt'));
    assert.ok(Math.abs(b.mtimeMs - a.mtimeMs) < 0.01, 'mtime kept');
  }
});

test('the cloud sees only opaque, flat names and padded sizes', async () => {
  const { vault, cloud, engine } = await makeVault({ files: { 'Members/Jane Doe/medical letter.pdf': randomBytes(600), 'b.txt': 'hello' } });
  await engine.sync();
  const names = await listFiles(cloud);
  for (const n of names) {
    assert.match(n, /^(casevault\.key|objects\/[0-9a-f]{2}\/[0-9a-f]{64}|devices\/[0-9a-f]{32}|audit\/[0-9a-f]{32}\.log|highwater\/[0-9a-f]{32})$/);
  }
  const sizes = await Promise.all((await objectFiles(cloud)).map(async (n) => (await stat(join(cloud, 'objects', n))).size));
  assert.equal(new Set(sizes).size, 1, 'a 5-byte and a 600-byte file are the same size in the cloud');
  assert.ok(!(await readdir(vault)).some((n) => n.startsWith('.casevault')), 'nothing of Casevault inside the vault folder');
});

test('unchanged files cost nothing; a changed file replaces its object; a deleted one goes to the trash', async () => {
  const { root, vault, cloud, engine } = await makeVault({ files: { 'a.txt': 'one', 'b.txt': 'two', 'c/d.txt': 'three' } });
  await engine.sync();
  const objects = await objectFiles(cloud);
  const mtimes = await Promise.all(objects.map(async (o) => (await stat(join(cloud, 'objects', o))).mtimeMs));

  const again = await engine.sync();
  assert.equal(again.uploaded, 0);
  assert.equal(again.unchanged, 3);
  assert.deepEqual(await Promise.all(objects.map(async (o) => (await stat(join(cloud, 'objects', o))).mtimeMs)), mtimes);

  await writeFile(join(vault, 'a.txt'), 'one, edited');
  await rm(join(vault, 'b.txt'));
  const third = await engine.sync();
  assert.equal(third.uploaded, 1);
  assert.equal(third.deleted, 1);
  assert.equal((await objectFiles(cloud)).length, 2);
  assert.equal((await readdir(join(cloud, 'trash'))).length, 1);

  const { target } = await recoverInto(root, cloud, { passphrase: PASSPHRASE });
  const got = await readTree(target);
  assert.deepEqual([...got.keys()].sort(), ['a.txt', 'c/d.txt']);
  assert.equal(got.get('a.txt')!.toString(), 'one, edited');
});

test('the trash is purged after the trash period', async () => {
  const { vault, cloud, engine } = await makeVault({ files: { 'old.txt': 'x' } });
  await engine.sync();
  await rm(join(vault, 'old.txt'));
  await engine.sync();
  const [name] = await readdir(join(cloud, 'trash'));
  const aged = name!.replace(/^\d{8}T\d{6}Z/, '20200101T000000Z');
  await (await import('node:fs/promises')).rename(join(cloud, 'trash', name!), join(cloud, 'trash', aged));
  await engine.sync();
  assert.deepEqual(await readdir(join(cloud, 'trash')), []);
});

test('losing the local state costs a rescan, never a duplicate', async () => {
  const { home, cloud, engine } = await makeVault({ files: { 'a.txt': 'one', 'x/b.txt': 'two' } });
  await engine.sync();
  await rm(join(home, 'sync-state.log'));
  const r = await engine.sync();
  assert.equal(r.uploaded, 2);
  assert.equal((await objectFiles(cloud)).length, 2);
  assert.equal((await engine.sync()).uploaded, 0);
});

test('an object no record owns (a pass killed before its checkpoint, the file deleted since) goes to the trash, so a recovery does not bring it back', async () => {
  const { root, home, vault, cloud, engine } = await makeVault({ files: { 'keep.txt': 'kept', 'case/gone.txt': 'deleted later', 'case/also.txt': 'x' } });
  await engine.sync();
  await rm(join(home, 'sync-state.log')); // as a pass killed after the objects were written, before the state that records them
  await rm(join(vault, 'case'), { recursive: true });
  const r = await engine.sync();
  assert.equal(r.uploaded, 1);
  assert.equal(r.deleted, 2);
  assert.deepEqual(r.failed, []);
  assert.equal((await objectFiles(cloud)).length, 1);
  assert.equal((await readdir(join(cloud, 'trash'))).length, 2, 'moved, never deleted: the trash keeps them for its time');
  const { target } = await recoverInto(root, cloud, { passphrase: PASSPHRASE });
  assert.deepEqual(await listFiles(target), ['keep.txt']);
  const again = await engine.sync();
  assert.equal(again.deleted, 0);
  assert.equal(again.unchanged, 1);
});

test('an object no record owns is kept while another computer shares the vault (that computer may have written it)', async () => {
  const { root, home, vault, cloud, engine, env } = await makeVault({ files: { 'keep.txt': 'kept', 'gone.txt': 'y' } });
  await engine.sync();
  const b = new Engine(join(root, 'home-b'), env);
  await b.recover({ cloud: { kind: 'folder', dir: cloud }, vaultDir: join(root, 'vault-b'), secret: { passphrase: PASSPHRASE } });
  await writeFile(join(root, 'vault-b', 'from-b.txt'), 'written on the other computer');
  assert.equal((await b.sync()).uploaded, 1);
  const before = await objectFiles(cloud);
  await rm(join(home, 'sync-state.log'));
  await rm(join(vault, 'gone.txt'));
  const r = await engine.sync();
  assert.equal(r.deleted, 0);
  const after = await objectFiles(cloud);
  assert.ok(
    before.every((o) => after.includes(o)),
    "the other computer's file and the one this computer no longer records stay",
  );
});

test('symbolic links are not followed out of the vault', async () => {
  const { root, vault, cloud, engine } = await makeVault({ files: { 'real.txt': 'mine' } });
  await writeFile(join(root, 'outside-secret.txt'), 'not in the vault');
  await symlink(join(root, 'outside-secret.txt'), join(vault, 'link.txt'));
  await symlink(root, join(vault, 'linkdir'));
  const r = await engine.sync();
  assert.equal(r.uploaded, 1);
  assert.equal(r.skippedLinks, 2);
  const { target } = await recoverInto(root, cloud, { passphrase: PASSPHRASE });
  assert.deepEqual(await listFiles(target), ['real.txt']);
});

test('a missing vault folder is an error, not a mass deletion', async () => {
  const { vault, cloud, engine } = await makeVault({ files: { 'a.txt': 'one' } });
  await engine.sync();
  await rm(vault, { recursive: true });
  await assert.rejects(engine.sync(), {
    name: 'Refused',
    message: `the vault folder ${vault} is missing, so nothing was synced`,
    next: 'put-vault-folder-back',
  });
  assert.equal((await objectFiles(cloud)).length, 1);
  assert.ok(!(await exists(join(cloud, 'trash'))));
});

test("an empty folder in the vault folder's place (a drive not connected, the folder moved) is refused as a missing one; emptied in place, the deletions go through", async () => {
  const { root, vault, cloud, engine } = await makeVault({ files: { 'a.txt': 'one', 'case/b.txt': 'two' }, backup: true });
  await engine.sync();
  await engine.backup();
  const { rename } = await import('node:fs/promises');
  await rename(vault, join(root, 'moved-away'));
  await mkdir(vault);
  const sentence =
    /^the vault folder .* is empty and is not the folder synced before \(its drive or share may not be connected, or the folder was moved\), so nothing is synced; connect the drive or put the folder back, then sync again$/;
  await assert.rejects(engine.sync(), (e: Error) => e.name === 'Refused' && sentence.test(e.message));
  assert.equal((await objectFiles(cloud)).length, 2);
  assert.ok(!(await exists(join(cloud, 'trash'))));
  const status = await engine.status();
  const cloudHealth = status.health.find((h) => h.area === 'cloud')!;
  assert.equal(cloudHealth.ok, false);
  assert.match(cloudHealth.message, sentence);
  assert.deepEqual(Object.keys(status.lastSync!).sort(), ['at', 'deleted', 'failed', 'uploaded']);
  assert.equal(status.pendingDeletions, 0, 'no pass sends them while the folder is refused');
  await assert.rejects(
    engine.backup(),
    (e: Error) => e.name === 'Refused' && /is empty and is not the folder synced before .* so nothing is backed up; .* then back up again$/.test(e.message),
  );
  assert.equal((await engine.snapshots()).length, 1, 'no empty snapshot to become "the last backup"');

  await rm(vault, { recursive: true });
  await rename(join(root, 'moved-away'), vault);
  assert.equal((await engine.sync()).unchanged, 2);
  await rm(join(vault, 'a.txt'));
  await rm(join(vault, 'case'), { recursive: true });
  const emptied = await engine.sync();
  assert.equal(emptied.deleted, 2, 'the folder itself emptied: the person deleted the files');
  assert.equal((await readdir(join(cloud, 'trash'))).length, 2);
  assert.equal((await engine.status()).health.find((h) => h.area === 'cloud')!.ok, true);
  await engine.backup(); // emptied in place: a snapshot of no files is what the vault is
  assert.equal((await engine.snapshots()).length, 2);
});

test("a new file system at the vault's mount point is another folder: same device number and root inode, another birth time", () => {
  const was = { dev: 40, ino: 1, birth: 1_000 };
  assert.equal(replacedByEmpty(was, { dev: 40, ino: 1, birth: 2_000 }, 0, 3), true, 'a fresh tmpfs or ext4 mounted where the last one was');
  assert.equal(replacedByEmpty(was, { dev: 40, ino: 1, birth: 1_000 }, 0, 3), false, 'the same folder, emptied in place');
  assert.equal(replacedByEmpty(was, { dev: 40, ino: 1, birth: 2_000 }, 1, 3), false, 'not empty');
  assert.equal(replacedByEmpty(was, { dev: 40, ino: 1, birth: 2_000 }, 0, 0), false, 'nothing was synced from it');
  assert.equal(
    replacedByEmpty({ dev: 40, ino: 1 }, { dev: 40, ino: 1, birth: 2_000 }, 0, 3),
    false,
    'recorded before birth times were: device and inode decide',
  );
  assert.equal(replacedByEmpty({ dev: 40, ino: 1, birth: 0 }, { dev: 40, ino: 2, birth: 0 }, 0, 3), true, 'no birth times kept: device and inode decide');
  assert.equal(replacedByEmpty(undefined, { dev: 40, ino: 2 }, 0, 3), false, 'nothing recorded yet');
});

test('init refuses layouts that would leak plaintext or tangle the two folders', async () => {
  const root = await tempDir('layout');
  const mk = (n: string) => new Engine(join(root, `home-${n}`), env);
  const init = (n: string, vaultDir: string, dir: string) => mk(n).init({ vaultDir, cloud: { kind: 'folder', dir }, passphrase: PASSPHRASE });
  await assert.rejects(init('a', join(root, 'c1', 'vault'), join(root, 'c1')), { name: 'Refused' });
  await assert.rejects(init('b', join(root, 'v2'), join(root, 'v2', 'cloud')), { name: 'Refused' });
  await mkdir(join(root, 'MyDropbox'));
  await writeFile(join(root, 'MyDropbox', '.dropbox'), '');
  await assert.rejects(init('c', join(root, 'MyDropbox', 'cases'), join(root, 'c3')), /inside the cloud sync folder/);
  await assert.rejects(
    init('d', join(root, 'v4'), join(root, 'c4')).then(() => init('e', join(root, 'v5'), join(root, 'c4'))),
    /already holds a Casevault vault/,
  );
  await assert.rejects(
    new Engine(join(root, 'home-f'), env).init({ vaultDir: join(root, 'v6'), cloud: { kind: 'folder', dir: join(root, 'c6') }, passphrase: 'password123' }),
    { name: 'UsageError' },
  );
});

test('init refuses a backup folder inside the vault or the cloud folder (or holding either), as backup-folder does', async () => {
  const root = await tempDir('layout-backup');
  let n = 0;
  const init = (vault: string, cloud: string, backupDir: string) =>
    new Engine(join(root, `home-${n++}`), env).init({
      vaultDir: join(root, vault),
      cloud: { kind: 'folder', dir: join(root, cloud) },
      backupDir: join(root, backupDir),
      passphrase: PASSPHRASE,
    });
  await assert.rejects(init('v1', 'c1', 'v1/backups'), /backup folder must be outside the vault folder/);
  await assert.rejects(init('v2', 'c2', 'v2'), /backup folder must be outside the vault folder/);
  await assert.rejects(init('x3/v3', 'c3', 'x3'), /backup folder must be outside the vault folder/);
  await assert.rejects(init('v4', 'c4', 'c4'), /backup folder must be apart from the cloud folder/);
  await assert.rejects(init('v5', 'c5', 'c5/backups'), /backup folder must be apart from the cloud folder/);
  assert.equal(await exists(join(root, 'c1', 'casevault.key')), false, 'refused before anything is written');
  await init('v6', 'c6', 'usb/backups');
});

test('init killed after writing the key files but before keeping its settings is done again by the same init', async () => {
  const root = await tempDir('init-killed');
  const home = join(root, 'home');
  const o = { vaultDir: join(root, 'vault'), cloud: { kind: 'folder' as const, dir: join(root, 'cloud') }, passphrase: PASSPHRASE };
  await new Engine(home, env).init(o);
  await rm(join(home, 'config.json')); // the instant after both key files were written (tests/cli/kill.test.ts kills at random instants)
  const again = new Engine(home, env);
  const { recoveryKey } = await again.init(o);
  assert.ok(recoveryKey.length > 0, 'a new recovery key, shown this time');
  await writeFile(join(o.vaultDir, 'a.txt'), 'after the retry');
  assert.equal((await again.sync()).uploaded, 1);

  const other = join(root, 'home-other');
  await rm(join(home, 'config.json'));
  await writeFile(join(home, 'casevault.key'), 'not the cloud key file');
  await assert.rejects(
    new Engine(home, env).init(o),
    /already holds a Casevault vault/,
    'a different key file here: the cloud vault is not this half-made one',
  );
  await assert.rejects(new Engine(other, env).init(o), /already holds a Casevault vault/, 'another computer (no key file in its home) never takes it over');
});

test('files being written settle before upload, and a file that changes while read is retried', async () => {
  const { vault, engine } = await makeVault();
  await writeFile(join(vault, 'growing.log'), 'start');
  const writer = (async () => {
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 150));
      await writeFile(join(vault, 'growing.log'), `start ${'x'.repeat(i * 1000)}`);
    }
  })();
  const r = await engine.sync();
  await writer;
  assert.deepEqual(r.failed, []);
  // Whatever was uploaded, the next pass sees the final version and uploads it if it is newer.
  const r2 = await engine.sync();
  assert.ok(r2.uploaded <= 1);
  const st = await stat(join(vault, 'growing.log'));
  await utimes(join(vault, 'growing.log'), st.atime, st.mtime);
});

test('verify reads everything back and names what is damaged or missing', async () => {
  const { cloud, engine } = await makeVault({ files: { 'a.txt': 'one', 'b.txt': 'two' } });
  await engine.sync();
  await engine.unlock({ passphrase: PASSPHRASE });
  const good = await engine.verifyCloud();
  assert.equal(good.ok, 2);
  assert.deepEqual(good.bad, []);
  assert.ok(good.keyFileMatches);
  const [first, second] = await objectFiles(cloud);
  const path = join(cloud, 'objects', first!);
  const bytes = await (await import('node:fs/promises')).readFile(path);
  bytes[bytes.length - 5]! ^= 1;
  await writeFile(path, bytes);
  await rm(join(cloud, 'objects', second!));
  const bad = await engine.verifyCloud();
  assert.equal(bad.bad.length, 1);
  assert.equal(bad.missing.length, 1);
  await engine.lock();
  await assert.rejects(engine.verifyCloud(), { name: 'Locked' });
});

test('changing the passphrase rewraps only: objects untouched, old passphrase refused, recovery key still works', async () => {
  const { root, cloud, engine, recoveryKey } = await makeVault({ files: { 'a.txt': 'one' } });
  await engine.sync();
  const before = await objectFiles(cloud);
  await engine.unlock({ passphrase: PASSPHRASE });
  await engine.changePassphrase('seven orange kites drift over harbour');
  await engine.lock();
  assert.deepEqual(await objectFiles(cloud), before);
  await assert.rejects(engine.unlock({ passphrase: PASSPHRASE }), { name: 'WrongSecret' });
  await engine.unlock({ passphrase: 'seven orange kites drift over harbour' });
  await engine.lock();
  const { report } = await recoverInto(root, cloud, { recoveryKey });
  assert.equal(report.restored, 1);
});

test('hundreds of small files are sealed on worker threads, and a big one beside them streams, all recoverable', async () => {
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < 400; i++) files[`batch/${i % 7}/file-${i}.txt`] = randomBytes(i * 13);
  files['batch/large.bin'] = randomBytes(1024 * 1024 + 1);
  const { root, vault, cloud, engine } = await makeVault({ files });
  const r = await engine.sync();
  assert.equal(r.uploaded, 401);
  assert.deepEqual(r.failed, []);
  assert.equal((await objectFiles(cloud)).length, 401);
  assert.deepEqual(await readdir(join(cloud, 'tmp')), [], 'every object the workers wrote was renamed into place');
  const { target, report } = await recoverInto(root, cloud, { passphrase: PASSPHRASE });
  assert.deepEqual(report.failed, []);
  const want = await readTree(vault);
  const got = await readTree(target);
  assert.equal(got.size, want.size);
  for (const [p, d] of want) assert.ok(got.get(p)!.equals(d), p);
});

test('a file whose name is not valid UTF-8 is reported (sync fails for it, names it, and keeps everything else working)', async () => {
  // Beside it, a name that really holds U+FFFD (what a name not valid UTF-8 reads as): valid, and synced like any other.
  const { root, vault, cloud, engine } = await makeVault({ files: { 'fine.txt': 'ok', 'real\uFFFD.txt': 'a real replacement character' } });
  const { writeFileSync } = await import('node:fs');
  writeFileSync(Buffer.concat([Buffer.from(vault), Buffer.from('/bad'), Buffer.from([0xff, 0xfe]), Buffer.from('.txt')]), 'name is not UTF-8');
  const r = await engine.sync();
  assert.equal(r.uploaded, 2);
  assert.equal(r.failed.length, 1);
  assert.match(r.failed[0]!.reason, /not valid text/);
  assert.equal((await engine.status()).files.failed, 1);
  await rm(join(vault, 'fine.txt'));
  assert.equal((await engine.sync()).deleted, 1, 'deletions elsewhere in the folder still go through');
  assert.equal((await objectFiles(cloud)).length, 1, 'the file named with a real U+FFFD is still there');
  void root;
});

test('sync repairs the cloud: an unchanged file whose object was deleted is uploaded again', async () => {
  const { cloud, engine } = await makeVault({ files: { 'a.txt': 'one', 'b.txt': 'two', 'c.txt': 'three' } });
  await engine.sync();
  const [first, second] = await objectFiles(cloud);
  await rm(join(cloud, 'objects', first!));
  await rm(join(cloud, 'objects', second!));
  const r = await engine.sync();
  assert.equal(r.repaired, 2);
  assert.equal(r.uploaded, 2);
  assert.equal((await engine.sync()).uploaded, 0);
  await engine.unlock({ passphrase: PASSPHRASE });
  const v = await engine.verifyCloud();
  await engine.lock();
  assert.equal(v.ok, 3);
  assert.deepEqual(v.bad, []);
  assert.deepEqual(v.missing, []);
});

test('large files go up two at a time (each keeps the cipher busy; more would only hold buffers), small ones beside them', async () => {
  const { FolderRemote } = await import('../../engine/remotes/folder.js');
  const large = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`scans/scan-${i}.pdf`, randomBytes(1024 * 1024 + 1000 * i)]));
  const { cloud, engine } = await makeVault({ files: { ...large, 'note.txt': 'small' } });
  const put = FolderRemote.prototype.put;
  let streaming = 0;
  let most = 0;
  FolderRemote.prototype.put = async function (this: InstanceType<typeof FolderRemote>, name, data) {
    if (data instanceof Uint8Array) return put.call(this, name, data); // a small file, sealed in memory
    most = Math.max(most, ++streaming);
    try {
      return await put.call(this, name, data);
    } finally {
      streaming--;
    }
  };
  try {
    const r = await engine.sync();
    assert.equal(r.uploaded, 7);
    assert.deepEqual(r.failed, []);
  } finally {
    FolderRemote.prototype.put = put;
  }
  assert.equal(most, 2, 'two large files at once, never more');
  assert.equal((await objectFiles(cloud)).length, 7);
});
