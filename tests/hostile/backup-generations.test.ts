// Issue 15, item 2: rotating the keys revokes the lost computer's hold on
// the backups. The thief has the lost laptop's write keys (config.json) and
// once read the backup folder's `config`, so holds the repository secret of
// that key generation for good. After the rotation the next generation has a
// secret of its own: a snapshot the thief seals under the old secret is
// refused (never "latest", named by `verify --backup`, exit 3), and the old
// keys no longer compute the chunk ID of a known document backed up since.
// Snapshots from before the rotation still restore, and forget/prune work
// across the generations.
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { BLOB_DATA, blobId, deriveRepoKeys, openRepoConfig, PackBuilder, ready, repoWrapKey, sealManifest } from '../vectors/backup-vector-imports.js';
import { Repository } from '../../engine/backup/repository.js';
import { FolderStorage } from '../../engine/backup/storage.js';
import { configWriteKeys, loadConfig } from '../../engine/config.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { writeKeysOfConfig } from '../helpers/forge-from-docs.js';
import { readTree } from '../helpers/fs.js';
import { makeVault, SMALL_BACKUPS } from '../helpers/vault.js';
import { ROTATED } from '../rotate/helpers.js';

const files = { 'a.txt': 'member A, the real text', 'b/c.txt': 'member C' };
const KNOWN = 'The branch secretary resigns on Friday; tell nobody yet.\n'.repeat(20); // under one chunk (SMALL_BACKUPS min 4 KiB)

/** The vault backed up, the thief's loot taken (write keys and the backup config), the keys rotated, and one more backup. */
async function rotatedWithThief() {
  const v = await makeVault({ files, backedUp: true, backupParams: SMALL_BACKUPS });
  const lost = writeKeysOfConfig(JSON.parse(await readFile(join(v.home, 'config.json'), 'utf8')));
  const earlierConfig = await readFile(join(v.backup, 'config'));
  const before = (await v.engine.snapshots()).map((s) => s.id);
  await v.engine.unlock({ passphrase: PASSPHRASE });
  await v.engine.rotateKeys({ newPassphrase: ROTATED });
  await v.engine.finishKeyRotation();
  await writeFile(join(v.vault, 'known.txt'), KNOWN);
  await v.engine.backup();
  const sodium = await ready();
  const { secret } = openRepoConfig(sodium, await repoWrapKey(lost), earlierConfig);
  const thief = await deriveRepoKeys(secret, lost.publicKey);
  return { v, thief, before, sodium };
}

test('a snapshot forged with the lost keys and an earlier read of the backup config is refused, never latest, and named by verify --backup', async () => {
  const { v, thief, sodium } = await rotatedWithThief();
  // A pack with the planted text and a manifest naming it a.txt, dated tomorrow.
  const planted = new TextEncoder().encode('planted by the thief');
  const id = blobId(sodium, thief.idKey, [planted]);
  const builder = new PackBuilder(sodium, thief);
  builder.add(BLOB_DATA, id, planted);
  const packId = new Uint8Array(randomBytes(16));
  const pack = builder.finish(packId);
  const packHex = Buffer.from(packId).toString('hex');
  await mkdir(join(v.backup, 'packs', packHex.slice(0, 2)), { recursive: true });
  await writeFile(join(v.backup, 'packs', packHex.slice(0, 2), packHex), pack.bytes);
  const snapId = new Uint8Array(randomBytes(16));
  const forged = Buffer.from(snapId).toString('hex');
  const manifest = sealManifest(sodium, thief, snapId, Date.now() + 86_400_000, [{ path: 'a.txt', size: planted.length, mtimeMs: Date.now(), chunks: [id] }]);
  await writeFile(join(v.backup, 'snapshots', forged), manifest);

  const listed = await v.engine.snapshots();
  assert.ok(!listed.some((s) => s.id === forged), 'the forged snapshot is not listed as a backup');
  const to = join(v.root, 'restored');
  await v.engine.restoreBackup({ to });
  assert.equal(await readFile(join(to, 'a.txt'), 'utf8'), files['a.txt'], 'latest is the real backup');

  const r = await v.cli(['verify', '--backup'], { CASEVAULT_PASSPHRASE: ROTATED });
  assert.equal(r.code, 3, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, new RegExp(`snapshot ${forged}.*earlier keys`));
});

test('the lost keys cannot compute the chunk ID of a known document backed up after the rotation', async () => {
  const { v, thief, sodium } = await rotatedWithThief();
  const guess = Buffer.from(blobId(sodium, thief.idKey, [new TextEncoder().encode(KNOWN)])).toString('hex');
  const repo = await Repository.open(new FolderStorage(v.backup), configWriteKeys(await loadConfig(v.home)));
  const snaps = await repo.listSnapshots();
  const held = new Set<string>();
  for (const s of snaps) for (const b of (await repo.readSummary(s)).blobs) held.add(Buffer.from(b).toString('hex'));
  const latest = (await v.engine.snapshots()).at(-1)!;
  assert.equal(latest.files, 3, 'the known document is in the latest backup');
  assert.ok(!held.has(guess), "the thief's chunk ID for it matches nothing the backups hold");
});

test('snapshots from before the rotation restore with the new passphrase; forget and prune work across the generations, and refuse when a kept one lacks data', async () => {
  const { v, before } = await rotatedWithThief();
  await v.engine.unlock({ passphrase: ROTATED });
  const to = join(v.root, 'old');
  await v.engine.restoreBackup({ snapshot: before[0]!, to });
  const want = await readTree(v.vault);
  want.delete('known.txt');
  assert.deepEqual(await readTree(to), want);
  assert.equal((await v.engine.verifyBackup()).bad.length, 0);

  // Keep both (one of each generation); prune rewrites nothing it needs.
  const r = await v.engine.forget({ prune: true, policy: { last: 2, daily: 0, weekly: 0, monthly: 0, yearly: 0 } });
  assert.equal(r.removed.length, 0);
  assert.equal((await v.engine.verifyBackup()).bad.length, 0);
  await v.engine.restoreBackup({ snapshot: before[0]!, to: join(v.root, 'old-again') });

  // Lose the old generation's packs: prune refuses while its snapshot is kept.
  const packs = join(v.backup, 'packs');
  const all: string[] = [];
  for (const d of await readdir(packs)) for (const f of await readdir(join(packs, d))) all.push(join(packs, d, f));
  const listed = await v.engine.snapshots();
  assert.equal(listed.length, 2);
  for (const p of all) await rm(p);
  await assert.rejects(v.engine.forget({ prune: true, policy: { last: 2, daily: 0, weekly: 0, monthly: 0, yearly: 0 } }), /missing from the backup folder/);

  // Forget the old generation's snapshot: the new one alone is kept.
  const v2 = (await rotatedWithThief()).v;
  await v2.engine.unlock({ passphrase: ROTATED });
  const f = await v2.engine.forget({ prune: true, policy: { last: 1, daily: 0, weekly: 0, monthly: 0, yearly: 0 } });
  assert.equal(f.removed.length, 1);
  assert.equal((await v2.engine.verifyBackup()).bad.length, 0);
  await v2.engine.restoreBackup({ to: join(v2.root, 'latest') });
  assert.equal(await readFile(join(v2.root, 'latest', 'known.txt'), 'utf8'), KNOWN);
});

test('the backup config put back to a generation before the one this computer has seen is refused, before anything is written', async () => {
  const v = await makeVault({ files, backedUp: true, backupParams: SMALL_BACKUPS });
  const old = JSON.parse(await readFile(join(v.home, 'config.json'), 'utf8')) as { authKey: string };
  const earlierConfig = await readFile(join(v.backup, 'config'));
  await v.engine.unlock({ passphrase: PASSPHRASE });
  await v.engine.rotateKeys({ newPassphrase: ROTATED });
  await v.engine.finishKeyRotation();
  const state = JSON.parse(await readFile(join(v.home, 'backup-state.json'), 'utf8')) as { repoId: string; generation: number };
  assert.equal(state.generation, 1, 'this computer pinned the generation the rotation made');
  // Whoever kept the earlier config puts it back; even with the earlier auth key at hand (as while a rotation waits for the drive), it is refused.
  await writeFile(join(v.backup, 'config'), earlierConfig);
  const storage = new FolderStorage(v.backup);
  await assert.rejects(
    Repository.open(storage, configWriteKeys(await loadConfig(v.home)), undefined, [old.authKey], { repoId: state.repoId, generation: state.generation }),
    /put back to an earlier copy/,
  );
  assert.deepEqual(await readFile(join(v.backup, 'config')), earlierConfig, 'nothing written');
});
