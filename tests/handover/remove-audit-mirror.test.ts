// With the cloud copy kept, `remove` mirrors its "vault removed from this
// computer" entry to the cloud before the home (and its trail) goes: the
// union, or whoever recovers the kept copy, reads it among the trails.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../helpers/cli.js';
import { makeVault } from '../helpers/vault.js';
import { handover, ok } from './helpers.js';

test("remove with the cloud copy kept leaves its record in the cloud copy's audit trail", async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true });
  ok(await handover(v, join(v.root, 'copy')), 'handover');
  ok(await v.cli(['remove', '--yes']), 'remove');
  const env = { CASEVAULT_HOME: join(v.root, 'union-home'), CASEVAULT_PASSPHRASE: v.env.CASEVAULT_PASSPHRASE };
  ok(await run(['recover', '--cloud', v.cloud, '--vault', join(v.root, 'union-vault')], env), 'recover the kept copy');
  const others = ok(await run(['audit', '--others'], env), 'audit --others').stdout;
  assert.match(others, /vault removed from this computer/);
  assert.match(others, /chain is intact/);
});
