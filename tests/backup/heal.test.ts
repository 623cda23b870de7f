// A damaged backup heals: blobs that verify --backup finds failing
// authentication are recorded on this computer (pack and blob IDs only), the
// next backup stores their chunks again in new packs, and every reader uses
// the sound copy from then on. The real command, real folders, real crypto.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { damageEveryBlob } from '../helpers/backup-damage.js';
import { listFiles } from '../helpers/fs.js';
import { makeVault, type TestVault } from '../helpers/vault.js';

/** A vault of one file, backed up once, every blob of the backup then damaged on the drive. */
async function backedUpThenDamaged(): Promise<{ v: TestVault; content: string }> {
  const content = `case notes ${randomBytes(3000).toString('base64')}`;
  const v = await makeVault({ files: { 'case.txt': content }, backup: true });
  assert.equal((await v.cli(['backup'])).code, 0);
  await damageEveryBlob(v.home, v.backup);
  return { v, content };
}

/** `restore --snapshot latest` into `dir` (under the vault's temporary root) gives case.txt back whole. */
async function restoresLatest(v: TestVault, dir: string, content: string): Promise<void> {
  const r = await v.cli(['restore', '--snapshot', 'latest', '--to', join(v.root, dir)]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await readFile(join(v.root, dir, 'case.txt'), 'utf8'), content);
}

test('after verify --backup finds damaged chunks, the next backup stores them again: latest restores, and only history that needs a lost version stays damaged', async () => {
  const content = `case notes ${randomBytes(3000).toString('base64')}`;
  const v = await makeVault({ files: { 'case.txt': content, 'old.txt': `an earlier letter ${randomBytes(3000).toString('base64')}` }, backup: true });
  const b1 = await v.cli(['backup']);
  assert.equal(b1.code, 0, b1.stderr);
  const first = b1.stdout.trim();
  await rm(join(v.vault, 'old.txt')); // its version lives on only in the first snapshot
  assert.equal(await damageEveryBlob(v.home, v.backup), 2);

  const found = await v.cli(['verify', '--backup']);
  assert.equal(found.code, 3, found.stderr);
  assert.match(found.stderr, /take a new backup now/);
  const state = JSON.parse(await readFile(join(v.home, 'backup-state.json'), 'utf8')) as { damaged: string[] };
  assert.equal(state.damaged.length, 2);
  for (const d of state.damaged) assert.match(d, /^[0-9a-f]{32}:[0-9a-f]{64}$/, 'IDs only: no name, no content');

  const b2 = await v.cli(['backup']);
  assert.equal(b2.code, 0, b2.stderr);
  const second = b2.stdout.trim();
  assert.equal((await listFiles(join(v.backup, 'packs'))).length, 2, "case.txt's chunk stored again, in a new pack");

  await restoresLatest(v, 'latest', content);

  // The first snapshot's case.txt is the same chunk, so it is whole again; its old.txt was never stored again.
  const old = await v.cli(['restore', '--snapshot', first, '--to', join(v.root, 'first')]);
  assert.equal(old.code, 3, old.stderr);
  assert.equal(await readFile(join(v.root, 'first', 'case.txt'), 'utf8'), content);
  assert.deepEqual(await listFiles(join(v.root, 'first')), ['case.txt']);

  const after = await v.cli(['verify', '--backup']);
  assert.equal(after.code, 3, 'the damaged pack is still damaged');
  assert.match(after.stdout, new RegExp(`Snapshot ${first} needs damaged`));
  assert.doesNotMatch(after.stdout, new RegExp(`Snapshot ${second}`));

  // A later backup deduplicates against the sound copy: nothing stored again, nothing more to read.
  const b3 = await v.cli(['backup']);
  assert.equal(b3.code, 0, b3.stderr);
  assert.equal((await listFiles(join(v.backup, 'packs'))).length, 2);
  await restoresLatest(v, 'third', content);
});

test('a restore that meets a damaged chunk records it too: the next backup stores it again, with no verify between', async () => {
  const { v, content } = await backedUpThenDamaged();

  const failed = await v.cli(['restore', '--snapshot', 'latest', '--to', join(v.root, 'out')]);
  assert.equal(failed.code, 3, failed.stderr);
  const state = JSON.parse(await readFile(join(v.home, 'backup-state.json'), 'utf8')) as { damaged: string[] };
  assert.equal(state.damaged.length, 1);

  assert.equal((await v.cli(['backup'])).code, 0);
  await restoresLatest(v, 'healed', content);
});

test('once every damaged chunk is stored again, verify --backup says so and points at the prune that removes the damaged pack, not at yet another backup', async () => {
  const { v, content } = await backedUpThenDamaged();
  const found = await v.cli(['verify', '--backup']);
  assert.equal(found.code, 3, found.stderr);
  assert.match(found.stderr, /take a new backup now/);

  assert.equal((await v.cli(['backup'])).code, 0);
  const healed = await v.cli(['verify', '--backup']);
  assert.equal(healed.code, 3, 'the damaged pack is still in the folder');
  assert.match(healed.stderr, /every snapshot restores in full; the next `casevault forget --prune` removes it/);
  assert.doesNotMatch(healed.stderr, /take a new backup/);
  assert.doesNotMatch(healed.stdout, /^Snapshot .* needs damaged/m);

  const pruned = await v.cli(['forget', '--prune']);
  assert.equal(pruned.code, 0, pruned.stderr);
  const clean = await v.cli(['verify', '--backup']);
  assert.equal(clean.code, 0, clean.stderr);
  assert.match(clean.stdout, /0 problems/);
  await restoresLatest(v, 'out', content);
});

test("status after verify --backup found damaged data: the backups' health is not ok until a backup stores it again", async () => {
  const { v } = await backedUpThenDamaged();
  const backupsHealth = async () =>
    (JSON.parse((await v.cli(['status', '--json'])).stdout) as { health: { area: string; ok: boolean; message: string }[] }).health.find(
      (h) => h.area === 'backups',
    )!;
  assert.equal((await backupsHealth()).ok, true, 'nothing is known of the damage before a check');
  assert.equal((await v.cli(['verify', '--backup'])).code, 3);
  const found = await backupsHealth();
  assert.equal(found.ok, false, found.message);
  assert.match(found.message, /^the last check found damaged data in the backup folder; back up now, so that the damaged parts are stored again/);
  assert.equal((await v.cli(['backup'])).code, 0);
  assert.equal((await backupsHealth()).ok, true);
});
