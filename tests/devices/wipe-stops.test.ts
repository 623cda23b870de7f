// The wipe a lost computer carries out on another computer's order, killed
// before each one of its writes in turn (tests/helpers/stops.ts), then the
// next start (`casevault sync`): it finishes the wipe (vault folder and
// Casevault's files in the home gone, nothing else touched) and the other
// computer sees it done. tests/devices/kill.test.ts
// kills at random instants and makes three states by hand; this reaches
// every write.
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { exists } from '../helpers/fs.js';
import { killStates } from '../helpers/stops.js';
import { anotherComputer, byName, devicesOf, firstComputer } from './helpers.js';

test("a wipe killed before any one of its writes is finished by the lost computer's next start", async () => {
  const { v, office } = await firstComputer({ 'Case A/a.txt': 'a' });
  const laptop = await anotherComputer(v, 'laptop', { 'Case 1/x.txt': 'x', 'Case 2/deep/y.txt': 'y' });
  const beside = join(v.root, 'beside');
  await mkdir(beside);
  await writeFile(join(beside, 'keep.txt'), 'not in the vault');
  await writeFile(join(laptop.home, 'not-casevault.txt'), 'someone else keeps this here');
  assert.equal((await office.cli(['devices', 'lost', 'laptop', '--wipe', '--yes'])).code, 0);
  const states = await killStates([laptop.home, laptop.vault, v.cloud], join(v.root, 'states'), () =>
    new Engine(laptop.home, laptop.env).sync().then(
      () => assert.fail('the sync carries out the wipe'),
      (e: Error) => assert.match(e.message, /marked lost/),
    ),
  );

  let doneBefore = 0;
  for (let at = 0; at < states.count; at++) {
    await states.restore(at);
    const set = (await exists(join(laptop.home, 'config.json'))) || (await exists(join(laptop.home, 'wiping.json')));
    const again = await laptop.cli(['sync']);
    if (set) {
      assert.equal(again.code, 1, `kill before ${at}: ${again.stderr}`);
      assert.match(again.stderr, /marked lost/);
    } else {
      // Killed after the wipe's last step but one (its marker gone, the home's own removal left): there is no vault here, and it says so.
      doneBefore++;
      assert.equal(again.code, 2, `kill before ${at}: ${again.stderr}`);
      assert.match(again.stderr, /no vault is set up/);
    }
    assert.equal(await exists(laptop.vault), false, `kill before ${at}: the vault folder is gone`);
    assert.deepEqual(await readdir(laptop.home), ['not-casevault.txt'], `kill before ${at}: only what is not Casevault's is left in the home`);
    assert.equal(await exists(join(beside, 'keep.txt')), true, `kill before ${at}: nothing beside the vault is touched`);
    assert.equal(byName(await devicesOf(office), 'laptop').status, 'wiped', `kill before ${at}: the other computer sees the wipe done`);
  }
  assert.ok(states.count >= 10, `killed before each of ${states.count} writes`);
  assert.ok(doneBefore < states.count / 4, 'most kills came before the wipe finished');
});
