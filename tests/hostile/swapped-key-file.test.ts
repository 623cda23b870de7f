// Issue 15, item 16: a key file the cloud swaps in is tampering (exit 3),
// not "the keys were changed on another computer" (exit 1, which asks the
// person to go and find a new passphrase that does not exist). A real
// rotation elsewhere carries proof under this computer's own keys
// (tests/rotate/rotate.test.ts keeps it at exit 1); these carry none.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { PASSPHRASE } from '../helpers/cli.js';
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

test('a passphrase changed on another computer is not tampering: verify --cloud here says the key file is genuine and exits 0; a flipped slot in it is still tampering', async () => {
  const v = await makeVault({ files, synced: true });
  const other = new Engine(join(v.root, 'home-2'), v.env);
  await other.recover({ vaultDir: join(v.root, 'vault-2'), cloud: { kind: 'folder', dir: v.cloud }, secret: { passphrase: PASSPHRASE } });
  await other.unlock({ passphrase: PASSPHRASE });
  await other.changePassphrase('a new passphrase for the office laptop 7');
  const r = await v.cli(['verify', '--cloud']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /differs from this computer's copy but is genuine: the passphrase or recovery key was changed on another computer/);
  assert.equal((await v.cli(['sync'])).code, 0);

  const kf = JSON.parse(await readFile(join(v.cloud, 'casevault.key'), 'utf8')) as { slots: { wrapped?: string }[] };
  const slot = kf.slots.find((s) => s.wrapped)!;
  slot.wrapped = `${slot.wrapped!.startsWith('A') ? 'B' : 'A'}${slot.wrapped!.slice(1)}`;
  await writeFile(join(v.cloud, 'casevault.key'), JSON.stringify(kf));
  const t = await v.cli(['verify', '--cloud']);
  assert.equal(t.code, 3, 'an edited slot breaks the MAC: not genuine');
});
