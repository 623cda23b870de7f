// A file's versions across snapshots (Engine.fileVersions, what the app's
// restore-by-change-time lists): each distinct version once, with every
// snapshot holding it; the most recently changed first; a version restored
// from one of its snapshots; a damaged snapshot named, the rest still read;
// a file put back by recover (its time set again through utimes) is still
// the same version.
import assert from 'node:assert/strict';
import { readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileVersions } from '../../engine/backup/versions.js';
import { dispatch } from '../../engine/transport/dispatch.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { makeVault } from '../helpers/vault.js';

const LETTER = 'Member 7/letter.txt';
const day = (d: number) => new Date(Date.UTC(2026, 11, d, 9, 30));

test('fileVersions: distinct versions by change time, each with its snapshots; restore one; locked, unsafe and damaged cases', async () => {
  const v = await makeVault({ files: { [LETTER]: ['first draft', day(1)], 'rota.csv': 'name,shift\n' }, backup: true });
  const full = join(v.vault, ...LETTER.split('/'));
  const s1 = (await v.engine.backup()).snapshot;
  const s2 = (await v.engine.backup()).snapshot; // unchanged: the same version again
  await writeFile(full, 'second draft, longer');
  await utimes(full, day(2), day(2));
  const s3 = (await v.engine.backup()).snapshot;
  await utimes(full, day(3), day(3)); // saved again, same bytes: a version of its own, as a person remembers it
  const s4 = (await v.engine.backup()).snapshot;
  await rm(full);
  const s5 = (await v.engine.backup()).snapshot;

  const locked = await dispatch(v.engine, 'fileVersions', { path: LETTER });
  assert.equal(locked.ok ? 'ok' : locked.error.kind, 'locked', 'the file lists are encrypted');
  await v.engine.unlock({ passphrase: PASSPHRASE });

  const r = await v.engine.fileVersions(LETTER);
  assert.equal(r.path, LETTER);
  assert.deepEqual(r.unreadable, []);
  assert.deepEqual(
    r.versions.map((x) => [x.mtimeMs, x.size, x.chunks, x.snapshots.map((s) => s.id)]),
    [
      [day(3).getTime(), 20, 1, [s4]],
      [day(2).getTime(), 20, 1, [s3]],
      [day(1).getTime(), 11, 1, [s2, s1]],
    ],
    'newest change first; within a version, newest snapshot first; the snapshot without the file holds no version',
  );
  assert.ok(!r.versions.some((x) => x.snapshots.some((s) => s.id === s5)));
  const times = r.versions[2]!.snapshots.map((s) => Date.parse(s.time));
  assert.ok(times[0]! >= times[1]!);

  const oldest = r.versions.at(-1)!.snapshots[0]!.id;
  const restored = await v.engine.restoreBackup({ snapshot: oldest, paths: [LETTER], to: v.vault });
  assert.equal(await readFile(full, 'utf8'), 'first draft');
  assert.deepEqual(restored.written, [{ path: LETTER, writtenAs: full }]);
  assert.equal(restored.to, v.vault);
  const beside = await v.engine.restoreBackup({ snapshot: s3, paths: [LETTER], to: v.vault });
  assert.deepEqual(
    beside.written,
    [{ path: LETTER, writtenAs: join(v.vault, 'Member 7', 'letter (restored 2).txt') }],
    'named where it went, beside the file there',
  );

  assert.deepEqual((await v.engine.fileVersions('Member 7/none.txt')).versions, [], 'never in a backup: no versions');
  const unsafe = await dispatch(v.engine, 'fileVersions', { path: '../outside.txt' });
  assert.equal(unsafe.ok ? 'ok' : unsafe.error.kind, 'usage');

  // A damaged snapshot is named; every other snapshot still answers.
  const damaged = join(v.backup, 'snapshots', s3);
  const bytes = await readFile(damaged);
  bytes[bytes.length - 5]! ^= 1;
  await writeFile(damaged, bytes);
  const after = await v.engine.fileVersions(LETTER);
  assert.deepEqual(after.unreadable, [s3]);
  assert.deepEqual(
    after.versions.map((x) => x.snapshots.map((s) => s.id)),
    [[s4], [s2, s1]],
  );
});

test('a change time put back through utimes (recover, restore) drifts under a millisecond: still one version', () => {
  const chunk = new Uint8Array(32).fill(7);
  const saved = day(4).getTime() + 123.4567;
  const at = (id: string, mtimeMs: number, minutes: number) => ({
    snapshot: { id, time: new Date(day(5).getTime() + minutes * 60_000).toISOString() },
    file: { path: LETTER, size: 11, mtimeMs, chunks: [chunk] },
  });
  // The drift seen on Linux ext4 after utimes(path, atime, mtimeMs / 1000): 2^-10 ms.
  const versions = fileVersions([at('before', saved, 0), at('recovered', saved + 0.0009765625, 1), at('saved-later', saved + 1000, 2)]);
  assert.deepEqual(
    versions.map((v) => v.snapshots.map((s) => s.id)),
    [['saved-later'], ['recovered', 'before']],
  );
});
