// Issue 15, item 1: the union's escrow public key is in every key file, so a
// hostile cloud can seal a master secret of its own to it and build a key
// file for the vault's ID that is valid in every respect (built here from
// docs/format.md alone). Escrow recovery used to take it: it restored the
// cloud's planted files as genuine and pinned the cloud's public key. Now
// it needs the escrow receipt made when the slot was added (or the vault
// fingerprint it shows) and refuses a key file whose keys it does not name,
// before anything is restored or kept.
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { PASSPHRASE, run } from '../helpers/cli.js';
import { forgeKeyFile, sealObjectFromDocs } from '../helpers/forge-from-docs.js';
import { exists, readTree } from '../helpers/fs.js';
import { makeVault, type TestVault } from '../helpers/vault.js';

const ESCROW_PASSPHRASE = 'union officer keeps this phrase locked away';
const files = { 'a.txt': 'member A', 'b/c.txt': 'member C' };

async function withEscrow(v: TestVault): Promise<{ keyFile: string; receipt: string; vaultFingerprint: string }> {
  await v.engine.unlock({ passphrase: PASSPHRASE });
  const union = await v.engine.escrowKeygen(join(v.root, 'union.key'), ESCROW_PASSPHRASE);
  const receipt = join(v.root, 'union-receipt.json');
  const added = await v.engine.escrowAdd(union.publicFile, union.fingerprint, receipt);
  assert.equal(added.receiptFile, receipt);
  return { keyFile: union.keyFile, receipt, vaultFingerprint: added.vaultFingerprint };
}

function unionRecovers(v: TestVault, into: string, keyFile: string, pin: string[]) {
  return run(['recover', '--cloud', v.cloud, '--vault', into, '--escrow-key', keyFile, ...pin], {
    CASEVAULT_HOME: join(v.root, `union-home-${pin.join('').length}-${into.length}`),
    CASEVAULT_ESCROW_PASSPHRASE: ESCROW_PASSPHRASE,
  });
}

test("a key file the cloud forged with the union's public key is refused by escrow recovery with the receipt or the typed fingerprint, before anything is restored", async () => {
  const v = await makeVault({ files, synced: true });
  const union = await withEscrow(v);
  const receipt = JSON.parse(await readFile(union.receipt, 'utf8'));
  assert.equal(receipt.casevault, 'escrow-receipt');
  assert.equal(receipt.vaultFingerprint, union.vaultFingerprint);

  // The genuine key file: the union recovers with either pin.
  for (const pin of [
    ['--escrow-receipt', union.receipt],
    ['--vault-fingerprint', union.vaultFingerprint.toUpperCase()],
  ]) {
    const into = join(v.root, `genuine${pin[0]}`);
    const r = await unionRecovers(v, into, union.keyFile, pin);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await readTree(into), await readTree(v.vault));
  }

  // The cloud's forgery: its own master sealed to the union, a file planted under it.
  const real = JSON.parse(await readFile(join(v.cloud, 'casevault.key'), 'utf8'));
  const escrowSlot = real.slots.find((s: { role: string }) => s.role === 'escrow');
  const forged = await forgeKeyFile({
    vaultId: Buffer.from(real.vaultId, 'base64'),
    escrowPublicKey: Buffer.from(escrowSlot.publicKey, 'base64'),
    recoveryKey: new Uint8Array(32),
  });
  const planted = await sealObjectFromDocs(forged.keys, 'instructions from the union.txt', new TextEncoder().encode('pay the fee to this account'));
  await mkdir(dirname(join(v.cloud, planted.name)), { recursive: true });
  await writeFile(join(v.cloud, planted.name), planted.bytes);
  await writeFile(join(v.cloud, 'casevault.key'), forged.text);

  for (const pin of [
    ['--escrow-receipt', union.receipt],
    ['--vault-fingerprint', union.vaultFingerprint],
  ]) {
    const into = join(v.root, `forged${pin[0]}`);
    const r = await unionRecovers(v, into, union.keyFile, pin);
    assert.equal(r.code, 3, `${pin[0]}: ${r.stderr}`);
    assert.match(r.stderr, /forged or swapped in/);
    assert.equal(await exists(join(into, 'instructions from the union.txt')), false, 'nothing planted is restored');
    assert.deepEqual(await readdir(into).catch(() => []), [], 'nothing at all is');
  }
  const without = await unionRecovers(v, join(v.root, 'no-pin'), union.keyFile, []);
  assert.equal(without.code, 2, without.stderr);
  assert.match(without.stderr, /escrow receipt/);
});

test("another vault's receipt does not open this vault with the escrow key", async () => {
  const v = await makeVault({ files, synced: true });
  const union = await withEscrow(v);
  const other = await makeVault({ files: { 'x.txt': 'another vault' }, synced: true });
  await other.engine.unlock({ passphrase: PASSPHRASE });
  const otherReceipt = join(other.root, 'other-receipt.json');
  await other.engine.escrowAdd(`${union.keyFile}.pub`, (await v.engine.escrowShow())!.fingerprint, otherReceipt);
  const r = await unionRecovers(v, join(v.root, 'mixed'), union.keyFile, ['--escrow-receipt', otherReceipt]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /another vault ID/);
});
