// `casevault cloud-move` with real processes and folders: folder to folder
// (copied, read back, switched; the old copy kept until --delete-old --yes;
// a new file then goes to the new place; another computer of the vault joins
// the new place), refusals (another vault's folder, a non-empty folder, the
// vault folder, an s3:// address that is not valid), and kill -9 at random instants: after each, the
// vault works on the old place or the new one, and a re-run finishes.
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { failsWith, ok, run, runThenKill, PASSPHRASE } from '../helpers/cli.js';
import { exists, listFiles, readTree } from '../helpers/fs.js';
import { makeVault, type TestVault } from '../helpers/vault.js';

const cloudOf = async (home: string) => (JSON.parse(await readFile(join(home, 'config.json'), 'utf8')) as { cloud: { dir: string } }).cloud.dir;

/** Recovers the vault from `cloud` into a fresh home and folder, and returns the files. */
async function recovered(v: TestVault, cloud: string, label: string): Promise<Map<string, Buffer>> {
  const into = join(v.root, `recovered-${label}`);
  ok(await run(['recover', '--cloud', cloud, '--vault', into], { CASEVAULT_HOME: join(v.root, `home-${label}`), CASEVAULT_PASSPHRASE: PASSPHRASE }), 'recover');
  return readTree(into);
}

test('cloud-move: folder to folder, checked and switched; the old copy kept until confirmed; another computer joins', async () => {
  const v = await makeVault({ files: { 'Member 7/letter.txt': 'a letter', 'Member 8/notes.md': 'notes', 'minutes.txt': 'minutes' }, synced: true });
  const other = join(v.root, 'laptop-b');
  const otherEnv = { ...v.env, CASEVAULT_HOME: join(v.root, 'home-b') };
  ok(await run(['recover', '--cloud', v.cloud, '--vault', other], otherEnv), 'a second computer of the vault');
  await writeFile(join(other, 'b first.txt'), 'b was here');
  ok(await run(['sync'], otherEnv), 'which syncs a file, so the cloud knows it');
  const before = await readTree(v.vault);
  const old = v.cloud;
  const moved = join(v.root, 'Dropbox', 'Casevault');

  const r = ok(await v.cli(['cloud-move', '--to', moved]), 'cloud-move');
  assert.match(
    r.stdout,
    new RegExp(`^Copied the cloud copy from ${old} to ${moved}: 4 objects read back and checked\\.\nThis computer now uses ${moved}\\.\n`),
  );
  assert.match(
    r.stdout,
    /1 other computer uses this vault and still syncs to the old place\. Point each at the new one:\n {2}in the app: Settings, "Move the cloud copy"/,
  );
  assert.match(r.stdout, /The old copy in .* is kept\. Once every computer uses the new place, delete it:\n {2}casevault cloud-move --delete-old --yes/);
  assert.equal(await cloudOf(v.home), moved);
  assert.ok((await readFile(join(moved, 'casevault.key'))).equals(await readFile(join(old, 'casevault.key'))), 'the key file, byte for byte');
  assert.deepEqual(
    (await listFiles(moved)).filter((p) => p.startsWith('objects/')),
    (await listFiles(old)).filter((p) => p.startsWith('objects/')),
  );
  assert.ok(await exists(join(old, 'casevault.key')), 'the old copy is kept');
  ok(await v.cli(['verify', '--cloud']), 'verify the new place');

  await writeFile(join(v.vault, 'Member 9.txt'), 'after the move');
  ok(await v.cli(['sync']), 'sync after the move');
  assert.equal((await listFiles(moved)).filter((p) => p.startsWith('objects/')).length, 5, 'the new file went to the new place');
  assert.equal((await listFiles(old)).filter((p) => p.startsWith('objects/')).length, 4, 'and not to the old one');
  const audit = ok(await v.cli(['audit']), 'audit').stdout;
  assert.match(audit, /cloud copy moved: from folder .* to folder .*: 4 objects read back and checked/);

  // The other computer wrote to the old place meanwhile, then joins the new one: its file is kept, nothing of the new place replaced.
  await writeFile(join(other, 'from laptop b.txt'), 'written on b');
  ok(await run(['sync'], otherEnv), 'b syncs to the old place');
  const joined = ok(await run(['cloud-move', '--to', moved], otherEnv), 'b joins');
  assert.match(joined.stdout, /^The new place already held this vault: \d+ missing items copied from/);
  ok(await run(['sync'], otherEnv), 'b syncs to the new place');
  const all = await recovered(v, moved, 'all');
  assert.deepEqual([...all.keys()].sort(), ['Member 7/letter.txt', 'Member 8/notes.md', 'Member 9.txt', 'b first.txt', 'from laptop b.txt', 'minutes.txt']);
  for (const [p, data] of before) assert.ok(all.get(p)?.equals(data), p);

  failsWith(await v.cli(['cloud-move', '--delete-old']), 2, /must be confirmed; confirm with --yes/);
  const deleted = ok(await v.cli(['cloud-move', '--delete-old', '--yes']), 'delete the old copy');
  assert.match(deleted.stdout, /^Deleted the old cloud copy in /);
  assert.equal(await exists(old), false, 'the old folder, emptied, is gone');
  failsWith(await v.cli(['cloud-move', '--delete-old', '--yes']), 2, /there is no old cloud copy to delete/);
  ok(await v.cli(['sync']), 'the vault works on the new place');
});

test("cloud-move refuses another vault's folder, a non-empty folder, the vault folder and S3 (for now); nothing is written", async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true });
  const another = await makeVault({ files: { 'b.txt': 'b' }, synced: true });
  const theirs = await readTree(another.cloud);
  failsWith(await v.cli(['cloud-move', '--to', another.cloud]), 1, /holds another vault/);
  assert.deepEqual(await readTree(another.cloud), theirs, "the other vault's folder is untouched");

  const busy = join(v.root, 'busy');
  await mkdir(busy);
  await writeFile(join(busy, 'holiday.jpg'), 'not a vault');
  failsWith(await v.cli(['cloud-move', '--to', busy]), 1, /not empty/);
  assert.deepEqual(await listFiles(busy), ['holiday.jpg']);

  failsWith(await v.cli(['cloud-move', '--to', join(v.vault, 'cloud')]), 1, /must be separate/);
  assert.equal(await exists(join(v.vault, 'cloud')), false);
  failsWith(await v.cli(['cloud-move', '--to', v.cloud]), 2, /the cloud copy is already there/);
  failsWith(await v.cli(['cloud-move', '--to', 's3://Bad_Bucket/prefix']), 2, /the bucket name in an s3:\/\/ location must be/);
  failsWith(await v.cli(['cloud-move']), 2, /say where the cloud copy goes/);
  assert.equal(await cloudOf(v.home), v.cloud);
});

test("cloud-move refuses a folder inside the backup folder or Casevault's settings folder, each in its own sentence; nothing is written", async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true, backedUp: true });
  const before = await listFiles(v.backup);
  failsWith(await v.cli(['cloud-move', '--to', join(v.backup, 'x')]), 2, /the cloud copy cannot go inside the backup folder/);
  assert.equal(await exists(join(v.backup, 'x')), false);
  failsWith(
    await v.cli(['cloud-move', '--to', join(v.home, 'c')]),
    2,
    new RegExp(`the cloud copy cannot go inside Casevault's settings folder \\(${v.home}\\)`),
  );
  assert.doesNotMatch((await v.cli(['cloud-move', '--to', join(v.home, 'c')])).stderr, /CASEVAULT_HOME/);
  assert.deepEqual(await listFiles(v.backup), before);
  assert.equal(await cloudOf(v.home), v.cloud);
});

const ROUNDS = Number(process.env.CASEVAULT_KILL_ROUNDS ?? 4);

test(`kill -9 during cloud-move at ${ROUNDS} random instants: the vault works on the old or the new place, and a re-run finishes`, async () => {
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < 150; i++) files[`case-${i % 5}/doc-${i}.bin`] = randomBytes(randomInt(0, 40_000));
  const v = await makeVault({ files, synced: true });
  const moved = join(v.root, 'new-cloud');
  const start = Date.now();
  ok(await v.cli(['cloud-move', '--to', join(v.root, 'timing')]), 'a whole move, to time it');
  const full = Date.now() - start;
  ok(await v.cli(['cloud-move', '--to', v.cloud]), 'and back');
  ok(await v.cli(['cloud-move', '--delete-old', '--yes']), 'the timing copy deleted');

  let finished = false;
  for (let round = 0; round < ROUNDS && !finished; round++) {
    const at = randomInt(100, Math.max(150, full));
    finished = await runThenKill(['cloud-move', '--to', moved], v.env, at);
    const now = await cloudOf(v.home);
    assert.ok(now === v.cloud || now === moved, `round ${round} (killed at ${at} ms): the config names the old place or the new one`);
    ok(await v.cli(['sync']), `round ${round}: sync works on ${now === v.cloud ? 'the old' : 'the new'} place`);
    ok(await v.cli(['verify', '--cloud']), `round ${round}: the cloud copy in use checks out`);
    if (now === moved) finished = true;
  }
  // The re-run finishes (a run killed after the switch, before its bookkeeping, included); a move already done says so.
  const again = await v.cli(['cloud-move', '--to', moved]);
  if (again.code !== 0) failsWith(again, 2, /already there/);
  assert.equal(await cloudOf(v.home), moved);
  const got = await recovered(v, moved, 'after-kills');
  assert.equal(got.size, Object.keys(files).length);
  for (const [p, data] of Object.entries(files)) assert.ok(got.get(p)?.equals(data), p);
});
