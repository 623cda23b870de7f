// Fault test: kill -9 the real `casevault handover` at random instants. The
// vault (its folder and this computer's keys, settings and state) is never
// touched, no removal is allowed on a half-made copy, and a re-run into the
// same folder makes a copy the successor recovers byte for byte. Then kill
// -9 `remove` too: the next run finishes it.
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runThenKill } from '../helpers/cli.js';
import { exists, readTree } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';
import { failsWith, FILES, handover, NEW_PASSPHRASE, ok, successorRecover } from './helpers.js';

const ROUNDS = Number(process.env.CASEVAULT_KILL_ROUNDS ?? 4);

const homeFilesOf = async (home: string) => Promise.all(['config.json', 'casevault.key', 'sync-state.log'].map((f) => readFile(join(home, f))));

test(`kill -9 during handover at ${ROUNDS} random instants leaves the vault untouched, and a re-run succeeds`, async () => {
  const files: Record<string, Buffer> = { ...FILES };
  for (let i = 0; i < 120; i++) files[`case-${i % 6}/doc-${i}.txt`] = randomBytes(randomInt(0, 20_000));
  const v = await makeVault({ files, synced: true });
  const vaultBefore = await readTree(v.vault);
  const homeBefore = await homeFilesOf(v.home);
  const copy = join(v.root, 'copy');
  const env = { ...v.env, CASEVAULT_NEW_PASSPHRASE: NEW_PASSPHRASE };

  const start = Date.now();
  ok(await handover(v, join(v.root, 'timing')), 'a full handover, to time it');
  const full = Date.now() - start;

  let finished = false;
  for (let round = 0; round < ROUNDS && !finished; round++) {
    const at = randomInt(150, Math.max(200, full));
    finished = await runThenKill(['handover', '--to', copy], env, at);
    assert.deepEqual(await readTree(v.vault), vaultBefore, `round ${round} (killed at ${at} ms): the vault folder is untouched`);
    const homeNow = await homeFilesOf(v.home);
    homeNow.forEach((b, i) => assert.ok(b.equals(homeBefore[i]!), `round ${round}: this computer's keys, settings and state are untouched`));
    if (!finished && !(await exists(join(v.home, 'handover-verified.json')))) {
      failsWith(await v.cli(['remove', '--yes']), 1, /no verified handover copy/);
    }
  }

  // A run that finished before its kill (or was killed between recording the
  // verified copy and exiting) made a whole copy, which is never overwritten.
  const verified = JSON.parse((await readFile(join(v.home, 'handover-verified.json'), 'utf8').catch(() => '{}')) as string) as { to?: string };
  if (finished || verified.to === copy) failsWith(await handover(v, copy), 1, /already holds the verified handover copy/);
  else ok(await handover(v, copy), 'the re-run into the same folder');
  const into = join(v.root, 'successor');
  ok(await successorRecover(v.root, copy, into), 'successor recover');
  const got = await readTree(into);
  assert.equal(got.size, vaultBefore.size);
  for (const [p, data] of vaultBefore) assert.ok(got.get(p)?.equals(data), p);

  // remove, killed at random instants: the next run finishes it with the same choices.
  const removeArgs = ['remove', '--yes', '--cloud', 'delete'];
  for (let i = 0; i < 3 && (await exists(join(v.home, 'config.json'))); i++) await runThenKill(removeArgs, v.env, randomInt(150, 700));
  if (await exists(join(v.home, 'config.json'))) ok(await v.cli(removeArgs), 'remove, after the killed runs');
  assert.equal(await exists(v.vault), false, 'the vault folder is removed');
  assert.equal(await exists(join(v.cloud, 'casevault.key')), false, 'the cloud copy is deleted');
  assert.equal(await exists(join(v.home, 'casevault.key')), false, 'the keys are removed');
  ok(await successorRecover(v.root, copy, join(v.root, 'after-removal')), 'the handover copy is untouched');
});
