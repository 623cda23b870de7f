// A removal part-way through a key rotation (finding: the kept cloud copy
// then restored 147 of 1500 files with the new passphrase, none with the
// old, and the computer that could finish the rotation no longer had the
// vault): refused, nothing removed, until the rotation is finished.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { exists } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';
import { ROTATED } from '../rotate/helpers.js';
import { NEW_PASSPHRASE, failsWith, ok } from './helpers.js';

test('remove refuses while a key rotation is unfinished on this computer, saying how to finish it; then removes', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a', 'case-1/b.txt': 'b' }, synced: true, backedUp: true });
  const engine = new Engine(v.home, v.env);
  await engine.unlock({ passphrase: PASSPHRASE });
  await engine.rotateKeys({ newPassphrase: ROTATED }); // stopped before the cloud copy is re-encrypted
  await engine.lock();
  assert.ok(await exists(join(v.home, 'rotating.json')), 'the rotation is unfinished');
  const now = { CASEVAULT_PASSPHRASE: ROTATED };
  ok(await v.cli(['handover', '--to', join(v.root, 'copy')], { ...now, CASEVAULT_NEW_PASSPHRASE: NEW_PASSPHRASE }), 'handover');

  for (const args of [
    ['remove', '--yes'],
    ['remove', '--yes', '--cloud', 'delete', '--backups', 'delete'],
  ]) {
    const r = await v.cli(args, now);
    failsWith(
      r,
      1,
      /^casevault: a key rotation on this computer is not finished, so nothing was removed \(the cloud copy would open only in part\): finish the key rotation first; run `casevault rotate-keys` again with the new passphrase\.\n$/,
    );
    assert.equal(await readFile(join(v.vault, 'a.txt'), 'utf8'), 'a', 'the vault folder is untouched');
    assert.ok(await exists(join(v.cloud, 'casevault.key')), 'the cloud copy is untouched');
    assert.ok(await exists(join(v.backup, 'config')), 'the backups are untouched');
    assert.equal(await exists(join(v.home, 'removing.json')), false, 'no removal started');
  }

  const e = new Engine(v.home, { ...v.env, ...now });
  await e.unlock({ passphrase: ROTATED });
  await e.finishKeyRotation();
  await e.lock();
  assert.equal(await exists(join(v.home, 'rotating.json')), false);
  const r = ok(await v.cli(['remove', '--yes'], now), 'remove after the rotation finished');
  assert.match(r.stdout, /Cloud copy: kept\./);
});
