// After moving the cloud copy, the computers to point at the new place are
// those still in use: one marked lost, or wiped, is not counted (it never
// will be pointed anywhere), and one found again counts once more.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { anotherComputer, byName, devicesOf, firstComputer } from './helpers.js';

test('cloud-move counts only the other computers still in use, not a lost or wiped one', async () => {
  const { v, office } = await firstComputer({ 'Case A/a.txt': 'a' });
  const laptop = await anotherComputer(v, 'laptop');
  await anotherComputer(v, 'spare');
  assert.equal((await office.cli(['devices', 'lost', 'laptop', '--wipe', '--yes'])).code, 0);
  assert.equal((await laptop.cli(['sync'])).code, 1, 'the laptop wipes itself');
  assert.equal(byName(await devicesOf(office), 'laptop').status, 'wiped');
  assert.equal((await office.cli(['devices', 'lost', 'spare', '--yes'])).code, 0);

  const moved = await office.cli(['cloud-move', '--to', join(v.root, 'moved')]);
  assert.equal(moved.code, 0, moved.stderr);
  assert.doesNotMatch(moved.stdout, /other computers? uses?/, 'a lost and a wiped computer are not to be pointed at the new place');

  assert.equal((await office.cli(['devices', 'found', 'spare'])).code, 0);
  const again = await office.cli(['cloud-move', '--to', join(v.root, 'moved a third time')]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /^1 other computer uses this vault and still syncs to the old place\./m, 'found again, it is in use');
});
