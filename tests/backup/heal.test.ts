// A damaged backup heals: blobs that verify --backup finds failing
// authentication, or in a pack the index lists that is missing or cut short,
// are recorded on this computer (pack and blob IDs only), the next backup
// stores their chunks again in new packs, and every reader uses the sound
// copy from then on. The real command, real folders, real crypto.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { damageEveryBlob, loseEveryPack } from '../helpers/backup-damage.js';
import { exists, listFiles } from '../helpers/fs.js';
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

/** The backups area of `status --json`'s health. */
async function backupsHealth(v: TestVault): Promise<{ ok: boolean; message: string; next?: string }> {
  const status = JSON.parse((await v.cli(['status', '--json'])).stdout) as { health: { area: string; ok: boolean; message: string; next?: string }[] };
  return status.health.find((h) => h.area === 'backups')!;
}

const FOUND = 'the last check found damaged or missing data in the backup folder; back up now, so that those parts are stored again';

/** The backups' health says what a check found, and what to do: back up. */
async function saysFound(v: TestVault): Promise<void> {
  const h = await backupsHealth(v);
  assert.equal(h.ok, false, h.message);
  assert.equal(h.message, FOUND);
  assert.equal(h.next, 'take-backup');
}

test("status after verify --backup found damaged data: the backups' health is not ok until a backup stores it again", async () => {
  const { v } = await backedUpThenDamaged();
  assert.equal((await backupsHealth(v)).ok, true, 'nothing is known of the damage before a check');
  assert.equal((await v.cli(['verify', '--backup'])).code, 3);
  await saysFound(v);
  assert.equal((await v.cli(['backup'])).code, 0);
  assert.equal((await backupsHealth(v)).ok, true);
});

const LOST = {
  missing: 'listed in the index but missing from the backup folder',
  truncated: 'its size differs from the index: damaged or replaced',
} as const;
const LOST_WORDS = { missing: 'missing from the backup folder', truncated: 'cut short in the backup folder' } as const;

/** A vault of a large and a small file, backed up once, every pack of the backup then lost (deleted or cut short). */
async function backedUpThenLost(how: keyof typeof LOST): Promise<{ v: TestVault; files: Record<string, Buffer> }> {
  const files = { 'evidence.bin': randomBytes(200_000), 'case.txt': Buffer.from(`case notes ${randomBytes(300).toString('base64')}`) };
  const v = await makeVault({ files, backup: true });
  assert.equal((await v.cli(['backup'])).code, 0);
  assert.ok((await loseEveryPack(v.home, v.backup, how)) > 0);
  return { v, files };
}

/** `restore` (of `path`, or of all) of the latest snapshot into `dir` gives those files back byte for byte. */
async function restoresWhole(v: TestVault, dir: string, files: Record<string, Buffer>, path?: string): Promise<void> {
  const r = await v.cli(['restore', '--to', join(v.root, dir), ...(path ? ['--path', path] : [])]);
  assert.equal(r.code, 0, r.stderr);
  for (const [name, content] of Object.entries(files)) if (!path || name === path) assert.deepEqual(await readFile(join(v.root, dir, name)), content);
}

for (const how of ['missing', 'truncated'] as const) {
  test(`a pack ${LOST_WORDS[how]}: verify --backup records it, the health says to back up, and that backup stores its chunks again (prune clears the index)`, async () => {
    const { v, files } = await backedUpThenLost(how);
    const found = await v.cli(['verify', '--backup']);
    assert.equal(found.code, 3, found.stderr);
    assert.match(found.stdout, new RegExp(`^Bad: pack [0-9a-f]{32}: ${LOST[how]}$`, 'm'));
    assert.match(found.stderr, /take a new backup now/);
    await saysFound(v);
    const state = JSON.parse(await readFile(join(v.home, 'backup-state.json'), 'utf8')) as { damaged: string[] };
    assert.ok(state.damaged.length > 0);
    for (const d of state.damaged) assert.match(d, /^[0-9a-f]{32}:[0-9a-f]{64}$/, 'IDs only: no name, no content');

    assert.equal((await v.cli(['backup'])).code, 0);
    assert.equal((await backupsHealth(v)).ok, true);
    await restoresWhole(v, 'after-backup', files);

    // Every chunk is stored again, so only the index's stale entry (and a cut-short pack's file) is left: prune, not another backup.
    const healed = await v.cli(['verify', '--backup']);
    assert.equal(healed.code, 3, healed.stderr);
    assert.match(
      healed.stdout,
      new RegExp(`^Bad: pack [0-9a-f]{32}: ${LOST[how]}; a later backup stored each of its chunks again, sound, in another pack$`, 'm'),
    );
    assert.match(healed.stderr, /every snapshot restores in full; the next `casevault forget --prune` removes it/);
    assert.doesNotMatch(healed.stdout, /^Snapshot .* needs damaged/m);
    assert.equal((await backupsHealth(v)).ok, true, 'a check finding only what was recorded before finds nothing new');

    assert.equal((await v.cli(['forget', '--prune'])).code, 0);
    const clean = await v.cli(['verify', '--backup']);
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stdout, /0 problems/);
    assert.equal((await listFiles(join(v.backup, 'packs'))).length, 1, 'only the pack the second backup wrote');
    await restoresWhole(v, 'after-prune', files);
    assert.equal((await backupsHealth(v)).ok, true);
  });

  test(`a restore of everything that meets a pack ${LOST_WORDS[how]} records it too: the health says to back up until a backup stores it again`, async () => {
    const { v, files } = await backedUpThenLost(how);
    const failed = await v.cli(['restore', '--to', join(v.root, 'out')]);
    assert.equal(failed.code, 3, failed.stderr);
    assert.match(failed.stdout, /^Restored 0 files/m);
    await saysFound(v);
    assert.equal((await v.cli(['backup'])).code, 0);
    assert.equal((await backupsHealth(v)).ok, true);
    await restoresWhole(v, 'healed', files);
  });

  test(`a restore of one file that meets a pack ${LOST_WORDS[how]} records it too`, async () => {
    const { v, files } = await backedUpThenLost(how);
    const failed = await v.cli(['restore', '--path', 'evidence.bin', '--to', join(v.root, 'out')]);
    assert.equal(failed.code, 3, failed.stderr);
    assert.equal(await exists(join(v.root, 'out', 'evidence.bin')), false);
    await saysFound(v);
    assert.equal((await v.cli(['backup'])).code, 0);
    assert.equal((await backupsHealth(v)).ok, true);
    await restoresWhole(v, 'healed', files, 'evidence.bin');
  });
}
