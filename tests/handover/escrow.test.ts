// The union's escrow key with the real CLI: keygen, add (only with the right
// fingerprint), recover with the escrow key, a handover copy the union can
// open, a tampered slot detected, remove; escrow recovery pins the vault
// with its escrow receipt (a forged key file refused).
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../helpers/cli.js';
import { forgeKeyFile } from '../helpers/forge-from-docs.js';
import { readTree } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';
import { ESCROW_PASSPHRASE, failsWith, handover, NEW_PASSPHRASE, ok, successorRecover } from './helpers.js';

async function keygen(dir: string): Promise<{ keyFile: string; publicFile: string; fingerprint: string }> {
  await mkdir(dir, { recursive: true });
  const keyFile = join(dir, 'union-escrow.key');
  const r = ok(await run(['escrow', 'keygen', '--out', keyFile], { CASEVAULT_ESCROW_PASSPHRASE: ESCROW_PASSPHRASE }), 'keygen');
  const fingerprint = /Fingerprint: ([0-9a-f-]+)/.exec(r.stdout)![1]!;
  assert.match(fingerprint, /^([0-9a-f]{4}-){7}[0-9a-f]{4}$/);
  return { keyFile, publicFile: `${keyFile}.pub`, fingerprint };
}

const escrowEnv = { CASEVAULT_ESCROW_PASSPHRASE: ESCROW_PASSPHRASE };

test('escrow: keygen, add with the confirmed fingerprint only, the union recovers the vault and a handover copy, tampering detected, remove', async () => {
  const v = await makeVault({ files: { 'a.txt': Buffer.from('member A'), 'b/c.txt': Buffer.from('member C') }, synced: true });
  const union = await keygen(v.root);
  const other = await keygen(join(v.root, 'other'));
  failsWith(await run(['escrow', 'keygen', '--out', union.keyFile], escrowEnv), 2, /already exists/);
  assert.doesNotMatch(await readFile(union.publicFile, 'utf8'), /wrapped|salt/, 'the public file holds no secret half');

  const wrongFp = union.fingerprint.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  failsWith(await v.cli(['escrow', 'add', '--public-key', union.publicFile, '--fingerprint', wrongFp]), 1, /fingerprint does not match/);
  assert.match(ok(await v.cli(['escrow', 'show']), 'show').stdout, /no escrow key/);
  // Spaces and capitals in the typed fingerprint are fine.
  const receipt = join(v.root, 'vault.receipt');
  const added = ok(
    await v.cli(['escrow', 'add', '--public-key', union.publicFile, '--fingerprint', union.fingerprint.toUpperCase().replace(/-/g, ' '), '--receipt', receipt]),
    'add',
  );
  const vaultFingerprint = JSON.parse(await readFile(receipt, 'utf8')).vaultFingerprint;
  assert.match(added.stdout, new RegExp(vaultFingerprint), 'the vault fingerprint is shown too');
  assert.match(ok(await v.cli(['escrow', 'show']), 'show').stdout, new RegExp(`Vault fingerprint.*${vaultFingerprint}`), 'and by escrow show');
  assert.match(ok(await v.cli(['escrow', 'show']), 'show').stdout, new RegExp(union.fingerprint));
  assert.equal(
    await readFile(join(v.cloud, 'casevault.key'), 'utf8'),
    await readFile(join(v.home, 'casevault.key'), 'utf8'),
    'the cloud key file has the slot too',
  );

  const into = join(v.root, 'union-recovered');
  failsWith(await successorRecover(v.root, v.cloud, into, escrowEnv, ['--escrow-key', union.keyFile]), 2, /escrow receipt/);
  ok(await successorRecover(v.root, v.cloud, into, escrowEnv, ['--escrow-key', union.keyFile, '--escrow-receipt', receipt]), 'recover with the escrow key');
  assert.deepEqual(await readTree(into), await readTree(v.vault));
  failsWith(
    await successorRecover(v.root, v.cloud, join(v.root, 'x'), { CASEVAULT_ESCROW_PASSPHRASE: 'a wrong escrow phrase' }, [
      '--escrow-key',
      union.keyFile,
      '--escrow-receipt',
      receipt,
    ]),
    4,
    /escrow passphrase is wrong/,
  );
  failsWith(
    await successorRecover(v.root, v.cloud, join(v.root, 'y'), escrowEnv, ['--escrow-key', other.keyFile, '--vault-fingerprint', vaultFingerprint]),
    4,
    /escrow key does not open this vault/,
  );

  // A handover copy with the union's key: the union opens it too.
  const copy = join(v.root, 'copy');
  failsWith(await handover(v, copy, ['--escrow-public-key', union.publicFile, '--fingerprint', other.fingerprint]), 1, /fingerprint does not match/);
  const copyReceipt = join(v.root, 'copy.receipt');
  assert.match(
    ok(await handover(v, copy, ['--escrow-public-key', union.publicFile, '--fingerprint', union.fingerprint, '--escrow-receipt', copyReceipt]), 'handover')
      .stdout,
    new RegExp(union.fingerprint),
  );
  ok(
    await successorRecover(v.root, copy, join(v.root, 'union-copy'), escrowEnv, ['--escrow-key', union.keyFile, '--escrow-receipt', copyReceipt]),
    'the union recovers the copy with its receipt',
  );
  failsWith(
    await successorRecover(v.root, copy, join(v.root, 'union-copy2'), escrowEnv, ['--escrow-key', union.keyFile, '--escrow-receipt', receipt]),
    3,
    /another vault ID/,
  );

  // A key file forged for the copy's ID with the union's public key (issue 15, item 1): refused with the copy's receipt.
  const genuine = await readFile(join(copy, 'casevault.key'));
  const real = JSON.parse(genuine.toString());
  const forged = await forgeKeyFile({
    vaultId: Buffer.from(real.vaultId, 'base64'),
    escrowPublicKey: Buffer.from(JSON.parse(await readFile(union.publicFile, 'utf8')).publicKey, 'base64'),
    recoveryKey: new Uint8Array(32),
  });
  await writeFile(join(copy, 'casevault.key'), forged.text);
  failsWith(
    await successorRecover(v.root, copy, join(v.root, 'forged-copy'), escrowEnv, ['--escrow-key', union.keyFile, '--escrow-receipt', copyReceipt]),
    3,
    /forged or swapped in/,
  );
  await writeFile(join(copy, 'casevault.key'), genuine);

  // An attacker's key swapped into the copy's slot (fingerprint to match): the key file no longer opens.
  const kf = JSON.parse(await readFile(join(copy, 'casevault.key'), 'utf8'));
  Object.assign(
    kf.slots.find((s: { role: string }) => s.role === 'escrow'),
    { publicKey: JSON.parse(await readFile(other.publicFile, 'utf8')).publicKey, fingerprint: other.fingerprint },
  );
  await writeFile(join(copy, 'casevault.key'), JSON.stringify(kf));
  failsWith(await successorRecover(v.root, copy, join(v.root, 'tampered'), { CASEVAULT_PASSPHRASE: NEW_PASSPHRASE }), 3, /tampered/);
  failsWith(
    await successorRecover(v.root, copy, join(v.root, 'tampered2'), escrowEnv, ['--escrow-key', other.keyFile, '--escrow-receipt', copyReceipt]),
    4,
    /does not open/,
  );

  assert.match(ok(await v.cli(['audit']), 'audit').stdout, /escrow key added/);
  ok(await v.cli(['escrow', 'remove']), 'remove');
  assert.match(ok(await v.cli(['escrow', 'show']), 'show').stdout, /no escrow key/);
  failsWith(
    await successorRecover(v.root, v.cloud, join(v.root, 'z'), escrowEnv, ['--escrow-key', union.keyFile, '--escrow-receipt', receipt]),
    4,
    /escrow key does not open/,
  );
});
