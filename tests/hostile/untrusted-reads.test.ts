// The cloud folder and the backup folder are hostile (docs/threat-model.md):
// whatever is read from them is bounded before it is read, and nothing
// planted there makes a command hang. A named pipe (FIFO) where a file
// should be once hung sync, snapshots, backup, verify and restore forever
// (open(2) waits for a writer); a sparse file of gigabytes where a small
// record, an index file, a snapshot or the backup settings should be was
// read whole. These plant both in real folders and run the real command:
// each must finish, with the exit code that says what it found. The sparse
// files are 3 GiB (no disk used): larger than Node reads into one buffer,
// so a read of the whole file fails outright instead of only costing memory.
// The spawned commands get a generous timeout: a regression fails (killed,
// no exit code) instead of hanging the suite; nothing here depends on time.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fsyncEachSync } from '../../engine/fsutil/open-regular.js';
import { FolderRemote } from '../../engine/remotes/folder.js';
import { RemoteNotFound, RemoteTooLarge } from '../../engine/remotes/remote.js';
import { FolderStorage } from '../../engine/backup/storage.js';
import { run } from '../helpers/cli.js';
import { tempDir } from '../helpers/fs.js';
import { makeVault, type TestVault } from '../helpers/vault.js';

const HUGE = 3 * 1024 * 1024 * 1024;
const TIMEOUT_MS = 180_000;

function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

/** The one file in `dir` of the folder `root`. */
async function onlyFile(root: string, dir: string): Promise<string> {
  const names = await readdir(join(root, dir));
  assert.equal(names.length, 1, `one file in ${dir}`);
  return join(root, dir, names[0]!);
}

/** Runs `args` and insists that it finished by itself (a command killed by the timeout has no exit code). */
async function finishes(v: TestVault, args: string[]): Promise<{ code: number; out: string }> {
  const r = await run(args, v.env, TIMEOUT_MS);
  assert.notEqual(r.code, null, `\`${args.join(' ')}\` did not finish`);
  return { code: r.code!, out: r.stdout + r.stderr };
}

test('a named pipe in the cloud or the backup folder is no object: reads finish at once', async () => {
  const v = await makeVault({ files: { 'case/notes.txt': 'notes' }, synced: true, backedUp: true });
  const cloud = new FolderRemote(v.cloud);
  const storage = new FolderStorage(v.backup);
  try {
    const record = await onlyFile(v.cloud, 'highwater');
    const name = `highwater/${record.split('/').at(-1)}`;
    await rm(record);
    mkfifo(record);
    await assert.rejects(cloud.read(name, 69), RemoteNotFound);
    await assert.rejects(
      (async () => {
        for await (const _ of cloud.get(name)) assert.fail('a pipe yields nothing');
      })(),
      RemoteNotFound,
    );
    const pack = await onlyFile(v.backup, join('packs', (await readdir(join(v.backup, 'packs')))[0]!));
    const packName = pack.slice(v.backup.length + 1);
    await rm(pack);
    mkfifo(pack);
    await assert.rejects(storage.readRange(packName, 0, 16), RemoteNotFound);
  } finally {
    storage.close();
  }
});

test('a named pipe at a computer’s high-water record: sync finishes and reports the record gone (exit 3)', async () => {
  const v = await makeVault({ files: { 'case/notes.txt': 'notes' }, synced: true });
  const record = await onlyFile(v.cloud, 'highwater');
  await rm(record);
  mkfifo(record);
  const s = await finishes(v, ['sync']);
  assert.equal(s.code, 3, s.out);
  assert.match(s.out, /record of its writes there is gone/);
});

test('a named pipe as the backup settings file: snapshots, backup, verify --backup and restore finish, refusing (exit 1)', async () => {
  const v = await makeVault({ files: { 'case/notes.txt': 'notes' }, backedUp: true });
  await rm(join(v.backup, 'config'));
  mkfifo(join(v.backup, 'config'));
  for (const args of [['snapshots'], ['backup'], ['verify', '--backup'], ['restore', '--to', join(v.root, 'out')]]) {
    const r = await finishes(v, args);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.out}`);
    assert.match(r.out, /not a Casevault backup/, args.join(' '));
  }
});

test('a named pipe as the backup lock: backup finishes, naming the item that is not a lock (exit 1)', async () => {
  const v = await makeVault({ files: { 'case/notes.txt': 'notes' }, backedUp: true });
  mkfifo(join(v.backup, 'lock'));
  const r = await finishes(v, ['backup']);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /the backup folder holds an unexpected item named "lock" that is not a Casevault lock; remove it/);
});

test('a huge file planted as a record is refused by its size, not read', async () => {
  const v = await makeVault({ files: { 'case/notes.txt': 'notes' }, synced: true });
  const record = await onlyFile(v.cloud, 'highwater');
  await truncate(record, HUGE);
  const name = `highwater/${record.split('/').at(-1)}`;
  await assert.rejects(new FolderRemote(v.cloud).read(name, 69), RemoteTooLarge);

  for (const args of [['verify', '--cloud'], ['sync']]) {
    const r = await finishes(v, args);
    assert.equal(r.code, 3, `${args.join(' ')}: ${r.out}`);
    assert.match(r.out, /rolled back to an earlier state/, args.join(' '));
  }
});

test('a huge snapshot, index file or settings file in the backup folder is reported damaged (exit 3), not read', async () => {
  const v = await makeVault({ files: { 'case/notes.txt': 'notes' }, backedUp: true });
  const snapshot = join(v.backup, 'snapshots', 'a'.repeat(32));
  await writeFile(snapshot, '');
  await truncate(snapshot, HUGE);
  let r = await finishes(v, ['verify', '--backup']);
  assert.equal(r.code, 3, r.out);
  assert.match(r.out, /snapshot a{32}: not a snapshot of this backup \(larger than any genuine snapshot can be, so it was not read\)/);
  await rm(snapshot);

  const index = join(v.backup, 'index', 'b'.repeat(32));
  await writeFile(index, '');
  await truncate(index, HUGE);
  r = await finishes(v, ['verify', '--backup']);
  assert.equal(r.code, 3, r.out);
  assert.match(r.out, /index b{32}: larger than any genuine index file can be, so it was not read/);
  await rm(index);

  await truncate(join(v.backup, 'config'), HUGE);
  r = await finishes(v, ['snapshots']);
  assert.equal(r.code, 3, r.out);
  assert.match(r.out, /settings file \(config\) is larger than any genuine one can be/);
});

test('a cloud file that grows after it was opened is read whole, in pieces of a useful size (not its opening size)', async () => {
  const { appendFile, mkdtemp, open } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { readPieces } = await import('../../engine/fsutil/open-regular.js');
  const dir = await mkdtemp(join(tmpdir(), 'casevault-grows-'));
  try {
    const path = join(dir, 'object');
    await writeFile(path, Buffer.alloc(10, 1));
    const fh = await open(path, 'r');
    try {
      const size = (await fh.stat()).size;
      await appendFile(path, Buffer.alloc(200 * 1024, 2)); // grown between the opening and the reads
      const pieces: Buffer[] = [];
      for await (const piece of readPieces(fh, size)) pieces.push(piece);
      assert.equal(Buffer.concat(pieces).length, 10 + 200 * 1024);
      assert.ok(pieces.length <= 13, `${pieces.length} pieces: read ${size} bytes at a time`);
    } finally {
      await fh.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('making written files durable one by one skips a file gone since, and a pipe or folder swapped in, without waiting on the pipe', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'kept.txt'), 'x');
  mkfifo(join(dir, 'swapped'));
  await mkdir(join(dir, 'folder'));
  fsyncEachSync(['kept.txt', 'gone.txt', 'swapped', 'folder'].map((n) => join(dir, n)));
  assert.throws(() => fsyncEachSync([join(dir, 'kept.txt', 'under a file')]), { code: 'ENOTDIR' }, 'any other failure is still one');
});
