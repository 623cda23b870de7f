// `casevault passwd` killed before each one of its writes in turn (tests/
// helpers/stops.ts, synchronous writes included: the cloud folder's key
// file is a small object): at every stop the key file on this computer and
// the one in the cloud each open with the old passphrase or the new one,
// never neither; `passwd` run again with whichever opens this computer's
// finishes, and then both open with the new passphrase only and match.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { openKeyFile, parseKeyFile } from '../../crypto/index.js';
import { Engine } from '../../engine/engine.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { readTree } from '../helpers/fs.js';
import { killStates } from '../helpers/stops.js';
import { makeVault } from '../helpers/vault.js';
import { ok } from '../handover/helpers.js';

const NEW = 'fresh lantern copper river ninety quietly';

/** Which of the passphrases open the key file at `file`. */
async function opens(file: string): Promise<string[]> {
  const kf = parseKeyFile(new Uint8Array(await readFile(file)));
  const out: string[] = [];
  for (const passphrase of [PASSPHRASE, NEW])
    if (
      await openKeyFile(kf, { passphrase }).then(
        () => true,
        () => false,
      )
    )
      out.push(passphrase);
  return out;
}

test('passwd killed before any one of its writes: the old passphrase or the new one opens the vault, and `passwd` again finishes', async (t) => {
  const v = await makeVault({ files: { 'a.txt': 'a', 'case-1/b.txt': 'b' }, synced: true });
  const want = await readTree(v.vault);
  const engine = new Engine(v.home, v.env);
  await engine.unlock({ passphrase: PASSPHRASE });
  const states = await killStates([v.home, v.cloud], join(v.root, 'states'), () => engine.changePassphrase(NEW), { sync: true });
  await engine.lock();

  let mixed = 0;
  for (let at = 0; at < states.count; at++) {
    await states.restore(at);
    const here = await opens(join(v.home, 'casevault.key'));
    const cloud = await opens(join(v.cloud, 'casevault.key'));
    assert.ok(here.length > 0 && cloud.length > 0, `kill before ${at}: this computer's key file and the cloud's each open with one of the passphrases`);
    if (here[0] !== cloud[0]) {
      // Killed between the two key files: verify tells the truth, that a change here may not have finished, and how to finish it.
      mixed++;
      const said = ok(await v.cli(['verify', '--cloud'], { CASEVAULT_PASSPHRASE: here[0]! }), `verify --cloud, after a kill before write ${at}`);
      assert.match(said.stdout, /or here by a `casevault passwd` or `recovery-key --new` that did not finish \(run it again\)/);
    }
    ok(await v.cli(['passwd'], { CASEVAULT_PASSPHRASE: here[0]!, CASEVAULT_NEW_PASSPHRASE: NEW }), `passwd, after a kill before write ${at}`);
    assert.deepEqual(await opens(join(v.home, 'casevault.key')), [NEW], `kill before ${at}: this computer's key file opens with the new passphrase only`);
    assert.deepEqual(await opens(join(v.cloud, 'casevault.key')), [NEW], `kill before ${at}: the cloud's key file opens with the new passphrase only`);
    const e = new Engine(v.home, { ...v.env, CASEVAULT_PASSPHRASE: NEW });
    await e.unlock({ passphrase: NEW });
    try {
      const r = await e.verifyCloud();
      assert.deepEqual(
        [r.ok, r.bad, r.missing, r.keyFileMatches],
        [want.size, [], [], true],
        `kill before ${at}: the cloud copy opens, its key file is this computer's`,
      );
    } finally {
      await e.lock();
    }
    ok(await v.cli(['sync'], { CASEVAULT_PASSPHRASE: NEW }), `sync, after a kill before write ${at}`);
  }
  assert.ok(states.count >= 3, `killed before each of ${states.count} writes`);
  t.diagnostic(`killed before each of ${states.count} writes; ${mixed} left the cloud's key file and this computer's under different passphrases`);
});
