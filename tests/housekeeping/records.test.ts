// The backup and asset records: their content, and the printable page with
// every value escaped (paths can hold any character on Linux).
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { escapeHtml } from '../../contract/index.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { tempDir } from '../helpers/fs.js';
import { makeVault, writeFiles } from '../helpers/vault.js';

test('records: what is backed up, where, how often, kept how long, last success and failure; where the copies are', async () => {
  const v = await makeVault({ files: { 'Smith/a.txt': 'aaaa', 'b.txt': 'bb' }, backup: true });
  let r = await v.engine.records();
  assert.deepEqual(r.backup.what, { vaultFolder: v.vault, files: 2, bytes: 6 });
  assert.equal(r.backup.where, v.backup);
  assert.equal(r.backup.lastSuccess, null);
  assert.equal(r.backup.lastFailure, null);
  assert.match(r.backup.howOften, /every day/);
  assert.deepEqual({ ...r.backup.retention, inWords: undefined }, { last: 10, daily: 14, weekly: 8, monthly: 24, yearly: 7, inWords: undefined });
  assert.deepEqual(
    r.assets.copies.map((c) => [c.where, c.location]),
    [
      ['this computer', v.vault],
      ['cloud', `folder ${v.cloud}`],
      ['backup', v.backup],
    ],
  );
  assert.ok(r.assets.copies[0]!.details.includes(hostname()) && r.assets.copies[0]!.details.includes(v.home));
  assert.ok(r.assets.encryption.some((e) => /XChaCha20-Poly1305/.test(e)));

  const b = await v.engine.backup();
  await v.engine.unlock({ passphrase: PASSPHRASE });
  await v.engine.archiveCases({ cases: ['b.txt'], confirm: true, force: true });
  await v.engine.lock();
  await mkdir(join(v.root, 'gone'));
  r = await v.engine.records();
  assert.equal(r.backup.lastSuccess, b.time);
  assert.equal(r.backup.snapshots, 1);
  assert.equal(r.backup.archives, 1);
  assert.equal(r.backup.overdue, false);
  assert.doesNotMatch(JSON.stringify(r), /Smith|b\.txt/, 'no case or file name');
});

test('records with no backup folder, after a failed backup; the page escapes odd names', async () => {
  const root = await tempDir('hkodd');
  const vault = join(root, `<b>"Mc'Kay & Co"<img src=x onerror=alert(1)>`);
  await mkdir(vault);
  await writeFiles(vault, { 'x.txt': 'x' });
  const engine = new Engine(join(root, 'home'), { CASEVAULT_KDF_PROFILE: 'interactive' });
  await engine.init({
    vaultDir: vault,
    cloud: { kind: 'folder', dir: join(root, 'cloud') },
    backupDir: join(root, 'usb', 'not', 'there'),
    passphrase: PASSPHRASE,
  });
  await assert.rejects(engine.backup());
  const r = await engine.records();
  assert.ok(r.backup.lastFailure);
  assert.equal(r.backup.snapshots, null, 'the backup folder could not be read');
  const html = await engine.recordsHtml();
  assert.ok(!html.includes('<img') && !html.includes('<b>'), 'no markup from a path');
  assert.ok(!html.includes(`"Mc'Kay`));
  assert.ok(html.includes(escapeHtml(vault)));
  assert.ok(html.includes('&lt;b&gt;&quot;Mc&#39;Kay &amp; Co&quot;&lt;img src=x onerror=alert(1)&gt;'));
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.doesNotMatch(html, /<script|<img|<link|<a /);

  const none = await makeVault({ files: { 'a.txt': 'a' } });
  const n = await none.engine.records();
  assert.equal(n.backup.where, null);
  assert.match(n.backup.howOften, /no backup folder/);
  assert.equal(n.assets.copies.length, 2);
});

test('the backup record follows the schedule and retention chosen in Settings, not the defaults', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, backedUp: true });
  const retention = { last: 3, daily: 7, weekly: 4, monthly: 12, yearly: 2 };
  await v.engine.updateSettings({ backupEveryHours: 6, backupWarnAfterDays: 3, retention });
  const r = await v.engine.records();
  assert.match(r.backup.howOften, /^every 6 hours while Casevault runs .*; a warning after 3 days without one$/);
  assert.deepEqual({ ...r.backup.retention, inWords: undefined }, { ...retention, inWords: undefined });
  assert.match(r.backup.retention.inWords, /^the last 3 backups, one a day for 7 days/);
  await v.engine.updateSettings({ backupEveryHours: 1 });
  assert.match((await v.engine.records()).backup.howOften, /^every hour /);
});
