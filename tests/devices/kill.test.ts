// Fault test: kill -9 the lost computer's `sync` at random instants while it
// wipes itself; the next start finishes the wipe (vault folder and home
// gone, nothing outside touched) and the other computer says "wiped". A
// random kill mostly lands before the wipe starts (it takes milliseconds),
// so the states a kill leaves at each step of it (docs/devices.md, "The
// wipe") are also made by hand, and each is finished by the next start.
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runThenKill } from '../helpers/cli.js';
import { exists } from '../helpers/fs.js';
import type { Files } from '../helpers/vault.js';
import { anotherComputer, byName, devicesOf, firstComputer } from './helpers.js';

const ROUNDS = Number(process.env.CASEVAULT_KILL_ROUNDS ?? 3);

test(`kill -9 during a wipe (${ROUNDS} random instants): the next start finishes it`, async () => {
  const { v, office } = await firstComputer({ 'Case A/a.txt': 'a' });
  const many: Files = {};
  for (let i = 0; i < 400; i++) many[`Case ${i % 20}/sub ${i % 7}/doc-${i}.bin`] = randomBytes(randomInt(0, 4000));
  const laptop = await anotherComputer(v, 'laptop', many);
  const beside = join(v.root, 'beside');
  await mkdir(beside);
  await writeFile(join(beside, 'keep.txt'), 'not in the vault');
  await writeFile(join(laptop.home, 'not-casevault.txt'), 'someone else keeps this here');
  assert.equal((await office.cli(['devices', 'lost', 'laptop', '--wipe', '--yes'])).code, 0);

  for (let round = 0; round < ROUNDS && (await exists(join(laptop.home, 'config.json'))); round++) {
    await runThenKill(['sync'], laptop.env, randomInt(100, 1200));
  }
  const r = await laptop.cli(['sync']);
  // Wiped now (1), or already wiped by a run that finished before its kill: then there is no vault here (2).
  assert.ok(r.code === 1 || r.code === 2, r.stderr);
  assert.equal(await exists(laptop.vault), false, 'the vault folder is gone');
  assert.deepEqual(await readdir(laptop.home), ['not-casevault.txt'], "only what is not Casevault's is left in the home");
  assert.equal(await exists(join(beside, 'keep.txt')), true);
  assert.equal(byName(await devicesOf(office), 'laptop').status, 'wiped');
});

test('a wipe killed after its marker, in the vault folder, or in the home is finished by the next start', async () => {
  const steps: [string, (c: { vault: string; home: string }) => Promise<void>][] = [
    ['right after its marker', async () => {}],
    ['half way through the vault folder', async (c) => rm(join(c.vault, 'Case 1'), { recursive: true })],
    [
      'with the vault folder gone and the home half removed',
      async (c) => {
        await rm(c.vault, { recursive: true });
        for (const f of ['casevault.key', 'sync-state.log', 'audit.log', 'config.json']) await rm(join(c.home, f));
      },
    ],
  ];
  for (const [label, kill] of steps) {
    const { v, office } = await firstComputer({ 'Case A/a.txt': 'a' });
    const laptop = await anotherComputer(v, 'laptop', { 'Case 1/x.txt': 'x', 'Case 2/y.txt': 'y' });
    assert.equal((await office.cli(['devices', 'lost', 'laptop', '--wipe', '--yes'])).code, 0);
    const order = JSON.parse(JSON.parse(await readFile(join(v.cloud, 'devices', `${await idOf(laptop.home)}.order`), 'utf8')).body as string) as {
      counter: number;
    };
    await writeFile(join(laptop.home, 'wiping.json'), JSON.stringify({ vaultDir: laptop.vault, counter: order.counter }));
    await kill(laptop);
    const r = await laptop.cli(['sync']);
    assert.equal(r.code, 1, `${label}: ${r.stderr}`);
    assert.match(r.stderr, /marked lost/);
    assert.equal(await exists(laptop.vault), false, label);
    assert.equal(await exists(laptop.home), false, label);
  }
});

const idOf = async (home: string) => (JSON.parse(await readFile(join(home, 'config.json'), 'utf8')) as { deviceId: string }).deviceId;
