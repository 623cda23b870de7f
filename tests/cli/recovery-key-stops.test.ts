// `casevault recovery-key --new --yes` killed before each one of its writes
// in turn (tests/helpers/stops.ts, synchronous writes included: the cloud
// folder's key file is a small object): at every stop the passphrase still
// opens this computer's key file and the cloud's, and the vault's health
// says the recovery key was typed back only while the key that was typed
// back opens both (a key made and never shown, in either, is "not typed
// back", and typing the old key back is refused while the cloud's copy
// holds the new one); `recovery-key --new --yes` run again finishes, and the
// key it prints opens both and the old one neither.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeRecoveryKey, openKeyFile, parseKeyFile } from '../../crypto/index.js';
import { loadRecoveryConfirmation } from '../../engine/keys/recovery-confirmation.js';
import { Engine } from '../../engine/engine.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { killStates } from '../helpers/stops.js';
import { makeVault } from '../helpers/vault.js';
import { failsWith, ok } from '../handover/helpers.js';

/** Whether the key file at `file` opens with `secret`. */
async function opens(file: string, secret: { passphrase: string } | { words: string }): Promise<boolean> {
  const kf = parseKeyFile(new Uint8Array(await readFile(file)));
  const s = 'words' in secret ? { recoveryKey: await decodeRecoveryKey(secret.words) } : secret;
  return openKeyFile(kf, s).then(
    () => true,
    () => false,
  );
}

test('recovery-key --new killed before any one of its writes: never "typed back" for a key that does not open the vault, and --new again finishes', async (t) => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true });
  const files = [join(v.home, 'casevault.key'), join(v.cloud, 'casevault.key')];
  const engine = new Engine(v.home, v.env);
  await engine.unlock({ passphrase: PASSPHRASE });
  const states = await killStates([v.home, v.cloud], join(v.root, 'states'), () => engine.newRecoveryKey(), { sync: true });
  await engine.lock();

  let confirmed = 0;
  for (let at = 0; at < states.count; at++) {
    await states.restore(at);
    for (const f of files) assert.ok(await opens(f, { passphrase: PASSPHRASE }), `kill before ${at}: the passphrase opens ${f}`);
    if (!(await loadRecoveryConfirmation(v.home)).confirmedAt) {
      // Sent to type the key back, the person types the one they hold: taken only if it opens both copies of the key file.
      const typed = await v.cli(['recovery-key', '--confirm'], { CASEVAULT_RECOVERY_KEY: v.recoveryKey });
      if (typed.code !== 0) failsWith(typed, 4, /recovery key/);
    }
    if ((await loadRecoveryConfirmation(v.home)).confirmedAt) {
      confirmed++;
      for (const f of files) assert.ok(await opens(f, { words: v.recoveryKey }), `kill before ${at}: the key said to be typed back opens ${f}`);
    }
    const again = ok(await v.cli(['recovery-key', '--new', '--yes']), `recovery-key --new, after a kill before write ${at}`);
    const words = /^ {2}([a-z]+(?: (?:- )?[a-z]+){26})$/m.exec(again.stdout)?.[1]; // 27 words, in threes
    assert.ok(words, `kill before ${at}: the new key is printed`);
    for (const f of files) {
      assert.ok(await opens(f, { words }), `kill before ${at}: the new key opens ${f}`);
      assert.ok(!(await opens(f, { words: v.recoveryKey })), `kill before ${at}: the old key no longer opens ${f}`);
    }
    assert.equal((await loadRecoveryConfirmation(v.home)).confirmedAt, null, `kill before ${at}: the new key is not typed back yet`);
  }
  assert.ok(states.count >= 3, `killed before each of ${states.count} writes`);
  t.diagnostic(`killed before each of ${states.count} writes; at ${confirmed} the old key counted as typed back (it opened both copies of the key file)`);
});
