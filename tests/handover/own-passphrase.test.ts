// The copy holds nothing of the predecessor's keys: a successor passphrase
// equal to the vault's current one is refused, as rotate-keys refuses it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { exists } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';
import { failsWith } from './helpers.js';

test("handover refuses the vault's own passphrase for the successor (exit 2), writing nothing", async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true });
  const copy = join(v.root, 'copy');
  const r = await v.cli(['handover', '--to', copy], { CASEVAULT_NEW_PASSPHRASE: v.env.CASEVAULT_PASSPHRASE! });
  failsWith(r, 2, /the successor's passphrase must not be the vault's current one.*choose a passphrase you have not used for this vault/);
  assert.equal(await exists(copy), false, 'no copy made');
  assert.equal(await exists(join(v.home, 'handover-verified.json')), false);
});
