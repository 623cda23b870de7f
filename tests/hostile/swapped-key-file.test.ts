// Issue 15, item 16: a key file the cloud swaps in is tampering (exit 3),
// not "the keys were changed on another computer" (exit 1, which asks the
// person to go and find a new passphrase that does not exist). A real
// rotation elsewhere carries proof under this computer's own keys
// (tests/rotate/rotate.test.ts keeps it at exit 1); these carry none.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { forgeKeyFile } from '../helpers/forge-from-docs.js';
import { makeVault } from '../helpers/vault.js';

const files = { 'a.txt': 'member A', 'b/c.txt': 'member C' };

test("a key file forged for this vault's ID (the forger's own keys) is reported as tampering by verify --cloud and sync", async () => {
  const v = await makeVault({ files, synced: true });
  const mine = JSON.parse(await readFile(join(v.cloud, 'casevault.key'), 'utf8'));
  const forged = await forgeKeyFile({ vaultId: Buffer.from(mine.vaultId, 'base64'), recoveryKey: new Uint8Array(32) });
  await writeFile(join(v.cloud, 'casevault.key'), forged.text);
  for (const args of [['verify', '--cloud'], ['sync']]) {
    const r = await v.cli(args);
    assert.equal(r.code, 3, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /swapped|forged/);
    assert.doesNotMatch(r.stderr, /changed on another computer/);
  }
});

test("another vault's genuine key file swapped in is reported as tampering too", async () => {
  const v = await makeVault({ files, synced: true });
  const other = await makeVault({ files: { 'x.txt': 'another vault' }, synced: true });
  await writeFile(join(v.cloud, 'casevault.key'), await readFile(join(other.cloud, 'casevault.key')));
  for (const args of [['verify', '--cloud'], ['sync']]) {
    const r = await v.cli(args);
    assert.equal(r.code, 3, `${args.join(' ')}: ${r.stderr}`);
  }
});
