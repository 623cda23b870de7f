// The backup commands as a person or script runs them, and kill -9 at
// random instants during backup, prune and restore.
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { run, type RunResult } from '../helpers/cli.js';
import { listFiles, readTree } from '../helpers/fs.js';
import { makeVault, SMALL_BACKUPS } from '../helpers/vault.js';
const KILL_ROUNDS = Number(process.env.CASEVAULT_KILL_ROUNDS ?? 4);

/** The real command; killed with SIGKILL after `killAfterMs` if given. */
const cv = (args: string[], env: Record<string, string>, killAfterMs?: number): Promise<RunResult> => run(args, env, killAfterMs);

function assertCleanError(r: RunResult, code: number): void {
  assert.equal(r.code, code, `exit code; stderr: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.match(lines.at(-1)!, /^casevault: .+[.!?]$/);
  assert.doesNotMatch(r.stderr, /\n\s+at |Error:|node:internal/);
}

test('backup prints the snapshot id; snapshots [--json]; restore --path/--to; verify --backup; forget; exit codes', async () => {
  const { root, vault, env } = await makeVault({
    files: { 'case-1/letter.txt': 'Dear member', 'case-2/scan.pdf': randomBytes(300_000) },
    backup: true,
    backupParams: SMALL_BACKUPS,
  });
  const b1 = await cv(['backup'], env);
  assert.equal(b1.code, 0, b1.stderr);
  assert.match(b1.stdout, /^[0-9a-f]{32}\n$/);
  await writeFile(join(vault, 'case-1/letter.txt'), 'Dear member, again');
  const b2 = await cv(['backup'], env);
  const list = JSON.parse((await cv(['snapshots', '--json'], env)).stdout);
  assert.deepEqual(
    list.map((s: { id: string }) => s.id),
    [b1.stdout.trim(), b2.stdout.trim()],
  );
  assert.equal(list[0].files, 2);
  assert.match((await cv(['snapshots'], env)).stdout, new RegExp(b1.stdout.trim()));

  const to = join(root, 'out');
  const r = await cv(['restore', '--snapshot', b1.stdout.trim().slice(0, 6), '--path', 'case-1', '--to', to], env);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await readFile(join(to, 'case-1/letter.txt'), 'utf8'), 'Dear member');
  const again = await cv(['restore', '--path', 'case-1/letter.txt', '--to', to], env);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(await readFile(join(to, 'case-1/letter.txt'), 'utf8'), 'Dear member', 'never overwritten');
  assert.equal(await readFile(join(to, 'case-1/letter (restored 2).txt'), 'utf8'), 'Dear member, again');

  assert.equal((await cv(['verify', '--backup'], env)).code, 0);
  assertCleanError(await cv(['restore', '--to', to, '--snapshot', 'zzzz'], env), 2);
  assertCleanError(await cv(['restore', '--to', to, '--path', 'no/such'], env), 2);
  for (const args of [
    ['--snapshot', ''],
    ['--path', ' '],
    ['--to', ''],
  ]) {
    const r = await cv(['restore', '--to', to, ...args], env);
    assertCleanError(r, 2); // an empty value (an unset variable in a script) is not "latest", "everything" or "here"
    assert.match(r.stderr, /is empty/);
  }
  assertCleanError(await cv(['restore', '--to', to], { ...env, CASEVAULT_PASSPHRASE: 'wrong passphrase entirely here' }), 4);
  assertCleanError(await cv(['restore', '--path', 'x'], env), 2);

  const f = await cv(['forget', '--keep-last', '1', '--keep-daily', '0', '--keep-weekly', '0', '--keep-monthly', '0', '--keep-yearly', '0', '--prune'], env);
  assert.equal(f.code, 0, f.stderr);
  assert.equal(JSON.parse((await cv(['snapshots', '--json'], env)).stdout).length, 1);
  assert.equal((await cv(['verify', '--backup'], env)).code, 0);

  // Damage: verify names the pack, exit 3.
  const pack = (await listFiles(join(root, 'usb', 'packs')))[0]!;
  const p = join(root, 'usb', 'packs', pack);
  const bytes = await readFile(p);
  bytes[bytes.length >> 1]! ^= 0x40;
  await writeFile(p, bytes);
  const v = await cv(['verify', '--backup'], env);
  assertCleanError(v, 3);
  assert.match(v.stdout, new RegExp(`pack ${pack.split('/')[1]}`));
});

test('a vault without a backup folder: a clear usage error', async () => {
  const { env } = await makeVault({ files: { 'a.txt': 'a' }, backupParams: SMALL_BACKUPS });
  const r = await cv(['backup'], env);
  assertCleanError(r, 2);
  assert.match(r.stderr, /backup folder/);
});

test(`kill -9 during backup at ${KILL_ROUNDS} random instants, then during prune: the repository stays valid and restores exactly`, async (t) => {
  const files: Record<string, Buffer> = {};
  for (let d = 0; d < 6; d++) for (let f = 0; f < 15; f++) files[`case-${d}/doc-${f}.bin`] = randomBytes(randomInt(0, 40_000));
  files['large.bin'] = randomBytes(6 * 1024 * 1024);
  const { root, vault, env, backup: usb } = await makeVault({ files, backup: true, backupParams: SMALL_BACKUPS });
  let killed = 0;
  for (let round = 0; round < KILL_ROUNDS; round++) {
    await writeFile(join(vault, `large-${round % 6}.bin`), randomBytes(3 * 1024 * 1024));
    await writeFile(join(vault, `case-${round % 6}/doc-0.bin`), randomBytes(20_000));
    if ((await cv(['backup'], env, randomInt(250, 900))).code === null) killed++;
  }
  const last = await cv(['backup'], env);
  assert.equal(last.code, 0, last.stderr);
  const v = await cv(['verify', '--backup'], env);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  const to = join(root, 'restored');
  assert.equal((await cv(['restore', '--to', to], env)).code, 0);
  const want = await readTree(vault);
  const got = await readTree(to);
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
  for (const [p, d] of want) assert.ok(got.get(p)!.equals(d), p);

  // More snapshots, then prune killed at random instants.
  for (let i = 0; i < 3; i++) {
    await rm(join(vault, `large-${i}.bin`), { force: true });
    assert.equal((await cv(['backup'], env)).code, 0);
  }
  const keep = ['--keep-last', '2', '--keep-daily', '0', '--keep-weekly', '0', '--keep-monthly', '0', '--keep-yearly', '0'];
  let pruneKilled = 0;
  for (let i = 0; i < Math.max(3, KILL_ROUNDS / 2); i++) if ((await cv(['forget', ...keep, '--prune'], env, randomInt(250, 700))).code === null) pruneKilled++;
  const f = await cv(['forget', ...keep, '--prune'], env);
  assert.equal(f.code, 0, f.stderr);
  const v2 = await cv(['verify', '--backup'], env);
  assert.equal(v2.code, 0, v2.stdout + v2.stderr);
  const snaps = JSON.parse((await cv(['snapshots', '--json'], env)).stdout) as { id: string }[];
  assert.equal(snaps.length, 2);
  const latestWant = await readTree(vault);
  const out = join(root, 'after-prune');
  assert.equal((await cv(['restore', '--snapshot', snaps[1]!.id, '--to', out], env)).code, 0);
  const latestGot = await readTree(out);
  assert.deepEqual([...latestGot.keys()].sort(), [...latestWant.keys()].sort());
  for (const [p, d] of latestWant) assert.ok(latestGot.get(p)!.equals(d), p);
  const older = join(root, 'older');
  assert.equal((await cv(['restore', '--snapshot', snaps[0]!.id, '--to', older], env)).code, 0);
  assert.ok(!(await listFiles(usb)).includes('lock'));
  t.diagnostic(`backup killed mid-run ${killed} times, prune ${pruneKilled} times; ${want.size} + ${latestWant.size} files checked by restoring; lost 0`);
});

test(`kill -9 during restore at ${KILL_ROUNDS} random instants: no half-written file under a real name, and restoring again ends with exactly the snapshot, nothing duplicated`, async (t) => {
  const files: Record<string, Buffer> = {};
  for (let d = 0; d < 5; d++) for (let f = 0; f < 20; f++) files[`case-${d}/letter ${f}.bin`] = randomBytes(randomInt(0, 60_000));
  files['scan.pdf'] = randomBytes(8 * 1024 * 1024);
  files['empty.txt'] = Buffer.alloc(0);
  const { root, vault, env } = await makeVault({ files, backup: true, backupParams: SMALL_BACKUPS });
  assert.equal((await cv(['backup'], env)).code, 0);
  const want = await readTree(vault);
  const to = join(root, 'restored');
  let killed = 0;
  // A kill at a random instant may come after the restore has finished (it takes about as long as the range): more rounds until one lands mid-run.
  for (let round = 0; round < KILL_ROUNDS || (killed === 0 && round < KILL_ROUNDS * 5); round++) {
    const r = await cv(['restore', '--to', to], env, randomInt(150, 1200));
    if (r.code === null) killed++;
    // Whatever a killed restore left: every file under a real name is complete; partial plaintext only under temporary names.
    for (const [p, d] of await readTree(to).catch(() => new Map<string, Buffer>())) {
      // killed before it made the folder: nothing there yet
      if (p.split('/').at(-1)!.startsWith('.casevault-tmp-')) continue;
      assert.ok(want.get(p)?.equals(d), `round ${round}: ${p} is not a complete file of the snapshot`);
    }
  }
  const last = await cv(['restore', '--to', to], env);
  assert.equal(last.code, 0, last.stderr);
  assert.doesNotMatch(last.stdout, /restored beside/);
  const got = await readTree(to);
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
  for (const [p, d] of want) assert.ok(got.get(p)!.equals(d), p);
  assert.ok(killed > 0 || KILL_ROUNDS === 0, 'no round was killed mid-restore');
  t.diagnostic(`restore killed mid-run ${killed} times in ${KILL_ROUNDS} rounds; ${want.size} files checked; half-written 0, duplicated 0`);
});
