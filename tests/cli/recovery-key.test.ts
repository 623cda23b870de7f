// The recovery key on the command line: init without --recovery-key-out
// leaves it unconfirmed until `recovery-key --confirm` types it back (a
// wrong word is named, exit 4); with --recovery-key-out it counts as kept,
// but never in a folder that travels with the vault; `recovery-key --new`
// asks for --yes first, and the old key stops working.
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadRecoveryConfirmation } from '../../engine/keys/recovery-confirmation.js';
import { exists, tempDir } from '../helpers/fs.js';
import { PASSPHRASE, run } from '../helpers/cli.js';

async function folders() {
  const root = await tempDir('rk');
  const vault = join(root, 'Cases');
  await mkdir(vault);
  const home = join(root, 'home');
  return { root, vault, home, cloud: join(root, 'cloud'), env: { CASEVAULT_HOME: home, CASEVAULT_PASSPHRASE: PASSPHRASE } };
}

const wordsOf = (text: string) => text.split(/[^a-z]+/).filter(Boolean);

test('init prints the key unconfirmed; recovery-key --confirm names a wrong word (exit 4) and confirms the right key', async () => {
  const f = await folders();
  const init = await run(['init', '--vault', f.vault, '--cloud', f.cloud], f.env);
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stdout, /check it with `casevault recovery-key --confirm`/);
  const line = init.stdout.split('\n').find((l) => wordsOf(l).length === 27 && l.includes(' - '))!;
  const words = wordsOf(line);
  assert.equal((await loadRecoveryConfirmation(f.home)).confirmedAt, null, 'shown, not typed back');

  const typo = [...words];
  typo[6] = words[6] === 'kitchen' ? 'zoo' : 'kitchen';
  const wrong = await run(['recovery-key', '--confirm'], { ...f.env, CASEVAULT_RECOVERY_KEY: typo.join(' ') });
  assert.equal(wrong.code, 4, wrong.stderr);
  // The whole message, so no word of the key is in it (some of its own words are list words: checking the key's words against it failed when the key held "right" or "one").
  assert.equal(wrong.stderr, 'casevault: word 7 of the recovery key is not the right one: check it.\n');
  assert.equal((await loadRecoveryConfirmation(f.home)).confirmedAt, null);

  assert.equal((await run(['recovery-key'], f.env)).code, 2, 'neither --confirm nor --new');
  assert.equal((await run(['recovery-key', '--confirm'], f.env)).code, 2, 'no key given and no terminal');
  const ok = await run(['recovery-key', '--confirm'], { ...f.env, CASEVAULT_RECOVERY_KEY: words.join(' ') });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^Recovery key confirmed/);
  assert.notEqual((await loadRecoveryConfirmation(f.home)).confirmedAt, null);
});

test('init --recovery-key-out counts as kept, but is refused inside the vault or cloud folder before anything is made', async () => {
  const f = await folders();
  await mkdir(f.cloud); // the sync app's folder, already there
  for (const inside of [join(f.vault, 'key.txt'), join(f.cloud, 'key.txt')]) {
    const r = await run(['init', '--vault', f.vault, '--cloud', f.cloud, '--recovery-key-out', inside], f.env);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /would be inside the (vault|cloud) folder/);
    assert.equal(await exists(inside), false);
    assert.equal(await exists(join(f.home, 'config.json')), false, 'no vault made');
  }
  const out = join(f.root, 'usb', 'kit.txt');
  await mkdir(join(f.root, 'usb'));
  const init = await run(['init', '--vault', f.vault, '--cloud', f.cloud, '--recovery-key-out', out], f.env);
  assert.equal(init.code, 0, init.stderr);
  assert.notEqual((await loadRecoveryConfirmation(f.home)).confirmedAt, null, 'the person chose where it is kept');
  const first = (await readFile(out, 'utf8')).trim();

  assert.equal((await run(['recovery-key', '--new'], f.env)).code, 2, '--new asks for --yes first');
  const next = join(f.root, 'usb', 'kit2.txt');
  const made = await run(['recovery-key', '--new', '--yes', '--recovery-key-out', next], f.env);
  assert.equal(made.code, 0, made.stderr);
  assert.match(made.stdout, /earlier recovery key no longer opens the vault/);
  const second = (await readFile(next, 'utf8')).trim();
  assert.notEqual(second, first);
  assert.notEqual((await loadRecoveryConfirmation(f.home)).confirmedAt, null, 'the new key was written where the person chose');
  assert.equal((await run(['recovery-key', '--confirm'], { ...f.env, CASEVAULT_RECOVERY_KEY: first })).code, 4, 'the old key stops working');
  assert.equal((await run(['recovery-key', '--confirm'], { ...f.env, CASEVAULT_RECOVERY_KEY: second })).code, 0);
});
