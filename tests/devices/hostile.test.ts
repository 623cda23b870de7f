// A hostile cloud and a thief against the wipe order (docs/devices.md,
// threat-model.md): an order planted, copied from another computer's name,
// naming its own target as issuer, put back after a "found", deleted, or
// forged with the lost laptop's keys after the rotation, is ignored (or put
// right); the ordering computer and a freshly recovered copy never wipe.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fromBase64 } from '../../crypto/index.js';
import { makeOrder } from '../../engine/devices/orders.js';
import { ROTATED } from '../rotate/helpers.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { exists, readTree } from '../helpers/fs.js';
import { anotherComputer, byName, devicesOf, firstComputer, type Computer } from './helpers.js';

interface Config {
  deviceId: string;
  vaultId: string;
  authKey: string;
}
const configOf = async (c: Computer) => JSON.parse(await readFile(join(c.home, 'config.json'), 'utf8')) as Config;
const orderFile = (cloud: string, id: string) => join(cloud, 'devices', `${id}.order`);

/** `sync` on `c` succeeds and leaves its vault folder as it was. */
async function syncsUntouched(c: Computer, why: string, extra: Record<string, string> = {}): Promise<void> {
  const before = await readTree(c.vault);
  const r = await c.cli(['sync'], extra);
  assert.equal(r.code, 0, `${why}: ${r.stderr}`);
  assert.deepEqual(await readTree(c.vault), before, why);
  assert.ok(await exists(join(c.home, 'config.json')), why);
}

test('planted, copied and self-issued orders are ignored; the ordering computer and a recovered copy never wipe; a deleted order is put back', async () => {
  const { v, office } = await firstComputer({ 'Case A/a.txt': 'a', 'Case B/b.txt': 'b' });
  const desk = await anotherComputer(v, 'desk');
  const laptop = await anotherComputer(v, 'laptop');
  const [deskC, laptopC, officeC] = await Promise.all([configOf(desk), configOf(laptop), configOf(office)]);
  assert.equal((await office.cli(['devices', 'lost', 'laptop', '--wipe', '--yes'])).code, 0);
  const real = await readFile(orderFile(v.cloud, laptopC.deviceId));

  // Copied under another computer's name: it names the laptop, so neither obeys it.
  await writeFile(orderFile(v.cloud, deskC.deviceId), real);
  await syncsUntouched(desk, "the laptop's order copied for the desk");
  await writeFile(orderFile(v.cloud, officeC.deviceId), real);
  await syncsUntouched(office, "the laptop's order copied for the computer that gave it");
  // Planted bytes, and an order that names its target as its issuer (even under the real keys).
  await writeFile(orderFile(v.cloud, deskC.deviceId), randomBytes(300));
  await syncsUntouched(desk, 'planted bytes');
  const self = await makeOrder(
    { vault: deskC.vaultId, target: deskC.deviceId, issuer: deskC.deviceId, counter: 99, action: 'wipe', at: new Date().toISOString() },
    [fromBase64(deskC.authKey, 32)],
  );
  await writeFile(orderFile(v.cloud, deskC.deviceId), self.text);
  await syncsUntouched(desk, 'an order naming its own target as issuer');
  // Oversized: not even parsed.
  await writeFile(orderFile(v.cloud, deskC.deviceId), Buffer.alloc(20_000, 0x7b));
  await syncsUntouched(desk, 'an oversized order');

  // A fresh recovery of the vault on a new laptop: a new device, never the lost one.
  const fresh = await anotherComputer(v, 'new-laptop');
  await syncsUntouched(fresh, 'a recovered copy');

  // The cloud deletes the order: the office's listing finds it missing and puts it back from its sealed record.
  await rm(orderFile(v.cloud, laptopC.deviceId));
  const listed = byName(await devicesOf(office), 'laptop');
  assert.equal(listed.orderRestored, true);
  assert.equal(listed.wipe, 'ordered');
  assert.deepEqual(await readFile(orderFile(v.cloud, laptopC.deviceId)), real);

  const r = await laptop.cli(['sync']);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(await exists(laptop.vault), false);
  assert.equal(byName(await devicesOf(desk), 'laptop').status, 'wiped');
  assert.equal(byName(await devicesOf(fresh), 'new-laptop').status, 'active');
});

test('found again: a wipe order put back after the clear is stale; the found computer goes on syncing', async () => {
  const { v, office } = await firstComputer({ 'Case A/a.txt': 'a' });
  const spare = await anotherComputer(v, 'spare');
  const spareC = await configOf(spare);
  assert.equal((await office.cli(['devices', 'lost', 'spare', '--wipe', '--yes'])).code, 0);
  const wipeOrder = await readFile(orderFile(v.cloud, spareC.deviceId));
  const found = await office.cli(['devices', 'found', 'spare']);
  assert.equal(found.code, 0, found.stderr);
  assert.equal(byName(await devicesOf(office), 'spare').status, 'active');
  await syncsUntouched(spare, 'found before it ran');

  // The cloud puts the older wipe order back (a rollback): the spare has seen a later counter, and the listing puts the clear back.
  await writeFile(orderFile(v.cloud, spareC.deviceId), wipeOrder);
  await syncsUntouched(spare, 'a stale wipe order');
  const listed = byName(await devicesOf(office), 'spare');
  assert.equal(listed.orderRestored, true);
  assert.equal(listed.status, 'active');
  const notLost = await office.cli(['devices', 'found', 'spare']);
  assert.equal(notLost.code, 2, 'found on a computer not marked lost: a usage error');
});

test('a wipe order put back after the found wipes nothing on the found computer that has not synced since', async () => {
  const { v, office } = await firstComputer({ 'Case A/a.txt': 'a' });
  const laptop = await anotherComputer(v, 'laptop');
  const laptopC = await configOf(laptop);
  await writeFile(join(laptop.vault, 'offline.txt'), 'work done while offline');
  assert.equal((await office.cli(['devices', 'lost', 'laptop', '--wipe', '--yes'])).code, 0);
  const wipeOrder = await readFile(orderFile(v.cloud, laptopC.deviceId));
  assert.equal((await office.cli(['devices', 'found', 'laptop'])).code, 0);
  assert.equal((await office.cli(['sync'])).code, 0);
  // The cloud puts back the wipe order it once held; the laptop never saw the found.
  await writeFile(orderFile(v.cloud, laptopC.deviceId), wipeOrder);
  await syncsUntouched(laptop, 'a wipe order put back over a found the laptop never saw');
  assert.equal(byName(await devicesOf(office), 'laptop').status, 'active');
});

test("after the rotation, an order forged with the lost laptop's old keys is ignored by a computer that took the new keys", async () => {
  const { v, office } = await firstComputer({ 'Case A/a.txt': 'a' });
  const desk = await anotherComputer(v, 'desk');
  const laptop = await anotherComputer(v, 'laptop');
  const stolen = await configOf(laptop); // what the thief holds: the old auth key
  const deskC = await configOf(desk);
  await office.engine.unlock({ passphrase: PASSPHRASE });
  await office.engine.rotateKeys({ newPassphrase: ROTATED });
  await office.engine.finishKeyRotation();
  await office.engine.lock();
  await desk.engine.unlock({ passphrase: ROTATED }); // takes the new keys on
  await desk.engine.lock();
  const forged = await makeOrder(
    { vault: stolen.vaultId, target: deskC.deviceId, issuer: stolen.deviceId, counter: 1000, action: 'wipe', at: new Date().toISOString() },
    [fromBase64(stolen.authKey, 32)],
  );
  await writeFile(orderFile(v.cloud, deskC.deviceId), forged.text);
  await syncsUntouched(desk, "an order under the lost laptop's old keys");
  const list = await devicesOf(desk, { CASEVAULT_PASSPHRASE: ROTATED });
  assert.equal(byName(list, 'desk').status, 'active', 'the forged order does not verify under the vault keys as an order of any computer');
});
