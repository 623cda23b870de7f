// `remove` with the vault folder's drive unplugged says the folder is
// missing and to reconnect its drive (as sync does), not to fix permissions.
import assert from 'node:assert/strict';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { exists } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';
import { failsWith, handover, ok } from './helpers.js';

test('remove with the vault folder missing says to reconnect its drive, and removes nothing', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true });
  ok(await handover(v, join(v.root, 'copy')), 'handover');
  await rename(v.vault, join(v.root, 'vault-on-unplugged-drive'));
  const r = await v.cli(['remove', '--yes']);
  failsWith(r, 1, new RegExp(`the vault folder ${v.vault} is missing; reconnect its drive, then remove the vault from this computer again`));
  assert.doesNotMatch(r.stderr, /permissions/);
  assert.ok(await exists(join(v.home, 'config.json')), 'nothing removed');
  await rename(join(v.root, 'vault-on-unplugged-drive'), v.vault);
  ok(await v.cli(['remove', '--yes']), 'remove once the drive is back');
});
