// `casevault backup-folder DIR` and `recover --backup DIR` as a person runs
// them: an empty folder attached at any time; a folder inside the vault or
// the cloud folder, one of another vault, or one holding something else
// refused with nothing written; this vault's own backups adopted, on a
// recovered computer too and from before a key rotation (the passphrase is
// asked for only then); changing folders keeps each folder's records apart.
import assert from 'node:assert/strict';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../engine/config.js';
import { PASSPHRASE, run, type RunResult } from '../helpers/cli.js';
import { exists, readTree } from '../helpers/fs.js';
import { makeVault, SMALL_BACKUPS } from '../helpers/vault.js';
import { ROTATED } from '../rotate/helpers.js';

function fails(r: RunResult, code: number, message: RegExp): void {
  assert.equal(r.code, code, `exit code; stderr: ${r.stderr}`);
  assert.match(r.stderr, /^casevault: .+[.!?]\n$/);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /\n\s+at |Error:|node:internal/);
}

const ok = (r: RunResult) => assert.equal(r.code, 0, `exit code; stderr: ${r.stderr}`);

test('backup-folder: an empty folder at any time; inside the vault or cloud, another vault, or another kind of folder refused with nothing written; changing folders keeps their records apart', async () => {
  const v = await makeVault({ files: { 'Member 7/letter.txt': 'Dear member' }, backupParams: SMALL_BACKUPS });
  fails(await v.cli(['backup']), 2, /no backup folder yet; choose one .* `casevault backup-folder DIR`/);

  const usb = join(v.root, 'usb-stick');
  await mkdir(usb);
  const attached = await v.cli(['backup-folder', usb]);
  ok(attached);
  assert.match(attached.stdout, new RegExp(`^Backup folder: ${usb}\nIt is empty: the next backup goes there`));
  assert.equal((await loadConfig(v.home)).backupDir, usb);
  ok(await v.cli(['backup']));
  assert.equal(JSON.parse((await v.cli(['snapshots', '--json'])).stdout).length, 1);
  assert.match((await v.cli(['backup-folder', usb])).stdout, /is the backup folder already/);

  const before = await readTree(v.root);
  const other = await makeVault({ files: { 'x.txt': 'not ours' }, backedUp: true });
  const otherDrive = await readTree(other.backup);
  const junk = join(v.root, 'holiday photos');
  await mkdir(junk);
  await writeFile(join(junk, 'beach.jpg'), 'jpeg');
  fails(await v.cli(['backup-folder', join(v.vault, 'Backups')]), 1, /outside the vault folder/);
  fails(await v.cli(['backup-folder', join(v.root, '..')]), 1, /outside the vault folder, and not hold it/);
  fails(await v.cli(['backup-folder', join(v.cloud, 'backups')]), 1, /apart from the cloud folder/);
  fails(await v.cli(['backup-folder', other.backup]), 1, /the backups of another vault/);
  fails(await v.cli(['backup-folder', junk]), 1, /not a Casevault backup/);
  fails(await v.cli(['backup-folder', join(v.root, 'unplugged', 'Casevault backups')]), 1, /cannot be found; plug in the backup drive/);
  assert.deepEqual(await readTree(other.backup), otherDrive, "the other vault's backups are untouched");
  const after = await readTree(v.root);
  for (const [path, bytes] of before) {
    if (path.startsWith('home/audit') || path === 'home/lock') continue; // the refusals' own audit entries are not written; a lock file comes and goes
    assert.deepEqual(after.get(path), bytes, `${path} unchanged`);
  }
  assert.equal(await exists(join(v.vault, 'Backups')), false);
  assert.equal((await loadConfig(v.home)).backupDir, usb, 'still the backup folder');

  // Another folder: its own records (no backup yet), the first one's runs kept apart; back again: adopted, with its own run.
  const nas = join(v.root, 'nas');
  const changed = await v.cli(['backup-folder', nas]);
  ok(changed);
  assert.match(
    changed.stdout,
    new RegExp(`It is not there yet: the next backup makes it.*\nBackups no longer go to ${usb}; the backups already there stay there\\.`),
  );
  const st = JSON.parse((await v.cli(['status', '--json'])).stdout);
  assert.equal(st.lastBackup, null, "the first folder's backup is not this folder's");
  ok(await v.cli(['backup']));
  assert.equal(JSON.parse((await v.cli(['snapshots', '--json'])).stdout).length, 1, 'a new repository in the new folder');
  const back = await v.cli(['backup-folder', usb]);
  ok(back);
  assert.match(back.stdout, /It holds this vault's backups: 1 backup, the latest from /);
  assert.equal((await v.engine.backupStatus()).runs.length, 1, "only this folder's run");
  ok(await v.cli(['verify', '--backup']));
  const trail = (await v.cli(['audit', '--json'])).stdout;
  assert.match(trail, /backup folder attached/);
  assert.match(trail, /backup folder changed/);
});

test("a recovered computer adopts the old backup drive, from before a key rotation too: recover --backup, and backup-folder (asking for the passphrase only then); another vault's drive stops recover before anything is written", async () => {
  const v = await makeVault({ files: { 'Member 7/letter.txt': 'first draft' }, synced: true, backedUp: true, backupParams: SMALL_BACKUPS });
  const first = (await v.engine.snapshots())[0]!.id;
  await writeFile(join(v.vault, 'Member 7', 'letter.txt'), 'second draft');
  await v.engine.sync();
  await v.engine.backup();

  // The laptop is lost with the drive elsewhere: the keys are rotated while the backup folder is away.
  await rename(v.backup, `${v.backup}-away`);
  await v.engine.unlock({ passphrase: PASSPHRASE });
  assert.equal((await v.engine.rotateKeys({ newPassphrase: ROTATED })).backups, 'later');
  await v.engine.finishKeyRotation();
  await v.engine.lock();
  await rename(`${v.backup}-away`, v.backup);
  const driveConfig = await readFile(join(v.backup, 'config'));

  const env = (home: string, passphrase?: string) => ({
    CASEVAULT_HOME: join(v.root, home),
    ...(passphrase ? { CASEVAULT_PASSPHRASE: passphrase } : {}),
    CASEVAULT_BACKUP_PARAMS: JSON.stringify(SMALL_BACKUPS),
  });

  // A new laptop, recovered without the drive; attached later. Locked, it cannot tell the drive is this vault's: it asks.
  ok(await run(['recover', '--cloud', v.cloud, '--vault', join(v.root, 'laptop2')], env('home2', ROTATED)));
  fails(
    await run(['backup-folder', v.backup], env('home2')),
    2,
    /may be this vault's from before its keys were changed; only the unlocked vault can tell; type the passphrase/,
  );
  assert.deepEqual(await readFile(join(v.backup, 'config')), driveConfig, 'nothing written on the drive');
  const adopted = await run(['backup-folder', v.backup], env('home2', ROTATED));
  ok(adopted);
  assert.match(adopted.stdout, /It holds this vault's backups: 2 backups, the latest from .*\nIts key was still under the vault's keys from before/);
  const list = JSON.parse((await run(['snapshots', '--json'], env('home2'))).stdout) as { id: string }[];
  assert.equal(list.length, 2);
  const out = join(v.root, 'restored');
  ok(await run(['restore', '--snapshot', first, '--path', 'Member 7/letter.txt', '--to', out], env('home2', ROTATED)));
  assert.equal(await readFile(join(out, 'Member 7', 'letter.txt'), 'utf8'), 'first draft', 'a snapshot from before the rotation restores');
  ok(await run(['backup'], env('home2')));
  assert.equal(JSON.parse((await run(['snapshots', '--json'], env('home2'))).stdout).length, 3, 'the new laptop backs up into the same drive');
  ok(await run(['verify', '--backup'], env('home2', ROTATED)));

  // Another vault's drive given at recovery: refused before anything is written.
  const other = await makeVault({ files: { 'x.txt': 'not ours' }, backedUp: true });
  fails(
    await run(['recover', '--cloud', v.cloud, '--vault', join(v.root, 'laptop3'), '--backup', other.backup], env('home3', ROTATED)),
    1,
    /the backups of another vault/,
  );
  assert.equal(await exists(join(v.root, 'laptop3')), false, 'no vault folder made');
  assert.equal(await exists(join(v.root, 'home3', 'config.json')), false, 'no vault set up');

  // The same with this vault's drive: recovered and adopted in one go.
  const r = await run(['recover', '--cloud', v.cloud, '--vault', join(v.root, 'laptop3'), '--backup', v.backup], env('home3', ROTATED));
  ok(r);
  assert.match(r.stdout, /^Recovered 1 file .*\nBackup folder: .*\nIt holds this vault's backups: 3 backups/);
  assert.equal(JSON.parse((await run(['snapshots', '--json'], env('home3'))).stdout).length, 3);
});

test("a file is refused as the backup folder (init, backup-folder, recover --backup), and so is a folder in Casevault's settings folder; a file set before says so, not to plug in the drive", async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true });
  const file = join(v.root, 'a file');
  await writeFile(file, 'not a folder');
  const isAFile = new RegExp(`${file} is a file, not a folder; choose a folder\\.`);
  fails(await v.cli(['backup-folder', file]), 2, isAFile);
  fails(await v.cli(['backup-folder', join(v.home, 'b')]), 2, /apart from Casevault's settings folder/);
  assert.equal(await exists(join(v.home, 'b')), false);
  assert.equal((await loadConfig(v.home)).backupDir, undefined, 'nothing set');

  const home2 = join(v.root, 'home-2');
  const env2 = { CASEVAULT_HOME: home2, CASEVAULT_PASSPHRASE: PASSPHRASE };
  const init = ['init', '--vault', join(v.root, 'vault-2'), '--cloud', join(v.root, 'cloud-2'), '--recovery-key-out', join(v.root, 'rk-2.txt')];
  fails(await run([...init, '--backup', file], env2), 2, isAFile);
  fails(await run([...init, '--backup', join(home2, 'backups')], env2), 2, /apart from Casevault's settings folder/);
  assert.equal(await exists(join(home2, 'config.json')), false, 'no vault made');
  fails(
    await run(['recover', '--cloud', v.cloud, '--vault', join(v.root, 'vault-3'), '--backup', file], { ...env2, CASEVAULT_HOME: join(v.root, 'home-3') }),
    2,
    isAFile,
  );

  // A vault whose backup folder was set to a file before this was refused: the remedy is another folder, not the drive.
  const config = JSON.parse(await readFile(join(v.home, 'config.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(v.home, 'config.json'), JSON.stringify({ ...config, backupDir: file }));
  fails(await v.cli(['backup']), 2, new RegExp(`the backup folder ${file} is a file, not a folder; choose a folder with \`casevault backup-folder DIR\``));
  const health = (JSON.parse((await v.cli(['status', '--json'])).stdout) as { health: { area: string; message: string; next?: string }[] }).health.find(
    (h) => h.area === 'backups',
  );
  assert.match(health?.message ?? '', /is a file, not a folder/);
  assert.equal(health?.next, 'change-backup-folder');
  ok(await v.cli(['backup-folder', join(v.root, 'usb')]));
  ok(await v.cli(['backup']));
});

test('a backup folder on a drive that is not plugged in: each command says what happened and what to do once, not twice', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' } });
  const drive = join(v.root, 'usb');
  fails(await v.cli(['backup-folder', join(drive, 'Casevault backups')]), 1, /cannot be found; plug in the backup drive/); // never made: its drive is not there
  await mkdir(drive);
  assert.equal((await v.cli(['backup-folder', join(drive, 'Casevault backups')])).code, 0);
  await rename(drive, `${drive}-away`); // attached, never backed up, then the drive unplugged
  for (const args of [['backup'], ['snapshots'], ['verify', '--backup']]) {
    const r = await v.cli(args);
    fails(r, 1, /plug in/);
    assert.equal(r.stderr.match(/plug in/g)!.length, 1, `${args.join(' ')}: ${r.stderr}`);
  }
  // The failed run is kept with its reason (Home: "the last backup did not work (...)"), not as an unexpected error.
  assert.equal((await v.engine.backupStatus()).lastAttempt?.error, 'the folder that should hold the backup folder cannot be found');
});
