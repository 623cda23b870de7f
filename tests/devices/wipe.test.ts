// A lost laptop, end to end, with the real command on three homes sharing one
// cloud folder: the list of computers, the keys rotated, the wipe ordered;
// the lost laptop's next sync (while locked, with a rotated key file in the
// cloud) removes its vault folder and home, and nothing else, and reports
// back; the other computers say "wiped"; the breach report lists exactly the
// cases that were on it at its last sync. Then `watch` on another lost
// computer does the same.
import assert from 'node:assert/strict';
import { mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { StatusReport } from '../../contract/index.js';
import { ROTATED } from '../rotate/helpers.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { exists, readTree } from '../helpers/fs.js';
import { anotherComputer, byName, devicesOf, firstComputer } from './helpers.js';

const NEW = { CASEVAULT_PASSPHRASE: ROTATED };
const devicesHealth = (s: StatusReport) => s.health.find((h) => h.area === 'devices')!;

test('a lost laptop: listed, keys rotated, wipe ordered; its next sync wipes it, the others say so, the breach report lists its cases', async () => {
  const { v, office } = await firstComputer({ 'Smith 2026-014/letter.txt': 'dear', 'Jones 2025-101/notes.md': 'n', 'intake.txt': 'loose' });
  const desk = await anotherComputer(v, 'desk');
  const laptop = await anotherComputer(v, 'laptop', { 'Laptop-only case/statement.txt': 'only here', 'Laptop-only case/more.txt': 'and here' });
  // Outside the laptop's vault folder: never touched by the wipe (one reached through a link inside it, too).
  const outside = join(v.root, 'not-in-the-vault');
  await mkdir(outside);
  await writeFile(join(outside, 'keep.txt'), 'mine');
  await symlink(outside, join(laptop.vault, 'link-out'));

  const listed = await devicesOf(office);
  assert.deepEqual(listed.map((d) => d.name).sort(), ['desk', 'laptop', office.name].sort());
  assert.deepEqual(
    listed.filter((d) => d.this).map((d) => d.name),
    [office.name],
  );
  assert.ok(listed.every((d) => d.status === 'active' && /^[0-9a-f]{32}$/.test(d.id)));

  // After the laptop's last sync, the office adds a case: not on the laptop, not in its report.
  await writeFile(join(office.vault, 'Later case.txt'), 'later');
  await office.engine.sync();

  const refused = await office.cli(['devices', 'lost', 'laptop', '--wipe']);
  assert.equal(refused.code, 2, 'without --yes: a usage error');
  assert.match(refused.stderr, /--yes/);
  const self = await office.cli(['devices', 'lost', office.name, '--wipe', '--yes']);
  assert.equal(self.code, 1, 'this computer is never marked lost from itself');

  // The flow: rotate the keys, then order the wipe (under the new passphrase).
  await office.engine.unlock({ passphrase: PASSPHRASE });
  await office.engine.rotateKeys({ newPassphrase: ROTATED });
  await office.engine.finishKeyRotation();
  await office.engine.lock();
  const ordered = await office.cli(['devices', 'lost', 'laptop', '--wipe', '--yes'], NEW);
  assert.equal(ordered.code, 0, ordered.stderr);
  const onDesk = byName(await devicesOf(desk, NEW), 'laptop');
  assert.equal(onDesk.status, 'lost');
  assert.equal(onDesk.wipe, 'ordered', 'ordered, not yet carried out');
  const waiting = devicesHealth(await office.engine.status());
  assert.equal(waiting.ok, false, 'a wipe not carried out is a health item (checked while locked)');
  assert.match(waiting.message, /laptop .*not carried out yet/);

  const before = await readTree(v.vault);
  const r = await laptop.cli(['sync']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /marked lost/);
  assert.equal(await exists(laptop.vault), false, "the laptop's vault folder is gone");
  assert.equal(await exists(laptop.home), false, "the laptop's Casevault home is gone");
  assert.equal(await exists(join(outside, 'keep.txt')), true, 'a file outside the vault folder is untouched');
  assert.deepEqual(await readTree(v.vault), before, "the office's vault folder is untouched");
  assert.ok(await exists(join(office.home, 'config.json')));

  assert.equal(devicesHealth(await office.engine.status()).ok, true, 'carried out: no longer a health item');
  const after = byName(await devicesOf(office, NEW), 'laptop');
  assert.equal(after.status, 'wiped');
  assert.equal(after.wipe, 'done');
  assert.ok(after.wipedAt);
  const text = await office.cli(['devices'], NEW);
  assert.match(text.stdout, /laptop .*wiped on/);

  const report = await office.cli(['breach-report', 'laptop', '--json'], NEW);
  assert.equal(report.code, 0, report.stderr);
  const b = JSON.parse(report.stdout) as {
    cases: string[];
    files: number;
    wipeOrderedAt: string | null;
    wipedAt: string | null;
    keysRotatedAt: string | null;
    encryptedAtRest: string;
    audit: { event: string }[];
  };
  assert.deepEqual(b.cases, ['(files in the vault folder)', 'Jones 2025-101', 'Laptop-only case', 'Smith 2026-014']);
  assert.equal(b.files, 5);
  assert.ok(b.wipeOrderedAt && b.wipedAt && b.keysRotatedAt);
  assert.match(b.encryptedAtRest, /^(unknown|yes \(dm-crypt\))$/);
  assert.ok(
    b.audit.some((e) => e.event === 'remote wipe started'),
    "the laptop's own audit entries that reached the cloud",
  );
  const page = join(v.root, 'breach.html');
  const html = await office.cli(['breach-report', 'laptop', '--html', page], NEW);
  assert.equal(html.code, 0, html.stderr);
  const again = await office.cli(['breach-report', 'laptop', '--html', page], NEW);
  assert.equal(again.code, 2, 'never over an existing file');
  // Recorded, without case names (the audit trail is mirrored to the cloud).
  await office.engine.unlock({ passphrase: ROTATED });
  const audit = await office.engine.auditEntries();
  await office.engine.lock();
  const made = audit.filter((e) => e.event === 'breach report made');
  assert.equal(made.length, 2);
  assert.ok(made.every((e) => !/Laptop-only|Smith|Jones/.test(e.detail ?? '')));
});

test('`watch` on a lost computer wipes it and stops by itself', async () => {
  const { v, office } = await firstComputer({ 'Case A/a.txt': 'a' });
  const lost = await anotherComputer(v, 'old-pc');
  const ordered = await office.cli(['devices', 'lost', 'old-pc', '--wipe', '--yes']);
  assert.equal(ordered.code, 0, ordered.stderr);
  const r = await lost.cli(['watch']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /marked lost/);
  assert.equal(await exists(lost.vault), false);
  assert.equal(await exists(lost.home), false);
  assert.equal(byName(await devicesOf(office), 'old-pc').status, 'wiped');
  assert.deepEqual((await readdir(office.vault)).sort(), ['Case A']);
});

test('the wipe ordered before the keys are rotated still stands after, and is still carried out', async () => {
  const { v, office } = await firstComputer({ 'Case A/a.txt': 'a' });
  const laptop = await anotherComputer(v, 'laptop');
  assert.equal((await office.cli(['devices', 'lost', 'laptop', '--wipe', '--yes'])).code, 0);
  await office.engine.unlock({ passphrase: PASSPHRASE });
  await office.engine.rotateKeys({ newPassphrase: ROTATED });
  await office.engine.finishKeyRotation();
  await office.engine.lock();
  assert.equal(byName(await devicesOf(office, NEW), 'laptop').wipe, 'ordered', 'the order under the old keys is held in the record under the new ones');
  assert.equal((await laptop.cli(['sync'])).code, 1);
  assert.equal(await exists(laptop.vault), false);
  assert.equal(byName(await devicesOf(office, NEW), 'laptop').status, 'wiped');
});

test('before the wipe, the work only the lost computer holds goes up as conflicted copies; nothing in the cloud is replaced or removed', async () => {
  const { v, office } = await firstComputer({ 'Case A/a.txt': 'a', 'Case B/b.txt': 'b' });
  const laptop = await anotherComputer(v, 'laptop');
  // After its last sync: a new file, a changed one, a removed one.
  await writeFile(join(laptop.vault, 'Case A', 'notes.txt'), 'written offline');
  await writeFile(join(laptop.vault, 'Case A', 'a.txt'), 'changed offline');
  await rm(join(laptop.vault, 'Case B', 'b.txt'));
  assert.equal((await office.cli(['devices', 'lost', 'laptop', '--wipe', '--yes'])).code, 0);
  const r = await laptop.cli(['sync']);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(await exists(laptop.vault), false);

  const fresh = await anotherComputer(v, 'new-pc');
  const got = new Map([...(await readTree(fresh.vault))].map(([p, b]) => [p, b.toString()]));
  assert.equal(got.get('Case A/a.txt'), 'a', 'the cloud file is not replaced');
  assert.equal(got.get('Case B/b.txt'), 'b', 'nor removed');
  const copies = [...got].filter(([p]) => p.includes('(conflicted copy'));
  assert.deepEqual(copies.map(([, text]) => text).sort(), ['changed offline', 'written offline']);
});
