// Restore on the workers (engine/backup/chunk-pool.ts): a large file is
// written in ranges by several workers at once and comes back byte for byte
// with its date; a blob of it is damaged (a worker opens every blob, under
// the slot keys the main thread derives), and that file alone is reported
// damaged, with nothing half-written under any name.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { configWriteKeys, loadConfig } from '../../engine/config.js';
import { packName, Repository } from '../../engine/backup/repository.js';
import { FolderStorage } from '../../engine/backup/storage.js';
import { listFiles, readTree } from '../helpers/fs.js';
import { makeVault, SMALL_BACKUPS } from '../helpers/vault.js';
import { withBackupApi } from './helpers.js';

test('a large file restores in ranges on the workers, whole and dated; a blob damaged where only a worker opens it fails that file alone', async () => {
  const big = randomBytes(9 * 1024 * 1024 + 17); // more than two ranges (JOB_BYTES in engine/backup/restore.ts)
  const files: Record<string, Buffer> = { 'case-a/big.bin': big };
  for (let i = 0; i < 20; i++) files[`case-b/note-${i}.txt`] = Buffer.from(`note ${i}\n`.repeat(200 + i));
  const v = withBackupApi(await makeVault({ files, backup: true, backupParams: SMALL_BACKUPS }));
  await v.api.backup();
  await v.unlock();

  const whole = join(v.root, 'whole');
  const r1 = await v.api.restore({ to: whole });
  assert.deepEqual(r1.failed, []);
  assert.equal(r1.restored, 21);
  const got = await readTree(whole);
  for (const [p, d] of Object.entries(files)) assert.ok(got.get(p)?.equals(d), p);
  const [before, after] = await Promise.all([stat(join(v.vault, 'case-a/big.bin')), stat(join(whole, 'case-a/big.bin'))]);
  assert.equal(Math.floor(after.mtimeMs), Math.floor(before.mtimeMs));

  // The big file's blob that comes last in a pack holding several of them (read in one run with the blobs before it).
  const repo = await Repository.open(new FolderStorage(v.backup), configWriteKeys(await loadConfig(v.home)));
  await repo.loadIndex();
  const perPack = new Map<string, { offset: number; length: number }[]>();
  for (const loc of repo.blobs.values()) {
    if (loc.entry.rawLength < 4096) continue; // a note (the big file's chunks are at least the chunker's minimum)
    perPack.set(loc.pack, [...(perPack.get(loc.pack) ?? []), loc.entry]);
  }
  const [pack, entries] = [...perPack].sort((a, b) => b[1].length - a[1].length)[0]!;
  assert.ok(entries.length >= 4, `${entries.length} blobs in the fullest pack`);
  const last = entries.sort((a, b) => b.offset - a.offset)[0]!;
  const fh = await open(join(v.backup, packName(pack)), 'r+');
  const one = Buffer.alloc(1);
  await fh.read(one, 0, 1, last.offset + (last.length >> 1));
  one[0]! ^= 1;
  await fh.write(one, 0, 1, last.offset + (last.length >> 1));
  await fh.close();

  const damaged = join(v.root, 'damaged');
  const r2 = await v.api.restore({ to: damaged });
  assert.deepEqual(
    r2.failed.map((f) => [f.path, f.damaged]),
    [['case-a/big.bin', true]],
  );
  assert.match(r2.failed[0]!.reason, /damaged or tampered/);
  assert.equal(r2.restored, 20);
  assert.deepEqual(
    (await listFiles(damaged)).filter((p) => p.startsWith('case-a')),
    [],
    'nothing of the damaged file, not even a temporary one',
  );
});
