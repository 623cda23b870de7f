// `casevault restore --to DIR`, of a whole snapshot and of one file, killed
// before each one of its writes in turn (tests/helpers/stops.ts, synchronous
// writes included), into a folder that already holds a person's files, one
// of them at a name the snapshot also has: at every stop no file stands at
// a real name unless it is whole (a partial one only under a temporary
// name), and the person's files are untouched; run again, the restore
// finishes with every file byte-identical, the one whose name was taken
// beside it as "(restored 2)", no temporary file left and nothing twice.
// The files are large (over a restore job's 4 MiB), so the main thread
// opens, places and removes each: a small file is written and placed by a
// worker thread, where no stop is counted (tests/backup/cli.test.ts kills
// restores of small files at random instants).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { isTempName } from '../../engine/fsutil/atomic.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { readTree } from '../helpers/fs.js';
import { killStates } from '../helpers/stops.js';
import { makeVault, writeFiles, type Files } from '../helpers/vault.js';
import { ok } from '../handover/helpers.js';

const BIG = 4 * 1024 * 1024 + 300_000;
const FILES = { 'case-1/scan.pdf': randomBytes(BIG), 'case-2/deep/recording.m4a': randomBytes(BIG) };
/** In DIR before the restore: a person's own file, and another at a name the snapshot also has. */
const THERE: Files = { 'notes.txt': 'mine', 'case-1/scan.pdf': 'a different scan, also mine' };
const BESIDE = 'case-1/scan (restored 2).pdf';

for (const path of [undefined, 'case-2/deep/recording.m4a']) {
  test(`restore --to DIR${path ? ' --path FILE' : ''} killed before any one of its writes is finished by the next one; nothing there before is overwritten`, async (t) => {
    const v = await makeVault({ files: FILES, backedUp: true });
    const dir = join(v.root, 'restored');
    await writeFiles(dir, THERE);
    const mine = await readTree(dir);
    const snapshot = new Map(Object.entries(FILES).filter(([p]) => !path || p === path));
    /** What DIR holds at a real name once restored: the person's files, and the snapshot's (the taken name's beside it). */
    const want = new Map([...mine, ...[...snapshot].map(([p, b]) => [mine.has(p) ? BESIDE : p, b] as const)]);
    const engine = new Engine(v.home, v.env);
    await engine.unlock({ passphrase: PASSPHRASE });
    const states = await killStates([v.home, v.backup, dir], join(v.root, 'states'), () => engine.restoreBackup({ to: dir, ...(path ? { path } : {}) }), {
      sync: true,
    });
    await engine.lock();

    for (let at = 0; at < states.count; at++) {
      await states.restore(at);
      // A dead process's locks are taken over; these name this process, which is alive.
      for (const [p, b] of await readTree(dir)) {
        if (isTempName(p.split('/').at(-1)!)) continue;
        assert.ok(want.get(p)?.equals(b), `kill before ${at}: ${p} is whole and what belongs there`);
      }
      ok(await v.cli(['restore', '--to', dir, ...(path ? ['--path', path] : [])]), `restore, after a kill before write ${at}`);
      const got = await readTree(dir);
      assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), `kill before ${at}: every file once, no temporary file left`);
      for (const [p, b] of want) assert.ok(got.get(p)!.equals(b), `kill before ${at}: ${p} is byte-identical`);
    }
    assert.ok(states.count >= 4, `killed before each of ${states.count} writes`);
    t.diagnostic(`killed before each of ${states.count} writes`);
  });
}
