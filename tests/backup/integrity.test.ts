// Bad input: damaged packs and manifests, swapped blobs, forged manifests,
// foreign repositories and folders that are not repositories, a full disk.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { blobId, openPackHeader, PACK_PREFIX, ready, sealManifest } from '../../crypto/backup/index.js';
import { configWriteKeys, loadConfig } from '../../engine/config.js';
import { Repository } from '../../engine/backup/repository.js';
import { FolderStorage } from '../../engine/backup/storage.js';
import { FolderRemote } from '../../engine/remotes/folder.js';
import { listFiles, readTree } from '../helpers/fs.js';
import { makeVault, SMALL_BACKUPS } from '../helpers/vault.js';
import { withBackupApi } from './helpers.js';

async function packFiles(backupDir: string): Promise<string[]> {
  return (await listFiles(join(backupDir, 'packs'))).map((p) => join(backupDir, 'packs', p));
}

async function openRepo(home: string, backupDir: string): Promise<Repository> {
  const repo = await Repository.open(new FolderStorage(backupDir), configWriteKeys(await loadConfig(home)));
  await repo.loadIndex();
  return repo;
}

test('a damaged pack: verify names it and fails; restore recovers every file that does not need it', async () => {
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < 30; i++) files[`case-${i}/doc.bin`] = randomBytes(60_000 + i);
  const v = withBackupApi(await makeVault({ files, backup: true, backupParams: SMALL_BACKUPS }));
  const snap = await v.api.backup();
  await v.unlock();
  const clean = await v.api.verify();
  assert.deepEqual(clean.bad, []);
  assert.ok(clean.packs >= 3, `${clean.packs} packs`);

  const packs = await packFiles(v.backup);
  const victim = packs[1]!;
  const bytes = await readFile(victim);
  bytes[bytes.length >> 1]! ^= 1;
  await writeFile(victim, bytes);
  const r = await v.api.verify();
  const victimHex = victim.split('/').at(-1)!;
  assert.ok(
    r.bad.some((b) => b.item === `pack ${victimHex}`),
    JSON.stringify(r.bad),
  );
  assert.deepEqual(r.damagedSnapshots, [snap.snapshot]);

  const to = join(v.root, 'out');
  const rr = await v.api.restore({ to });
  assert.ok(rr.failed.length >= 1 && rr.failed.length <= 3, `${rr.failed.length} files need the damaged part`);
  assert.equal(rr.restored + rr.failed.length, 30);
  const got = await readTree(to);
  for (const [p, d] of got) assert.ok(d.equals(files[p]!), p);
  for (const f of rr.failed) assert.ok(!got.has(f.path), 'no partial file for a damaged one');
});

test("blobs swapped between packs, and a pack renamed to another pack's name, are refused", async () => {
  const v = withBackupApi(
    await makeVault({
      files: { 'a.bin': randomBytes(200_000), 'b.bin': randomBytes(200_000), 'c.bin': randomBytes(200_000) },
      backup: true,
      backupParams: SMALL_BACKUPS,
    }),
  );
  await v.api.backup();
  await v.unlock();
  const repo = await openRepo(v.home, v.backup);
  const [p1, p2] = [...repo.packs.values()];
  assert.ok(p1 && p2);
  // Copy the first blob of p2 over the first blob of p1 (same length region where possible).
  const e1 = p1.header.entries[0]!;
  const e2 = p2.header.entries.find((e) => e.length === e1.length) ?? p2.header.entries[0]!;
  const f1 = join(v.backup, 'packs', p1.hex.slice(0, 2), p1.hex);
  const f2 = join(v.backup, 'packs', p2.hex.slice(0, 2), p2.hex);
  const b1 = await readFile(f1);
  const b2 = await readFile(f2);
  b2.copy(b1, e1.offset, e2.offset, e2.offset + Math.min(e1.length, e2.length));
  await writeFile(f1, b1);
  const r = await v.api.verify();
  assert.ok(r.bad.some((b) => b.item === `pack ${p1.hex}`));

  // Whole packs exchanged: the header is bound to the pack's name.
  await rename(f2, `${f2}.x`);
  await rename(f1, f2);
  await rename(`${f2}.x`, f1);
  await assert.rejects(repo.readPackHeader(p1.hex), { name: 'DamagedData' });
  const r2 = await v.api.verify();
  assert.ok(r2.bad.length >= 2);
});

test('a manifest forged from existing chunks without the MAC key, or renamed, is refused; a deleted one is reported', async () => {
  const v = withBackupApi(
    await makeVault({ files: { 'letter.txt': 'the real letter', 'x.bin': randomBytes(50_000) }, backup: true, backupParams: SMALL_BACKUPS }),
  );
  const s1 = await v.api.backup();
  await v.unlock();
  const repo = await openRepo(v.home, v.backup);
  const sodium = await ready();
  // The attacker knows the public key and which blob IDs exist (say), but not the repository's write-derived keys.
  const forgedKeys = { ...repo.keys, manifestMacKey: randomBytes(32), indexKey: randomBytes(32) };
  const ids = [...repo.blobs.values()].map((l) => l.entry.id);
  const forgedId = randomBytes(16);
  const forged = sealManifest(sodium, forgedKeys, forgedId, Date.now(), [{ path: 'evil.txt', size: ids.length, mtimeMs: 0, chunks: ids }]);
  const name = Buffer.from(forgedId).toString('hex');
  await writeFile(join(v.backup, 'snapshots', name), forged);
  await assert.rejects(v.api.restore({ to: join(v.root, 'o1'), snapshot: name }), { name: 'DamagedData' });
  // Even with the right index key but not the MAC key.
  const forged2 = sealManifest(sodium, { ...repo.keys, manifestMacKey: randomBytes(32) }, forgedId, Date.now(), [
    { path: 'evil.txt', size: 1, mtimeMs: 0, chunks: ids.slice(0, 1) },
  ]);
  await writeFile(join(v.backup, 'snapshots', name), forged2);
  await assert.rejects(v.api.restore({ to: join(v.root, 'o2'), snapshot: name }), { name: 'DamagedData' });
  // A genuine manifest under another name: the snapshot ID is bound.
  await writeFile(join(v.backup, 'snapshots', name), await readFile(join(v.backup, 'snapshots', s1.snapshot)));
  await assert.rejects(v.api.restore({ to: join(v.root, 'o3'), snapshot: name }), { name: 'DamagedData' });
  const r = await v.api.verify();
  assert.ok(r.bad.some((b) => b.item === `snapshot ${name}`));
  await rm(join(v.backup, 'snapshots', name));

  // Deleting a snapshot this computer wrote is noticed.
  await rm(join(v.backup, 'snapshots', s1.snapshot));
  const r2 = await v.api.verify();
  assert.ok(
    r2.bad.some((b) => b.item === `snapshot ${s1.snapshot}` && /missing/.test(b.reason)),
    JSON.stringify(r2.bad),
  );
  // Blob IDs are keyed: an unkeyed hash of a known file matches nothing.
  const plain = Buffer.from('the real letter');
  const known = [sodium.crypto_generichash(32, plain, null), new Uint8Array(await crypto.subtle.digest('SHA-256', plain))];
  for (const k of known) assert.ok(!repo.blobs.has(Buffer.from(k).toString('hex')));
  assert.ok(repo.blobs.has(Buffer.from(blobId(sodium, repo.keys.idKey, [plain])).toString('hex')));
});

test("another vault's repository and a folder that is not a repository are refused; a missing drive is not recreated", async () => {
  const a = withBackupApi(await makeVault({ files: { 'a.txt': 'a' }, backup: true, backupParams: SMALL_BACKUPS }));
  const b = withBackupApi(await makeVault({ files: { 'b.txt': 'b' }, backup: true, backupParams: SMALL_BACKUPS }));
  await a.api.backup();
  const config = JSON.parse(await readFile(join(b.home, 'config.json'), 'utf8'));
  config.backupDir = a.backup;
  await writeFile(join(b.home, 'config.json'), JSON.stringify(config));
  await assert.rejects(b.api.backup(), (e: Error) => e.name === 'ForeignBackups' && /another vault/.test(e.message));

  const other = join(b.root, 'photos');
  await mkdir(other);
  await writeFile(join(other, 'holiday.jpg'), 'x');
  config.backupDir = other;
  await writeFile(join(b.home, 'config.json'), JSON.stringify(config));
  await assert.rejects(b.api.backup(), (e: Error) => e.name === 'Refused' && /not empty/.test(e.message));
  assert.deepEqual(await readdir(other), ['holiday.jpg']);

  // The drive is unplugged: the folder is gone, or an empty mount point.
  await rename(a.backup, `${a.backup}-away`);
  await assert.rejects(a.api.backup(), { name: 'BackupTargetMissing' });
  await mkdir(a.backup);
  await assert.rejects(a.api.backup(), { name: 'BackupTargetMissing' });
  await rm(a.backup, { recursive: true });
  await rename(`${a.backup}-away`, a.backup);
  await a.api.backup();
  const runs = JSON.parse(await readFile(join(a.home, 'backup-state.json'), 'utf8')).runs;
  assert.deepEqual(
    runs.map((r: { ok: boolean }) => r.ok),
    [true, false, false, true],
  );
});

test('disk full during a backup fails cleanly; the repository stays valid and the next backup completes it', async () => {
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < 12; i++) files[`f${i}.bin`] = randomBytes(100_000);
  const v = withBackupApi(await makeVault({ files, backup: true, backupParams: SMALL_BACKUPS }));
  let budget = 600_000;
  const full = (dir: string) => {
    const inner = new FolderRemote(dir);
    const remote = Object.create(inner) as FolderRemote;
    remote.put = async (name, data) => {
      const n = data instanceof Uint8Array ? data.length : 0;
      if (name.startsWith('packs/') && (budget -= n) < 0) throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
      return inner.put(name, data);
    };
    return new FolderStorage(dir, remote);
  };
  await assert.rejects(v.withDeps({ storageFor: full }).backup(), { code: 'ENOSPC' });
  assert.deepEqual(await listFiles(join(v.backup, 'snapshots')).catch(() => []), []);
  assert.ok(!(await listFiles(v.backup)).includes('lock'), 'the lock is released');
  const done = await v.api.backup();
  assert.ok(done.blobsAdded < 120, 'packs written before the disk filled up are reused');
  await v.unlock();
  assert.deepEqual((await v.api.verify()).bad, []);
  const to = join(v.root, 'out');
  await v.api.restore({ to });
  const got = await readTree(to);
  for (const [p, d] of Object.entries(files)) assert.ok(got.get(p)!.equals(d));
});

test('the chunker is keyed per repository: the same file gets different cut points in two repositories', async () => {
  const data = randomBytes(600_000);
  const cuts: number[][] = [];
  for (let i = 0; i < 2; i++) {
    const v = withBackupApi(await makeVault({ files: { 'same.bin': data }, backup: true, backupParams: SMALL_BACKUPS }));
    await v.api.backup();
    const repo = await openRepo(v.home, v.backup);
    cuts.push([...repo.blobs.values()].map((l) => l.entry.rawLength).sort((x, y) => x - y));
    const [p] = [...repo.packs.values()];
    const head = await repo.storage.readRange(`packs/${p!.hex.slice(0, 2)}/${p!.hex}`, 0, PACK_PREFIX + 100_000);
    assert.ok(openPackHeader(repo.sodium, repo.keys.indexKey, Buffer.from(p!.hex, 'hex'), head));
    for (const l of repo.blobs.values()) assert.ok(l.entry.rawLength > SMALL_BACKUPS.chunker.min || l.entry.rawLength === cuts.at(-1)![0]);
  }
  assert.notDeepEqual(cuts[0], cuts[1]);
});
