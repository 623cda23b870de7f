// Fault test (short version): kill -9 `sync` at random instants while the
// vault changes, then check by decrypting everything that the cloud mirrors
// the vault exactly: nothing lost, nothing duplicated, nothing half-written.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, run } from '../helpers/cli.js';
import { exists, listFiles, readTree } from '../helpers/fs.js';
import { type Files, makeVault } from '../helpers/vault.js';

const ROUNDS = Number(process.env.CASEVAULT_KILL_ROUNDS ?? 8);
const WATCH_ROUNDS = Math.max(4, Math.ceil(ROUNDS / 4));

/** Runs the command and kills it with SIGKILL after `afterMs`; whether it was killed before it finished. */
const runThenKill = async (args: string[], env: Record<string, string>, afterMs: number): Promise<boolean> => (await run(args, env, afterMs)).code === null;

test(`kill -9 during sync at ${ROUNDS} random instants: the next sync converges to an exact mirror`, async (t) => {
  const files: Files = { 'large-1.bin': randomBytes(6 * 1024 * 1024) };
  // Enough small files (about 340 after the changes below) that recover runs its workers (engine/mirror/object-pool.ts), so kills land in them too.
  for (let d = 0; d < 10; d++) for (let f = 0; f < 40; f++) files[`case-${d}/doc-${f}.txt`] = randomBytes(randomInt(0, 60_000));
  const { root, vault, cloud, env } = await makeVault({ files });

  let killed = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < 15; i++) {
      const p = join(vault, `case-${randomInt(0, 10)}`, `doc-${randomInt(0, 45)}.txt`);
      if (randomInt(0, 4) === 0) await rm(p, { force: true });
      else await writeFile(p, randomBytes(randomInt(0, 60_000)));
    }
    if (round % 3 === 0) await writeFile(join(vault, `large-${round}.bin`), randomBytes(4 * 1024 * 1024));
    if (await runThenKill(['sync'], env, randomInt(150, 900))) killed++;
  }

  const last = await run(['sync'], env);
  assert.equal(last.code, 0, last.stderr);
  const verify = await run(['verify', '--cloud'], env);
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);

  // recover, killed a few times, then run to the end: it resumes.
  const target = join(root, 'recovered');
  const recoverArgs = ['recover', '--cloud', cloud, '--vault', target];
  const env2 = { ...env, CASEVAULT_HOME: join(root, 'home2') };
  // Finished: its settings written and its marker gone (a kill between the two leaves a recovery the same command finishes).
  const finished = async () => (await exists(join(root, 'home2', 'config.json'))) && !(await exists(join(root, 'home2', 'recovering.json')));
  let recoverKilled = 0;
  for (let i = 0; i < 3 && !(await finished()); i++) if (await runThenKill(recoverArgs, env2, randomInt(300, 900))) recoverKilled++;
  if (!(await finished())) {
    const r = await run(recoverArgs, env2);
    assert.equal(r.code, 0, r.stderr);
  }
  assert.ok(!(await exists(join(root, 'home2', 'recovering.json'))));
  const want = await readTree(vault);
  const got = await readTree(target);
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
  for (const [p, d] of want) assert.ok(got.get(p)!.equals(d), p);
  assert.equal((await listFiles(join(cloud, 'objects'))).length, want.size, 'one object per file, no duplicates');
  t.diagnostic(
    `sync killed mid-run ${killed} times in ${ROUNDS} rounds, recover ${recoverKilled} times; ${want.size} files checked by decrypting the cloud and recovering it; lost 0, duplicated 0`,
  );
});

test(`kill -9 of watch ${WATCH_ROUNDS} times while files keep arriving: a restarted watch converges with nothing lost`, async (t) => {
  const { root, vault, cloud, env } = await makeVault();
  let n = 0;
  for (let round = 0; round < WATCH_ROUNDS; round++) {
    const child = spawn(process.execPath, [BIN, 'watch'], { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' });
    const until = Date.now() + randomInt(600, 1500);
    while (Date.now() < until) {
      await writeFile(join(vault, `drop-${n++}.txt`), randomBytes(randomInt(0, 200_000)));
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
  }
  // Restart: it converges by itself; stop it with SIGTERM once the cloud holds every file.
  const child = spawn(process.execPath, [BIN, 'watch'], { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' });
  const deadline = Date.now() + 300_000; // minutes, not seconds: on a busy machine converging is only slower, and the loop ends as soon as it has
  while ((await listFiles(join(cloud, 'objects')).catch(() => [])).length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGTERM');
  assert.equal(await new Promise((r) => child.once('close', r)), 0, 'watch stops cleanly on SIGTERM');
  assert.equal((await run(['verify', '--cloud'], env)).code, 0);
  const target = join(root, 'recovered');
  assert.equal((await run(['recover', '--cloud', cloud, '--vault', target], { ...env, CASEVAULT_HOME: join(root, 'home2') })).code, 0);
  const want = await readTree(vault);
  const got = await readTree(target);
  assert.equal(got.size, n);
  for (const [p, d] of want) assert.ok(got.get(p)!.equals(d), p);
  t.diagnostic(`watch killed ${WATCH_ROUNDS} times while ${n} files arrived; all ${n} checked by recovering the cloud; lost 0, duplicated 0`);
});

test(`kill -9 of commands recording into the audit trail at ${ROUNDS} random instants, two more recording at once: the trail checks whole every time`, async (t) => {
  const { home, env } = await makeVault({ files: { 'a.txt': 'a' } });
  let killed = 0;
  for (let round = 0; round < ROUNDS; round++) {
    // Each unlocks and locks the vault (two entries): one killed part way, two running to their end beside it.
    const [cut, ...others] = await Promise.all([
      runThenKill(['verify', '--cloud'], env, randomInt(100, 700)),
      run(['verify', '--cloud'], env),
      run(['verify', '--cloud'], env),
    ]);
    if (cut) killed++;
    for (const r of others) assert.equal(r.code, 0, r.stderr);
    const check = await run(['audit', '--verify'], { CASEVAULT_HOME: home });
    assert.equal(check.code, 0, `round ${round}: ${check.stderr}`);
  }
  assert.equal(await exists(join(home, 'audit.lock')), false, 'no lock left behind once every writer has gone');
  t.diagnostic(`a writer killed part way ${killed} times in ${ROUNDS} rounds; the trail checked whole after each`);
});
