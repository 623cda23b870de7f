// Delete: plaintext now (only on confirmation, only cases due unless
// forced), cloud objects to the trash by the sync pass it runs, and a
// report of when each copy goes. Also: the marks' home file and its sealed
// cloud copy, and links never followed out of the vault.
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { BUCKETS } from '../../engine/backup/retention.js';
import { Engine } from '../../engine/engine.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { exists, listFiles } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';
import { OLD } from './helpers.js';

const DAY = 86_400_000;
const today = () => new Date().toISOString().slice(0, 10);
const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString().slice(0, 10);

test('delete: plaintext now, cloud objects to the trash, the backups by the estimate; refusals first', async () => {
  const v = await makeVault({
    files: { 'Old case/a.txt': ['a', OLD], 'Old case/sub/b.txt': ['b', OLD], 'Current/c.txt': 'c', 'old.txt': ['x', OLD] },
    backup: true,
  });
  const { engine } = v;
  await engine.sync();
  await engine.backup();
  const cached = () => readFile(join(v.home, 'backup-cache.log'), 'utf8');
  const before = await cached();
  assert.ok(before.includes('Old case/sub/b.txt') && before.includes('old.txt'), 'the backup cache lists every file it backed up');
  const chunksOf = (text: string, path: string) =>
    text
      .split('\n')
      .slice(1, -1)
      .map((line) => JSON.parse(line) as string[])
      .find((row) => row[1] === path)![6]!;
  const oldChunks = chunksOf(before, 'Old case/a.txt');
  const objects = async () => (await readdir(join(v.cloud, 'objects'), { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).length;
  assert.equal(await objects(), 4);

  await assert.rejects(engine.deleteCases({ cases: ['Old case'], confirm: false }), { name: 'UsageError' });
  await assert.rejects(engine.deleteCases({ cases: ['Current'], confirm: true }), { name: 'Refused' });
  await assert.rejects(
    engine.deleteCases({ cases: ['Old case', 'Current'], confirm: true }),
    { name: 'Refused' },
    'all or nothing: one case not due refuses the lot',
  );
  await assert.rejects(engine.deleteCases({ cases: ['Old case/a.txt'], confirm: true }), { name: 'UsageError' });
  assert.equal(await listFiles(v.vault).then((f) => f.length), 4, 'nothing removed by a refusal');

  const r = await engine.deleteCases({ cases: ['Old case', 'old.txt'], confirm: true });
  assert.equal(r.synced, true);
  const after = await cached();
  assert.ok(!/Old case|old\.txt/.test(after) && !after.includes(oldChunks), "the deleted cases' names and chunk IDs are purged from the backup cache at once");
  assert.ok(after.includes('Current/c.txt'), 'the other files stay cached');
  const syncState = await readFile(join(v.home, 'sync-state.log'), 'utf8');
  assert.ok(!/Old case|old\.txt/.test(syncState), "the sync state keeps no line with the deleted cases' names either");
  assert.ok(syncState.includes('Current/c.txt'));
  assert.deepEqual(await listFiles(v.vault), ['Current/c.txt']);
  assert.equal(await exists(join(v.vault, 'Old case')), false);
  assert.equal(await objects(), 1, 'the sync pass moved their objects out of the live cloud copy');
  assert.equal((await readdir(join(v.cloud, 'trash'))).length, 3, '... into the cloud trash');
  const c = r.cases.find((x) => x.case === 'Old case')!;
  assert.equal(c.removed, 2);
  const [computer, cloud, backups] = c.copies;
  assert.deepEqual(computer, { copy: 'this computer', gone: 'now', estimate: false, note: 'removed' });
  assert.equal(cloud!.gone, inDays(30));
  assert.equal(backups!.copy, 'backups');
  assert.equal(backups!.estimate, true);
  // One snapshot taken today, the next due tomorrow: the daily rule holds it 14 days; on the last day of a week, month or year
  // (in UTC) it is also that period's newest, and a longer rule holds it (this failed every Sunday).
  const [now, tomorrow] = [new Date(), new Date(Date.now() + DAY)];
  const endsLongerPeriod = BUCKETS.filter(([rule]) => rule === 'weekly' || rule === 'monthly' || rule === 'yearly').some(
    ([, period]) => period(now, '') !== period(tomorrow, ''),
  );
  if (endsLongerPeriod) assert.ok(backups!.gone > inDays(14), `held past the dailies' 14 days on the last day of a period: ${backups!.gone}`);
  else assert.equal(backups!.gone, inDays(14), 'one snapshot taken today: the daily rule holds it 14 days');

  await engine.unlock({ passphrase: PASSPHRASE });
  const deleted = (await engine.auditEntries()).filter((e) => e.event === 'case deleted').map((e) => e.detail);
  assert.deepEqual(deleted, ['Old case: 2 files removed from this computer', 'old.txt: 1 file removed from this computer']);
  await engine.lock();
});

test('delete --force of a case not due is recorded; an archived case deleted after a restore keeps its archive ("never")', async () => {
  const v = await makeVault({ files: { 'Smith/a.txt': ['a', OLD], 'New/n.txt': 'n' }, backup: true });
  const { engine } = v;
  await engine.unlock({ passphrase: PASSPHRASE });
  const [a] = await engine.archiveCases({ cases: ['Smith'], confirm: true });
  await engine.restoreBackup({ snapshot: a!.archive, path: 'Smith', to: v.vault });
  const r = await engine.deleteCases({ cases: ['Smith', 'New'], confirm: true, force: true });
  const smith = r.cases.find((c) => c.case === 'Smith')!;
  assert.equal(smith.forced, false);
  assert.deepEqual(smith.copies[2]!.gone, 'never');
  assert.match(smith.copies[2]!.note, new RegExp(a!.archive));
  assert.equal(r.cases.find((c) => c.case === 'New')!.forced, true);
  assert.match((await engine.auditEntries()).filter((e) => e.event === 'case deleted').at(-1)!.detail!, /New: 1 file .*forced/);
  assert.deepEqual(await listFiles(v.vault), []);
});

test('without a backup folder the report says so; with the cloud unreachable the cloud copy goes at the next sync', async () => {
  const v = await makeVault({ files: { 'Old/a.txt': ['a', OLD] } });
  await v.engine.sync();
  await writeFile(join(v.root, 'blocker'), '');
  const config = JSON.parse(await readFile(join(v.home, 'config.json'), 'utf8'));
  config.cloud.dir = join(v.root, 'blocker', 'cloud'); // a cloud folder that cannot exist
  await writeFile(join(v.home, 'config.json'), JSON.stringify(config));
  const r = await new Engine(v.home, v.env).deleteCases({ cases: ['Old'], confirm: true });
  assert.equal(r.synced, false);
  assert.equal(r.cases[0]!.copies[1]!.gone, 'unknown');
  assert.match(r.cases[0]!.copies[1]!.note, /next sync/);
  assert.deepEqual(r.cases[0]!.copies[2], { copy: 'backups', gone: 'now', estimate: false, note: 'this vault has no backup folder' });
});

test('links are never followed out of the vault: a linked case is not a case, a link inside a case stays', async () => {
  const v = await makeVault({ files: { 'Old/a.txt': ['a', OLD] }, backup: true });
  const outside = join(v.root, 'outside');
  await mkdir(outside);
  await writeFile(join(outside, 'precious.txt'), 'not in the vault');
  await symlink(outside, join(v.vault, 'Linked'));
  await symlink(join(outside, 'precious.txt'), join(v.vault, 'Old', 'link.txt'));
  assert.deepEqual(
    (await v.engine.retention()).cases.map((c) => c.name),
    ['Old'],
  );
  await assert.rejects(v.engine.deleteCases({ cases: ['Linked'], confirm: true, force: true }), { name: 'UsageError' });
  const r = await v.engine.deleteCases({ cases: ['Old'], confirm: true });
  assert.equal(r.cases[0]!.removed, 1);
  assert.equal(r.cases[0]!.leftovers, true, 'the link stayed, and the report says something did');
  assert.equal(await readFile(join(outside, 'precious.txt'), 'utf8'), 'not in the vault');
});

test('marks: close and reopen, the years setting, a damaged file reported and kept; the sealed cloud copy comes back on recover', async () => {
  const v = await makeVault({ files: { 'Smith/a.txt': ['a', OLD], 'Jones/b.txt': 'b' }, backup: true });
  const { engine } = v;
  await assert.rejects(engine.closeCase('Smith', '2023-02-29'), { name: 'UsageError' });
  await assert.rejects(engine.closeCase('Smith', inDays(2)), { name: 'UsageError' }, 'not in the future');
  await assert.rejects(engine.closeCase('Nobody'), { name: 'UsageError' });
  assert.equal((await engine.closeCase('Jones')).closed, today());
  const c = await engine.closeCase('Smith', '2016-02-29');
  assert.deepEqual([c.closed, c.due, c.past], ['2016-02-29', '2022-03-01', true]);
  await engine.setRetentionYears(12);
  assert.equal((await engine.retention()).cases.find((x) => x.name === 'Smith')!.due, '2028-02-29');
  await assert.rejects(engine.setRetentionYears(0), { name: 'UsageError' });
  assert.equal((await engine.reopenCase('Jones')).closed, null);

  const file = join(v.home, 'housekeeping.json');
  const text = await readFile(file, 'utf8');
  assert.doesNotMatch(
    await readFile(join(v.cloud, 'housekeeping', JSON.parse(await readFile(join(v.home, 'config.json'), 'utf8')).deviceId), 'latin1'),
    /Smith|2016-02-29/,
    'the cloud copy is sealed',
  );

  await writeFile(file, text.replace('"years": 12', '"years": "twelve"'));
  await assert.rejects(engine.retention(), { name: 'DamagedData' });
  await assert.rejects(engine.closeCase('Jones'), { name: 'DamagedData' });
  assert.match(await readFile(file, 'utf8'), /twelve/, 'never silently reset');

  await engine.unlock({ passphrase: PASSPHRASE });
  const events = (await engine.auditEntries()).map((e) => `${e.event}${e.detail ? `: ${e.detail}` : ''}`);
  for (const e of ['case marked closed: Smith on 2016-02-29', 'retention period changed: from 6 to 12 years', 'case reopened: Jones'])
    assert.ok(events.includes(e), e);
  await engine.lock();

  // A new computer: recover from the cloud; the marks come back from the sealed copy.
  await engine.sync();
  const home2 = join(v.root, 'home2');
  const other = new Engine(home2, v.env);
  await other.recover({ vaultDir: join(v.root, 'vault2'), cloud: { kind: 'folder', dir: v.cloud }, secret: { passphrase: PASSPHRASE } });
  const r = await other.retention();
  assert.equal(r.years, 12);
  assert.equal(r.cases.find((x) => x.name === 'Smith')!.closed, '2016-02-29');
});

test("with the backup drive unplugged, the backups' date is not known (and nothing else changes)", async () => {
  const v = await makeVault({ files: { 'Old/a.txt': ['a', OLD] }, backup: true });
  await v.engine.backup();
  await rename(v.backup, `${v.backup}-unplugged`);
  const r = await v.engine.deleteCases({ cases: ['Old'], confirm: true });
  assert.equal(r.cases[0]!.removed, 1);
  assert.deepEqual({ ...r.cases[0]!.copies[2]!, note: undefined }, { copy: 'backups', gone: 'unknown', estimate: true, note: undefined });
  assert.match(r.cases[0]!.copies[2]!.note, /could not be read/);
});
