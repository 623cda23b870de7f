// What the command says when part of the vault cannot be read: a folder
// Casevault may not open, a file whose name is not valid text. Nothing it
// could not take may be reported as safe: sync and backup fail naming it,
// status does not call the cloud complete. Run as a caseworker's process
// (AS_CASEWORKER), which folder modes bind.
import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { StatusReport } from '../../contract/index.js';
import { AS_CASEWORKER, run, type RunResult } from '../helpers/cli.js';
import { exists, listFiles } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';

function assertFailed(r: RunResult, sentence: RegExp): void {
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const last = r.stderr.trim().split('\n').at(-1)!;
  assert.match(last, /^casevault: .+[.!?]$/);
  assert.match(last, sentence);
  assert.doesNotMatch(r.stderr, /\n\s+at |node:internal/);
}

test('a folder Casevault cannot read: sync and backup fail naming it, status does not call the cloud complete', async () => {
  const v = await makeVault({ files: { 'a.txt': 'notes', 'member-0042/letter.txt': 'medical letter' }, backup: true });
  const cv = (args: string[]) => run(args, v.env, undefined, AS_CASEWORKER);
  const folder = join(v.vault, 'member-0042');
  await chmod(folder, 0o000);
  try {
    const first = await cv(['sync']);
    assertFailed(first, /1 folder could not be synced/);
    assert.match(first.stdout, /^Not synced: member-0042\/: Casevault cannot read this folder, so none of its files is in the cloud copy$/m);

    const status = await cv(['status']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /!! Cloud: 1 folder in the vault cannot be read \(member-0042\)/);
    assert.doesNotMatch(status.stdout, /ok Cloud|all synced/);
    const health = JSON.parse((await cv(['status', '--json'])).stdout).health as { area: string; ok: boolean }[];
    assert.equal(health.find((h) => h.area === 'cloud')?.ok, false);

    const backup = await cv(['backup']);
    assertFailed(backup, /1 folder could not be backed up/);
    assert.match(backup.stdout, /^[0-9a-f]{32}\n$/); // the snapshot of what could be read is taken, and said to be partial
    assert.match(backup.stderr, /^Not in this snapshot: member-0042\/: Casevault cannot read this folder/m);

    // Synced once, then unreadable: the cloud holds the files as they were, and the pass still says it is not a mirror.
    await chmod(folder, 0o755);
    assert.equal((await cv(['sync'])).code, 0);
    await chmod(folder, 0o000);
    const later = await cv(['sync']);
    assertFailed(later, /1 folder could not be synced/);
    assert.match(later.stdout, /member-0042\/: Casevault cannot read this folder: the cloud keeps the 1 file last synced from it/);
    // The sync state lost as well (a pass killed before its checkpoint): no record owns the folder's object now, and it stays while its files are not known.
    await rm(join(v.home, 'sync-state.log'));
    assertFailed(await cv(['sync']), /1 folder could not be synced/);
    assert.equal((await listFiles(join(v.cloud, 'objects'))).length, 2);
    assert.ok(!(await exists(join(v.cloud, 'trash'))));
  } finally {
    await chmod(folder, 0o755);
  }
  assert.equal((await cv(['sync'])).code, 0);
  assert.match((await cv(['status'])).stdout, /ok Cloud: every file is in the cloud copy/);
});

test('a file whose name is not valid text: backup fails naming it, outside a terminal too', async () => {
  const v = await makeVault({ files: { 'a.txt': 'notes' }, backup: true });
  await writeFile(Buffer.concat([Buffer.from(`${v.vault}/M-0042 `), Buffer.from([0xff]), Buffer.from(' notes.txt')]), 'member notes');
  const r = await v.cli(['backup']);
  assertFailed(r, /1 file could not be backed up \(listed above\)/);
  assert.match(r.stderr, /^Not in this snapshot: M-0042 \uFFFD notes\.txt: its name is not valid text/m);
  const [snapshot] = JSON.parse((await v.cli(['snapshots', '--json'])).stdout) as { files: number }[];
  assert.equal(snapshot?.files, 1);
});

test('a snapshot that cannot be read: snapshots lists the others and exits 3 saying how many, --json too', async () => {
  const v = await makeVault({ files: { 'a.txt': 'notes' }, backedUp: true });
  await writeFile(join(v.vault, 'b.txt'), 'more notes');
  const second = (await v.cli(['backup'])).stdout.trim();
  const [first] = (JSON.parse((await v.cli(['snapshots', '--json'])).stdout) as { id: string }[]).map((s) => s.id);
  // One byte flipped in the first snapshot's manifest (snapshots/<id>, docs/backup-format.md).
  const file = join(v.backup, 'snapshots', first!);
  const bytes = await readFile(file);
  bytes[bytes.length - 20]! ^= 0x55;
  await writeFile(file, bytes);

  const text = await v.cli(['snapshots']);
  assert.equal(text.code, 3, text.stderr);
  assert.match(text.stdout, new RegExp(`^${second}  `, 'm'));
  assert.doesNotMatch(text.stdout, /No snapshots yet/);
  assert.match(
    text.stderr,
    /^casevault: 1 snapshot in the backup folder cannot be read \(damaged or tampered with\); the others are listed; .*verify --backup/m,
  );
  const json = await v.cli(['snapshots', '--json']);
  assert.equal(json.code, 3);
  assert.deepEqual(
    (JSON.parse(json.stdout) as { id: string }[]).map((s) => s.id),
    [second],
  );
  assert.match(json.stderr, /^casevault: 1 snapshot in the backup folder cannot be read/m);
  const backups = async () =>
    (JSON.parse((await v.cli(['status', '--json'])).stdout).health as { area: string; ok: boolean; message: string }[]).find((h) => h.area === 'backups')!;
  assert.equal((await backups()).ok, true); // the last backup, the second, still reads

  const last = join(v.backup, 'snapshots', second);
  const lastBytes = await readFile(last);
  lastBytes[lastBytes.length - 20]! ^= 0x55;
  await writeFile(last, lastBytes);
  const none = await v.cli(['snapshots']);
  assert.equal(none.code, 3);
  assert.match(none.stderr, /^casevault: 2 snapshots in the backup folder cannot be read \(damaged or tampered with\); run/m);
  const health = await backups();
  assert.equal(health.ok, false);
  assert.match(health.message, /the last backup, taken .*, cannot be read from .*: it is missing, damaged or was tampered with/);
});

test('a folder whose name is not valid text: sync, status and backup name it as one folder (never a file) whose content is left out until it is renamed', async () => {
  const v = await makeVault({ files: { 'a.txt': 'notes' }, backup: true });
  const bad = Buffer.concat([Buffer.from(`${v.vault}/M-0042 `), Buffer.from([0xff]), Buffer.from(' case')]);
  await mkdir(bad);
  await writeFile(Buffer.concat([bad, Buffer.from('/letter.txt')]), 'medical letter');
  await writeFile(Buffer.concat([bad, Buffer.from('/notes.txt')]), 'grievance notes');

  const sync = await v.cli(['sync']);
  assertFailed(sync, /1 folder could not be synced \(listed above\)/);
  assert.match(
    sync.stdout,
    /^Not synced: M-0042 \uFFFD case\/: its name is not valid text \(UTF-8\), so nothing in this folder is synced until it is renamed$/m,
  );

  const status = JSON.parse((await v.cli(['status', '--json'])).stdout) as StatusReport;
  assert.deepEqual(status.files, { total: 1, synced: 1, pending: 0, failed: 0 }, 'a folder is no file');
  assert.deepEqual(status.failures, [
    { path: 'M-0042 \uFFFD case/', reason: 'its name is not valid text (UTF-8), so nothing in this folder is synced until it is renamed' },
  ]);
  const cloud = status.health.find((h) => h.area === 'cloud')!;
  assert.equal(cloud.ok, false);
  assert.equal(cloud.urgency, 'attention');
  assert.equal(
    cloud.message,
    '1 folder in the vault has a name that is not valid text (M-0042 \uFFFD case), so nothing in it is sent to the cloud until it is renamed',
  );
  assert.doesNotMatch((await v.cli(['status'])).stdout, /1 file could not|all synced/);

  const backup = await v.cli(['backup']);
  assertFailed(backup, /1 folder could not be backed up \(listed above\)/);
  assert.match(
    backup.stderr,
    /^Not in this snapshot: M-0042 \uFFFD case\/: its name is not valid text \(UTF-8\), so nothing in this folder is backed up until it is renamed$/m,
  );

  await rename(bad, join(v.vault, 'M-0042 case'));
  assert.equal((await v.cli(['sync'])).code, 0);
  const after = JSON.parse((await v.cli(['status', '--json'])).stdout) as StatusReport;
  assert.deepEqual(after.files, { total: 3, synced: 3, pending: 0, failed: 0 });
  assert.equal(after.health.find((h) => h.area === 'cloud')!.ok, true);
});
