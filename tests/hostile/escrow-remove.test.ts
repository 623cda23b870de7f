// Issue 15, item 8: `escrow remove` rewrites the key file without the
// escrow slot, but an earlier copy of the key file (a cloud's version
// history, a backup, a handover) still opens the vault with the union's
// key. The command used to say the union's key "no longer opens" the vault;
// now it says what it did, what it cannot undo, and offers the key rotation
// as a typed next step (the CLI words it as `casevault rotate-keys`).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { openEscrowKeyFile, openKeyFile, parseEscrowKeyFile, parseKeyFile, toBase64 } from '../../crypto/index.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { makeVault } from '../helpers/vault.js';

const ESCROW_PASSPHRASE = 'union officer keeps this phrase locked away';

test("escrow remove says that earlier copies of the key file still open with the union's key, and offers the key rotation", async () => {
  const v = await makeVault({ files: { 'a.txt': 'member A' }, synced: true });
  await v.engine.unlock({ passphrase: PASSPHRASE });
  const union = await v.engine.escrowKeygen(join(v.root, 'union.key'), ESCROW_PASSPHRASE);
  await v.engine.escrowAdd(union.publicFile, union.fingerprint);
  const earlier = await readFile(join(v.cloud, 'casevault.key')); // as the cloud's version history keeps it

  const r = await v.cli(['escrow', 'remove']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /no longer opens/);
  assert.match(r.stdout, /Earlier copies of the key file .* still open this vault with the union's key/);
  assert.match(r.stdout, /casevault rotate-keys/);
  assert.doesNotMatch(await readFile(join(v.cloud, 'casevault.key'), 'utf8'), /escrow/, 'the cloud copy has no escrow slot now');

  // What the message says is so: the earlier copy opens, with the union's key, to this vault's current keys.
  const pair = await openEscrowKeyFile(parseEscrowKeyFile(await readFile(union.keyFile)), ESCROW_PASSPHRASE);
  const keys = await openKeyFile(parseKeyFile(earlier), { escrow: pair });
  const config = JSON.parse(await readFile(join(v.home, 'config.json'), 'utf8'));
  assert.equal(toBase64(keys.publicKey), config.publicKey);

  assert.deepEqual(await v.engine.escrowRemove(), { removed: false }, 'nothing to remove, nothing to offer');
});
