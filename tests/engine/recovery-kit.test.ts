// The recovery kit file: written only when its words open the vault's key
// file, never inside a folder that travels with the vault (vault, cloud,
// backups, Casevault's own home), never over a file; it names the vault,
// the date, the words in numbered groups and the steps on a new laptop.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { exists } from '../helpers/fs.js';
import { TestClock } from '../helpers/clock.js';
import { makeVault } from '../helpers/vault.js';

test('recovery kit: checked words, a safe new place, and a page that says which vault, when, and what to do', async () => {
  const v = await makeVault({ backup: true });
  const engine = new Engine(v.home, v.env, undefined, { clock: new TestClock() });
  const usb = join(v.root, 'usb-stick');
  await mkdir(usb);
  for (const dir of [v.vault, v.cloud, v.backup, v.home]) {
    const to = join(dir, 'kit.txt');
    await assert.rejects(engine.saveRecoveryKit({ kit: 'vault', recoveryKey: v.recoveryKey, to }), /would be inside/);
    assert.equal(await exists(to), false);
  }
  const words = v.recoveryKey.split(/[^a-z]+/).filter(Boolean);
  const typo = [...words];
  typo[0] = words[0] === 'zoo' ? 'abandon' : 'zoo';
  await assert.rejects(engine.saveRecoveryKit({ kit: 'vault', recoveryKey: typo.join(' '), to: join(usb, 'kit.txt') }), /word 1 /);
  await assert.rejects(engine.saveRecoveryKit({ kit: 'vault', recoveryKey: v.recoveryKey, to: 'kit.txt' }), /full path/);
  assert.equal(await exists(join(usb, 'kit.txt')), false, 'a kit that does not open the vault is never written');

  const to = join(usb, 'kit.txt');
  assert.deepEqual(await engine.saveRecoveryKit({ kit: 'vault', recoveryKey: v.recoveryKey, to }), { path: to });
  const kit = await readFile(to, 'utf8');
  assert.match(kit, /^Casevault recovery kit: Cases\nMade on 5 December 2026\./);
  assert.match(kit, / 1\. \w+ +2\. \w+ +3\. \w+\n/);
  assert.match(kit, /27\. \w+\n/);
  assert.deepEqual(
    [...kit.matchAll(/\d+\. ([a-z]+)/g)].map((m) => m[1]),
    words,
    'every word, numbered, in order',
  );
  assert.match(kit, /On a new laptop:\n {2}1\. Install Casevault/);
  assert.ok(kit.includes(v.cloud), 'where the encrypted copy is');

  await writeFile(join(usb, 'other.txt'), 'someone else');
  await assert.rejects(engine.saveRecoveryKit({ kit: 'vault', recoveryKey: v.recoveryKey, to: join(usb, 'other.txt') }), /already there/);
  assert.equal(await readFile(join(usb, 'other.txt'), 'utf8'), 'someone else', 'never over a file');
  const facts = await engine.recoveryKitFacts('vault');
  assert.deepEqual(facts, { kind: 'vault', vaultName: 'Cases', cloud: { kind: 'folder', dir: v.cloud }, date: '5 December 2026' });
});
