// The union's escrow key with the real CLI: keygen, add (only with the right
// fingerprint, only unlocked), recover with the escrow key, a tampered slot
// detected, remove; and a handover copy the union can open.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../helpers/cli.js';
import { readTree } from '../helpers/fs.js';
import { ESCROW_PASSPHRASE, failsWith, handover, makeVault, ok, successorRecover } from './helpers.js';

async function keygen(dir: string): Promise<{ keyFile: string; publicFile: string; fingerprint: string }> {
  await mkdir(dir, { recursive: true });
  const keyFile = join(dir, 'union-escrow.key');
  const r = ok(await run(['escrow', 'keygen', '--out', keyFile], { CASEVAULT_ESCROW_PASSPHRASE: ESCROW_PASSPHRASE }), 'keygen');
  const fingerprint = /Fingerprint: ([0-9a-f-]+)/.exec(r.stdout)![1]!;
  assert.match(fingerprint, /^([0-9a-f]{4}-){7}[0-9a-f]{4}$/);
  return { keyFile, publicFile: `${keyFile}.pub`, fingerprint };
}

const escrowEnv = { CASEVAULT_ESCROW_PASSPHRASE: ESCROW_PASSPHRASE };

test('escrow round trip: keygen, add with the confirmed fingerprint, the union recovers the vault with its key', async () => {
  const v = await makeVault('cv-escrow', { 'a.txt': Buffer.from('member A'), 'b/c.txt': Buffer.from('member C') });
  const union = await keygen(v.root);
  failsWith(await run(['escrow', 'keygen', '--out', union.keyFile], escrowEnv), 2, /already exists/);
  const pubText = await readFile(union.publicFile, 'utf8');
  assert.doesNotMatch(pubText, /wrapped|salt/, 'the public file holds no secret half');

  const wrongFp = union.fingerprint.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  failsWith(await v.cli(['escrow', 'add', '--public-key', union.publicFile, '--fingerprint', wrongFp]), 1, /fingerprint does not match/);
  failsWith(await v.cli(['escrow', 'add', '--public-key', union.publicFile, '--fingerprint', union.fingerprint], { CASEVAULT_PASSPHRASE: 'not the passphrase at all' }), 4, /passphrase is wrong/);
  ok(await v.cli(['escrow', 'show']), 'show').stdout.includes('no escrow key');
  // Spaces and capitals in the typed fingerprint are fine.
  ok(await v.cli(['escrow', 'add', '--public-key', union.publicFile, '--fingerprint', union.fingerprint.toUpperCase().replace(/-/g, ' ')]), 'add');
  assert.match(ok(await v.cli(['escrow', 'show']), 'show').stdout, new RegExp(union.fingerprint));
  assert.equal(await readFile(join(v.cloud, 'casevault.key'), 'utf8'), await readFile(join(v.home, 'casevault.key'), 'utf8'), 'the cloud key file has the slot too');

  const into = join(v.root, 'union-recovered');
  const r = await successorRecover(v.root, v.cloud, into, escrowEnv, ['--escrow-key', union.keyFile]);
  ok(r, 'recover with the escrow key');
  assert.deepEqual(await readTree(into), await readTree(v.vault));
  failsWith(await successorRecover(v.root, v.cloud, join(v.root, 'x'), { CASEVAULT_ESCROW_PASSPHRASE: 'a wrong escrow phrase' }, ['--escrow-key', union.keyFile]), 4, /escrow passphrase is wrong/);

  const other = await keygen(join(v.root, 'b'));
  failsWith(await successorRecover(v.root, v.cloud, join(v.root, 'y'), escrowEnv, ['--escrow-key', other.keyFile]), 4, /escrow key does not open this vault/);

  assert.match(ok(await v.cli(['audit']), 'audit').stdout, /escrow key added/);
  ok(await v.cli(['escrow', 'remove']), 'remove');
  assert.match(ok(await v.cli(['escrow', 'show']), 'show').stdout, /no escrow key/);
  failsWith(await successorRecover(v.root, v.cloud, join(v.root, 'z'), escrowEnv, ['--escrow-key', union.keyFile]), 4, /escrow key does not open/);
});

test('a tampered escrow slot (an attacker\'s key swapped in, fingerprint to match) is detected at the next unlock', async () => {
  const v = await makeVault('cv-escrow-tamper', { 'a.txt': Buffer.from('a') });
  const union = await keygen(v.root);
  ok(await v.cli(['escrow', 'add', '--public-key', union.publicFile, '--fingerprint', union.fingerprint]), 'add');
  const attacker = await keygen(join(v.root, 'attacker'));
  const kf = JSON.parse(await readFile(join(v.home, 'casevault.key'), 'utf8'));
  const slot = kf.slots.find((s: { role: string }) => s.role === 'escrow');
  slot.publicKey = JSON.parse(await readFile(attacker.publicFile, 'utf8')).publicKey;
  slot.fingerprint = attacker.fingerprint;
  await writeFile(join(v.home, 'casevault.key'), JSON.stringify(kf));
  failsWith(await v.cli(['audit']), 3, /tampered/);
  // The same file put in the cloud: a new computer's recover refuses it too.
  await writeFile(join(v.cloud, 'casevault.key'), JSON.stringify(kf));
  failsWith(await successorRecover(v.root, v.cloud, join(v.root, 'r'), { CASEVAULT_PASSPHRASE: v.env.CASEVAULT_PASSPHRASE! }), 3, /tampered/);
  failsWith(await successorRecover(v.root, v.cloud, join(v.root, 'r2'), escrowEnv, ['--escrow-key', attacker.keyFile]), 4, /does not open/);
});

test('a handover copy with the union\'s escrow key: the union opens it too', async () => {
  const v = await makeVault('cv-escrow-hand', { 'a.txt': Buffer.from('a') });
  const union = await keygen(v.root);
  const copy = join(v.root, 'copy');
  failsWith(await handover(v, copy, ['--escrow-public-key', union.publicFile, '--fingerprint', '0000-0000-0000-0000-0000-0000-0000-0000']), 1, /fingerprint does not match/);
  const r = ok(await handover(v, copy, ['--escrow-public-key', union.publicFile, '--fingerprint', union.fingerprint]), 'handover');
  assert.match(r.stdout, new RegExp(union.fingerprint));
  const into = join(v.root, 'union');
  ok(await successorRecover(v.root, copy, into, escrowEnv, ['--escrow-key', union.keyFile]), 'the union recovers the copy');
  assert.equal(await readFile(join(into, 'a.txt'), 'utf8'), 'a');
});
