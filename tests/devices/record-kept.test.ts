// A hostile cloud against the lost computer's record, which the breach
// report is built from (docs/devices.md, "Lost computers' records kept
// here"; found by an outside probe): the record deleted, an earlier one put
// back, or one written after the rotation with the lost laptop's old keys.
// The computer that marked it lost keeps the newest record it saw, sealed,
// in its home: the laptop is still listed, and the report never lists fewer
// cases than that record, and says what the cloud did.
import assert from 'node:assert/strict';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BreachReport } from '../../contract/index.js';
import { configWriteKeys, type VaultConfig } from '../../engine/config.js';
import { sealRecord } from '../../engine/devices/records.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { writeFiles } from '../helpers/vault.js';
import { ROTATED } from '../rotate/helpers.js';
import { anotherComputer, byName, devicesOf, firstComputer, type Computer } from './helpers.js';

const configOf = async (home: string) => JSON.parse(await readFile(join(home, 'config.json'), 'utf8')) as VaultConfig & { deviceKey: string };
const recordFile = (cloud: string, id: string) => join(cloud, 'devices', id);
const CASES = { 'Grievance Smith/notes.txt': 'x', 'Medical Jones/notes.txt': 'x', 'Dismissal Patel/notes.txt': 'x' };

async function report(c: Computer, extra: Record<string, string> = {}): Promise<BreachReport> {
  const r = await c.cli(['breach-report', 'laptop', '--json'], extra);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as BreachReport;
}

test("the lost laptop's record deleted from the cloud: still listed, and its breach report made from the record kept here", async () => {
  const { v, office } = await firstComputer({ 'a.txt': 'a' });
  const laptop = await anotherComputer(v, 'laptop', { 'Medical Jones/letter.txt': 's' });
  const { deviceId } = await configOf(laptop.home);
  assert.equal((await office.cli(['devices', 'lost', 'laptop', '--wipe', '--yes'])).code, 0);
  await rm(recordFile(v.cloud, deviceId));

  const listed = byName(await devicesOf(office), 'laptop') as ReturnType<typeof byName> & { recordGone: boolean };
  assert.equal(listed.status, 'lost');
  assert.equal(listed.recordGone, true);
  const text = await office.cli(['devices']);
  assert.match(text.stdout, /laptop .*its record has gone from the cloud/);

  const r = await report(office);
  assert.ok(r.cases.includes('Medical Jones'), r.cases.join(', '));
  assert.equal(r.recordGone, true);
  const page = await office.cli(['breach-report', deviceId]);
  assert.equal(page.code, 0, page.stderr);
  assert.match(page.stdout, /Its record has gone from the cloud/);
  assert.match(page.stdout, /Medical Jones: 1 file/);
});

test('an earlier record of the lost laptop put back in the cloud: the report still lists all 4 cases, and says it was rolled back', async () => {
  const { v, office } = await firstComputer({ 'a.txt': 'a' });
  const laptop = await anotherComputer(v, 'laptop');
  const { deviceId } = await configOf(laptop.home);
  const early = await readFile(recordFile(v.cloud, deviceId));
  await writeFiles(laptop.vault, CASES);
  assert.equal((await laptop.cli(['sync'])).code, 0);
  assert.equal((await office.cli(['devices', 'lost', 'laptop', '--yes'])).code, 0);
  assert.equal((await report(office)).cases.length, 4);

  await writeFile(recordFile(v.cloud, deviceId), early); // the hostile cloud puts the early record back
  const r = await report(office);
  assert.deepEqual(r.cases, ['(files in the vault folder)', 'Dismissal Patel', 'Grievance Smith', 'Medical Jones']);
  assert.equal(r.files, 4);
  assert.equal(r.recordRolledBack, true);
  assert.equal((byName(await devicesOf(office), 'laptop') as unknown as { recordRolledBack: boolean }).recordRolledBack, true);
  const html = join(v.root, 'report.html');
  assert.equal((await office.cli(['breach-report', 'laptop', '--html', html])).code, 0);
  assert.match(await readFile(html, 'utf8'), /earlier record of it than this computer has seen/);
});

for (const rotateFirst of [false, true])
  test(`after the rotation (${rotateFirst ? 'made before' : 'made after'} the laptop was marked lost), a record written with the lost laptop's old keys: the report keeps the genuine cases and says an old-key record appeared`, async () => {
    const { v, office } = await firstComputer({ 'a.txt': 'a' });
    const laptop = await anotherComputer(v, 'laptop', CASES);
    const stolen = join(v.root, 'stolen-home');
    await cp(laptop.home, stolen, { recursive: true }); // what the thief copied off the laptop
    const after = { CASEVAULT_PASSPHRASE: ROTATED };
    const rotate = async () => {
      await office.engine.unlock({ passphrase: PASSPHRASE });
      await office.engine.rotateKeys({ newPassphrase: ROTATED });
      await office.engine.finishKeyRotation();
      await office.engine.lock();
    };
    if (rotateFirst) await rotate(); // the app's "Lost or stolen computer" flow rotates first
    assert.equal((await office.cli(['devices', 'lost', 'laptop', '--wipe', '--yes'], rotateFirst ? after : {})).code, 0);
    if (!rotateFirst) await rotate();
    assert.equal((await report(office, after)).cases.length, 4);

    // The thief writes a record of the laptop under the keys it held, saying only "Minutes" was on it.
    const c = await configOf(stolen);
    const now = new Date().toISOString();
    const forged = await sealRecord(configWriteKeys(c), {
      v: 2,
      id: c.deviceId,
      name: 'laptop',
      version: '0.1.0',
      firstSeen: c.createdAt,
      lastSeen: now,
      lastSync: now,
      deviceKey: c.deviceKey,
      cases: [{ name: 'Minutes', files: 1, newest: now }],
      atRest: 'unknown',
      orders: [],
    });
    await writeFile(recordFile(v.cloud, c.deviceId), forged);

    const r = await report(office, after);
    for (const name of ['Dismissal Patel', 'Grievance Smith', 'Medical Jones']) assert.ok(r.cases.includes(name), `${name} kept: ${r.cases.join(', ')}`);
    assert.equal(r.oldKeysRecord, true);
    const text = await office.cli(['breach-report', 'laptop'], after);
    assert.match(text.stdout, /keys from before the rotation appeared after this computer was marked lost/);
    const listed = await office.cli(['devices'], after);
    assert.match(listed.stdout, /someone holding the lost computer's keys may have written it/);
  });
