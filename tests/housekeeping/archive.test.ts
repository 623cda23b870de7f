// Archive: written into the backup folder, read back and compared before
// any plaintext goes; restorable byte for byte; never forgotten or pruned;
// never "latest". A damaged backup folder or a failed read-back leaves the
// plaintext in place.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { openKeyFile, parseKeyFile, type ReadKeys } from '../../crypto/index.js';
import { BackupApi } from '../../engine/backup/service.js';
import { FolderStorage } from '../../engine/backup/storage.js';
import { Locked } from '../../engine/errors.js';
import { Housekeeping } from '../../engine/housekeeping/housekeeping.js';
import { FolderRemote } from '../../engine/remotes/folder.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { exists, listFiles, readTree } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';
import { OLD } from './helpers.js';

const big = randomBytes(3 * 1024 * 1024 + 123);

test('archive: read back, then plaintext removed; restore brings it back byte for byte; forget --prune keeps it; latest is not it', async () => {
  const v = await makeVault({
    files: {
      'Smith, J/letter.txt': ['Dear member', OLD],
      'Smith, J/scan.pdf': [big, OLD],
      'Smith, J/notes/é.md': ['notes', OLD],
      'Jones/current.txt': 'still open',
    },
    backup: true,
  });
  const { engine } = v;
  await engine.sync();
  const full = await engine.backup();
  const before = await readTree(join(v.vault, 'Smith, J'));

  await assert.rejects(engine.archiveCases({ cases: ['Smith, J'], confirm: true }), Locked, 'reading the archive back needs the vault unlocked');
  assert.ok(await exists(join(v.vault, 'Smith, J/letter.txt')));
  await assert.rejects(engine.archiveCases({ cases: ['Smith, J'], confirm: false }), { name: 'UsageError' });
  await assert.rejects(engine.archiveCases({ cases: ['Jones'], confirm: true }), { name: 'Refused' }, 'not due yet');
  await assert.rejects(engine.archiveCases({ cases: ['Nobody'], confirm: true }), { name: 'UsageError' });

  await engine.unlock({ passphrase: PASSPHRASE });
  const [a] = await engine.archiveCases({ cases: ['Smith, J'], confirm: true });
  assert.equal(a!.files, 3);
  assert.equal(a!.removed, 3);
  assert.equal(a!.forced, false);
  assert.equal(await exists(join(v.vault, 'Smith, J')), false, 'the case folder is gone');
  assert.deepEqual(await listFiles(v.vault), ['Jones/current.txt']);

  const snaps = await engine.snapshots();
  assert.deepEqual(
    snaps.find((s) => s.id === a!.archive),
    { id: a!.archive, time: snaps.find((s) => s.id === a!.archive)!.time, files: 3, bytes: before.get('scan.pdf')!.length + 11 + 5, archive: true },
  );
  assert.equal(await exists(join(v.backup, 'archives', a!.archive)), true, 'marked on the drive');

  // forget with the tightest policy and prune: the archive survives, whole.
  await engine.backup();
  const f = await engine.forget({ prune: true, policy: { last: 1, daily: 0, weekly: 0, monthly: 0, yearly: 0 } });
  assert.ok(f.kept.some((k) => k.id === a!.archive && k.reasons.includes('archive')));
  assert.ok(
    f.removed.some((r) => r.id === full.snapshot),
    'the ordinary snapshot holding the case went',
  );
  assert.equal((await engine.verifyBackup()).bad.length, 0);

  const out = join(v.root, 'out');
  const r = await engine.restoreBackup({ snapshot: a!.archive, path: 'Smith, J', to: out });
  assert.equal(r.restored, 3);
  assert.deepEqual(await readTree(join(out, 'Smith, J')), before, 'byte for byte');
  const latest = await engine.restoreBackup({ to: join(v.root, 'latest') });
  assert.deepEqual(await listFiles(join(v.root, 'latest')), ['Jones/current.txt'], '"latest" is the ordinary snapshot, not the archive');
  assert.equal(latest.restored, 1);

  const audit = await engine.auditEntries();
  const entry = audit.find((e) => e.event === 'case archived');
  assert.match(entry!.detail!, new RegExp(`Smith, J: 3 files into archive ${a!.archive}`));
  const retention = await engine.retention();
  assert.deepEqual(
    retention.cases.map((c) => c.name),
    ['Jones'],
  );
  await engine.lock();
});

test('a case not yet due is archived only with force, and that is recorded', async () => {
  const v = await makeVault({ files: { 'Open case/a.txt': 'new' }, backup: true });
  await v.engine.unlock({ passphrase: PASSPHRASE });
  const [a] = await v.engine.archiveCases({ cases: ['Open case'], confirm: true, force: true });
  assert.equal(a!.forced, true);
  assert.match((await v.engine.auditEntries()).find((e) => e.event === 'case archived')!.detail!, /forced/);
});

test('a damaged backup folder makes archive fail and leaves the plaintext', async () => {
  const v = await makeVault({ files: { 'Smith/letter.txt': ['Dear member', OLD] }, backup: true });
  await v.engine.backup();
  await writeFile(join(v.backup, 'config'), '{"casevault":"backup-repository","version":1}');
  await v.engine.unlock({ passphrase: PASSPHRASE });
  await assert.rejects(v.engine.archiveCases({ cases: ['Smith'], confirm: true }));
  assert.equal(await readFile(join(v.vault, 'Smith/letter.txt'), 'utf8'), 'Dear member');
  assert.equal((await v.engine.retention()).cases[0]!.past, true);
});

/** The drive returns a flipped bit in every chunk it reads back (a failing disk). */
class FlakyDrive extends FolderStorage {
  override async readRange(name: string, offset: number, length: number): Promise<Uint8Array> {
    const b = await super.readRange(name, offset, length);
    if (name.startsWith('packs/') && offset > 0 && b.length > 0) b[b.length - 1]! ^= 1;
    return b;
  }
}

test('an archive that does not read back the same is discarded and nothing is removed (damaged data)', async () => {
  const v = await makeVault({ files: { 'Smith/letter.txt': ['Dear member', OLD], 'Smith/b.bin': [randomBytes(200_000), OLD] }, backup: true });
  const keys: ReadKeys = await openKeyFile(parseKeyFile(new Uint8Array(await readFile(join(v.home, 'casevault.key')))), { passphrase: PASSPHRASE });
  const hk = new Housekeeping({
    home: v.home,
    record: (e, d) => v.engine.record(e, d),
    backups: () => new BackupApi({ home: v.home, env: v.env, readKeys: () => keys, storageFor: (dir) => new FlakyDrive(dir) }),
    sync: () => v.engine.sync(),
    remote: async () => new FolderRemote(v.cloud), // asked for the cloud's marks (this home has none yet)
    readKeys: () => keys,
  });
  const before = await readTree(v.vault);
  await assert.rejects(hk.archive({ cases: ['Smith'], confirm: true }), {
    name: 'Damaged',
    kind: 'damaged',
    next: 'verify-backup',
    message: /did not read back/,
  });
  assert.deepEqual(await readTree(v.vault), before, 'every plaintext byte still there');
  assert.deepEqual(await listFiles(join(v.backup, 'snapshots')).catch(() => []), [], 'the bad archive was discarded');
  assert.deepEqual(await listFiles(join(v.backup, 'archives')).catch(() => []), []);
});
