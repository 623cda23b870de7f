// The backup folder is writable by others, who never had the keys.
// (1) A snapshot this computer forgot and pruned, kept by someone and put
// back into snapshots/, was listed by `snapshots` (exit 0), left `status`
// "ok", and stopped every `forget --prune` for good (its chunks were gone),
// while `verify --backup` advised a new backup, which changed nothing. It is
// now a replay: never listed or restored, named by `snapshots`, `verify
// --backup` and `status`, and `forget --prune` removes it again.
// (2) One junk file, or another vault's snapshot, in snapshots/ stopped
// prune for good and left `status` "ok". Prune now leaves such a file alone
// and goes on, naming it; `status` and `verify --backup` say to move it out.
// A genuine snapshot of this computer's that cannot be read still stops
// prune (its chunks may be all that is left of files).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { exists, readTree } from '../helpers/fs.js';
import { makeVault, type TestVault } from '../helpers/vault.js';

async function backupsHealth(v: TestVault): Promise<{ ok: boolean; message: string; next?: string }> {
  const status = await v.cli(['status', '--json']);
  return (JSON.parse(status.stdout) as { health: { area: string; ok: boolean; message: string; next?: string }[] }).health.find((h) => h.area === 'backups')!;
}

const KEEP_ONE = ['forget', '--keep-last', '1', '--keep-daily', '0', '--keep-weekly', '0', '--keep-monthly', '0', '--keep-yearly', '0', '--prune'];

async function packCount(dir: string): Promise<number> {
  let n = 0;
  for (const sub of await readdir(join(dir, 'packs'))) n += (await readdir(join(dir, 'packs', sub))).length;
  return n;
}

test('a snapshot forgotten here and put back is a replay: never listed or restored, reported by snapshots, verify and status, and removed again by forget --prune', async () => {
  const v = await makeVault({ files: { 'case/letter.txt': 'first draft' }, backedUp: true });
  const [old] = (JSON.parse((await v.cli(['snapshots', '--json'])).stdout) as { id: string }[]).map((s) => s.id);
  const kept = await readFile(join(v.backup, 'snapshots', old!));
  await writeFile(join(v.vault, 'case/letter.txt'), 'final text');
  assert.equal((await v.cli(['backup'])).code, 0);
  const pruned = await v.cli(KEEP_ONE);
  assert.equal(pruned.code, 0, pruned.stderr);
  await writeFile(join(v.backup, 'snapshots', old!), kept); // put back

  const list = await v.cli(['snapshots']);
  assert.equal(list.code, 3, list.stdout + list.stderr);
  assert.ok(!list.stdout.split('\n').some((l) => l.startsWith(old!)), 'not listed as a snapshot');
  assert.match(list.stdout, new RegExp(`Not listed: ${old}: forgotten here before and put back into the backup folder`));
  assert.match(
    list.stderr,
    /^casevault: 1 snapshot this computer forgot was put back into the backup folder .*run `casevault forget --prune` to remove it again\.$/m,
  );
  assert.equal((JSON.parse((await v.cli(['snapshots', '--json'])).stdout) as unknown[]).length, 1);

  const health = await backupsHealth(v);
  assert.equal(health.ok, false, health.message);
  assert.match(health.message, new RegExp(`put back into .*${old}`));
  assert.equal(health.next, 'prune-backups');

  const verify = await v.cli(['verify', '--backup']);
  assert.equal(verify.code, 3, verify.stdout + verify.stderr);
  assert.match(verify.stdout, new RegExp(`Bad: snapshot ${old}: forgotten here before and put back into the backup folder`));
  assert.doesNotMatch(verify.stdout, /restoring it recovers/);
  assert.match(verify.stderr, /^casevault: .*run `casevault forget --prune` to remove the snapshot forgotten here and put back\.$/m);

  const named = await v.cli(['restore', '--snapshot', old!, '--to', join(v.root, 'named')]);
  assert.equal(named.code, 3, named.stdout + named.stderr);
  assert.match(
    named.stderr,
    /^casevault: that snapshot was forgotten here before and put back into the backup folder, so it is not restored; run `casevault forget --prune` to remove it again\.$/m,
  );
  assert.ok(!(await exists(join(v.root, 'named'))));
  const latest = await v.cli(['restore', '--to', join(v.root, 'latest')]);
  assert.equal(latest.code, 0, latest.stderr);
  assert.equal((await readTree(join(v.root, 'latest'))).get('case/letter.txt')?.toString(), 'final text');

  // The advice works: forget --prune removes it again, and everything is fine after.
  const again = await v.cli(['forget', '--prune']);
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.match(again.stdout, new RegExp(`Removed again: ${old}`));
  assert.ok(!(await exists(join(v.backup, 'snapshots', old!))));
  assert.equal((await v.cli(['snapshots'])).code, 0);
  assert.equal((await v.cli(['verify', '--backup'])).code, 0);
  assert.equal((await backupsHealth(v)).ok, true);
  assert.equal((await v.cli(['forget', '--prune'])).code, 0);
});

test("junk and another vault's snapshot in snapshots/ no longer stop prune: left alone and named; status is not ok until they are moved out; a damaged own snapshot still stops prune", async () => {
  const v = await makeVault({ files: { 'case/letter.txt': 'first draft' }, backedUp: true });
  const other = await makeVault({ files: { 'x.txt': 'another vault' }, backedUp: true });
  const [foreign] = await readdir(join(other.backup, 'snapshots'));
  const junk = '00112233445566778899aabbccddeeff';
  await writeFile(join(v.backup, 'snapshots', junk), randomBytes(500));
  await writeFile(join(v.backup, 'snapshots', foreign!), await readFile(join(other.backup, 'snapshots', foreign!)));

  const health = await backupsHealth(v);
  assert.equal(health.ok, false, health.message);
  assert.match(health.message, /holds 2 items that are not one of its snapshots .*move them out of the backup folder/);
  assert.ok(health.message.includes(`snapshots/${junk}`) && health.message.includes(`snapshots/${foreign}`), health.message);

  const verify = await v.cli(['verify', '--backup']);
  assert.equal(verify.code, 3, verify.stdout + verify.stderr);
  assert.match(verify.stdout, new RegExp(`Bad: snapshot ${junk}: not a snapshot of this backup .*move the file snapshots/${junk} out`));
  assert.match(verify.stdout, new RegExp(`Bad: snapshot ${foreign}: not a snapshot of this backup`));
  assert.doesNotMatch(verify.stdout, /restoring it recovers/);
  assert.match(verify.stderr, /^casevault: .*move the files that are not a snapshot of this backup out of the backup folder\.$/m);

  // Prune goes on with its own work, leaving the two files alone.
  await writeFile(join(v.vault, 'case/letter.txt'), 'final text '.repeat(1000));
  assert.equal((await v.cli(['backup'])).code, 0);
  const before = await packCount(v.backup);
  const prune = await v.cli(KEEP_ONE);
  assert.equal(prune.code, 3, prune.stdout + prune.stderr);
  assert.match(prune.stdout, /^Forgot: /m);
  assert.match(prune.stdout, /^Pruned: [1-9]/m);
  assert.match(prune.stdout, new RegExp(`Left alone: snapshots/${junk}`));
  assert.match(
    prune.stderr,
    /^casevault: prune finished, but the backup folder holds 2 files that are not a snapshot of this backup \(listed above\), left alone; move them out of the backup folder\.$/m,
  );
  assert.ok((await packCount(v.backup)) < before);
  assert.ok(await exists(join(v.backup, 'snapshots', junk)));
  assert.ok(await exists(join(v.backup, 'snapshots', foreign!)));

  // The advice works.
  await rename(join(v.backup, 'snapshots', junk), join(v.root, 'junk'));
  await rename(join(v.backup, 'snapshots', foreign!), join(v.root, 'foreign'));
  assert.equal((await backupsHealth(v)).ok, true);
  assert.equal((await v.cli(['verify', '--backup'])).code, 0);
  assert.equal((await v.cli(['forget', '--prune'])).code, 0);

  // A genuine snapshot of this computer's that does not open still stops prune: its chunks may be all that is left.
  const [own] = await readdir(join(v.backup, 'snapshots'));
  const bytes = await readFile(join(v.backup, 'snapshots', own!));
  bytes[bytes.length - 1]! ^= 1;
  await writeFile(join(v.backup, 'snapshots', own!), bytes);
  const stopped = await v.cli(['forget', '--prune']);
  assert.equal(stopped.code, 1, stopped.stdout + stopped.stderr);
  assert.match(stopped.stderr, /could not be read, so prune cannot tell which data it needs; nothing was deleted/);
});
