// Two computers of one vault sharing one backup folder (the second attached
// with `recover --backup DIR`): the retention policy is applied per group,
// this computer's snapshots and every other, so one computer's routine
// `forget --prune` never removes the other's newest backups.
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { run } from '../helpers/cli.js';
import { makeVault, SMALL_BACKUPS, type TestVault } from '../helpers/vault.js';

interface Second {
  env: Record<string, string>;
  vault: string;
  engine: Engine;
}

/** Computer A (the fixture, synced, with a backup folder) and B: recovered from A's cloud with `recover --backup` on the same folder. */
async function twoComputers(): Promise<{ v: TestVault; b: Second }> {
  const v = await makeVault({ files: { 'shared.txt': 'shared' }, synced: true, backup: true, backupParams: SMALL_BACKUPS });
  const env = { ...v.env, CASEVAULT_HOME: join(v.root, 'home-B'), CASEVAULT_DEVICE_NAME: 'B' };
  const vault = join(v.root, 'vault-B');
  const r = await run(['recover', '--cloud', v.cloud, '--vault', vault, '--backup', v.backup], env);
  assert.equal(r.code, 0, r.stderr);
  return { v, b: { env, vault, engine: new Engine(env.CASEVAULT_HOME, env) } };
}

async function backupsOnB(b: Second, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 1; i <= n; i++) {
    await writeFile(join(b.vault, `b${i}.txt`), `B's note ${i}`);
    ids.push((await b.engine.backup()).snapshot);
  }
  return ids;
}

test("B's routine forget --prune keeps A's only backup: A still restores from it, lists and verifies its backups with exit 0", async () => {
  const { v, b } = await twoComputers();
  await writeFile(join(v.vault, 'onlyA.txt'), 'letter only on computer A');
  const a = (await v.engine.backup()).snapshot;
  const bs = await backupsOnB(b, 10);

  const f = await run(['forget', '--prune'], b.env); // the default policy, as the scheduled housekeeping runs it
  assert.equal(f.code, 0, f.stderr);
  assert.doesNotMatch(f.stdout, new RegExp(a), "A's snapshot is not forgotten");
  assert.match(f.stdout, /^Kept 11 snapshots; forgot 0\./m);

  await rm(join(v.vault, 'onlyA.txt')); // later deleted by mistake on A
  const list = await v.cli(['snapshots', '--json']);
  assert.equal(list.code, 0, list.stderr);
  const ids = (JSON.parse(list.stdout) as { id: string }[]).map((s) => s.id);
  assert.deepEqual(new Set(ids), new Set([a, ...bs]));

  const to = join(v.root, 'restored');
  const r = await v.cli(['restore', '--snapshot', a, '--path', 'onlyA.txt', '--to', to]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await readFile(join(to, 'onlyA.txt'), 'utf8'), 'letter only on computer A');

  const verify = await v.cli(['verify', '--backup']);
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  assert.equal((await v.cli(['snapshots'])).code, 0);
});

test('the policy still forgets old snapshots within each group: this computer keeps its own newest and the newest of the others', async () => {
  const { v, b } = await twoComputers();
  const as: string[] = [];
  for (let i = 1; i <= 3; i++) {
    await writeFile(join(v.vault, `a${i}.txt`), `A's note ${i}`);
    as.push((await v.engine.backup()).snapshot);
  }
  const bs = await backupsOnB(b, 3);
  const keepOne = ['--keep-last', '1', '--keep-daily', '0', '--keep-weekly', '0', '--keep-monthly', '0', '--keep-yearly', '0'];

  const dry = await run(['forget', '--dry-run', ...keepOne], b.env);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^Would keep 2 snapshots; would forget 4\./m);

  const f = await b.engine.forget({ prune: true, policy: { last: 1, daily: 0, weekly: 0, monthly: 0, yearly: 0 } });
  assert.deepEqual(new Set(f.kept.map((k) => k.id)), new Set([as[2], bs[2]]), "each group's newest is kept");
  assert.deepEqual(new Set(f.removed.map((s) => s.id)), new Set([as[0], as[1], bs[0], bs[1]]), 'the older ones of both groups go');
  assert.ok(f.prune);

  const left = (await b.engine.snapshots()).map((s) => s.id);
  assert.deepEqual(new Set(left), new Set([as[2], bs[2]]));
  // A's own forget now: its group is its newest alone, B's group its newest alone; nothing more to forget.
  const fa = await v.engine.forget({ policy: { last: 1, daily: 0, weekly: 0, monthly: 0, yearly: 0 } });
  assert.deepEqual(fa.removed, []);
  assert.deepEqual(new Set(fa.kept.map((k) => k.id)), new Set([as[2], bs[2]]));
});

test("delete on A: the backups' date is not foretold while B's snapshots may hold the case; A's own alone give a date", async () => {
  const { v, b } = await twoComputers();
  await writeFile(join(b.vault, 'Smith.txt'), 'a case B backed up');
  await b.engine.backup(); // B's snapshot: it goes only as B's backups go on
  await writeFile(join(v.vault, 'Jones.txt'), 'a case on A');
  await v.engine.backup();
  const r = await v.engine.deleteCases({ cases: ['Jones.txt'], confirm: true, force: true });
  const fate = r.cases[0]!.copies.find((c) => c.copy === 'backups')!;
  assert.equal(fate.gone, 'unknown');
  assert.match(fate.note, /another computer of the vault took/);
  assert.match(fate.note, /this computer's own snapshots holding it go by about \d{4}-\d\d-\d\d/);

  // (The estimate takes every snapshot from before the deletion to hold the case, B's too: reading the file lists needs the passphrase.)
  const alone = await makeVault({ files: { 'Brown.txt': 'x' }, synced: true, backedUp: true });
  const one = await alone.engine.deleteCases({ cases: ['Brown.txt'], confirm: true, force: true });
  assert.match(one.cases[0]!.copies.find((c) => c.copy === 'backups')!.gone, /^\d{4}-\d\d-\d\d$/, 'one computer: a date, as before');
});
