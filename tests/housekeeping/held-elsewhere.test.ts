// A case deleted on one computer that another computer of the vault still
// holds (docs/housekeeping.md, "Delete"): the report names that computer
// from its device record, and status says so while it is true: until that
// computer has deleted it too and the case is not back in the cloud.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { anotherComputer, firstComputer } from '../devices/helpers.js';
import { run } from '../helpers/cli.js';
import { OLD } from './helpers.js';

test('delete names the other computer that still holds the case; status says so until it is deleted there too', async () => {
  const { v, office } = await firstComputer({ 'Old/o.txt': ['old member data', OLD], 'Cur/c.txt': 'c' });
  const laptop = await anotherComputer(v, 'laptopB');
  const retention = async () => (await office.engine.status()).health.find((h) => h.area === 'retention')!;

  const r = await office.cli(['delete', 'Old', '--yes']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /laptopB still holds Old \(as of its last sync\): delete it there too/);
  assert.doesNotMatch(r.stdout, /cloud: gone from/, 'the cloud copy is not said to be gone while another computer will upload it again');
  const held = await retention();
  assert.equal(held.ok, false);
  assert.match(held.message, /“Old” deleted on this computer is still on laptopB/);

  // laptopB syncs: the case is back in the cloud, and status says who put it there.
  assert.equal((await laptop.cli(['sync'])).code, 0);
  assert.match(
    (await retention()).message,
    /“Old” deleted on this computer is back in the cloud, uploaded again by a computer that still holds it \(laptopB\)/,
  );

  // Deleted there too: once its sync moves the case to the cloud trash, nothing is left to say.
  await rm(join(laptop.vault, 'Old'), { recursive: true });
  assert.equal((await laptop.cli(['sync'])).code, 0);
  assert.doesNotMatch((await retention()).message, /Old/);
});

test('a computer with no record yet (recovered, never synced) that uploads the deleted case again: status says the case is back in the cloud', async () => {
  const { v, office } = await firstComputer({ 'Old/o.txt': ['old member data', OLD], 'Cur/c.txt': 'c' });
  const home = join(v.root, 'home-B');
  const env = { ...v.env, CASEVAULT_HOME: home, CASEVAULT_DEVICE_NAME: 'B' };
  assert.equal((await run(['recover', '--cloud', v.cloud, '--vault', join(v.root, 'vault-B')], env)).code, 0);
  const r = await office.cli(['delete', 'Old', '--yes']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await office.engine.status()).health.find((h) => h.area === 'retention')!.ok, true, 'nothing back yet');
  assert.equal((await run(['sync'], env)).code, 0);
  const item = (await office.engine.status()).health.find((h) => h.area === 'retention')!;
  assert.match(item.message, /“Old” deleted on this computer is back in the cloud, uploaded again by another computer of the vault/);
});
