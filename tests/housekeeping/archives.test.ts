// Deleting an archive from the command line: real folders, real crypto,
// real processes. Refused without --yes and for unknown IDs; once done, the
// backup folder no longer holds the archive's data (smaller, verify passes,
// its restore refused), every other snapshot restores byte for byte, the
// record and the audit trail say so. And kill -9 at random instants.
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { run, type RunResult } from '../helpers/cli.js';
import { exists, listFiles, readTree } from '../helpers/fs.js';
import { type Files, makeVault, SMALL_BACKUPS, writeFiles } from '../helpers/vault.js';
import { OLD } from './helpers.js';

const ROUNDS = Number(process.env.CASEVAULT_KILL_ROUNDS ?? 8);

function cleanError(r: RunResult, code: number): void {
  assert.equal(r.code, code, `exit code; stderr: ${r.stderr}`);
  assert.match(r.stderr, /^casevault: [^\n]+[.!?]\n$/);
  assert.doesNotMatch(r.stderr, /Smith|Brown|Jones|Error:|\n\s+at /, 'one sentence, no case name, no stack');
}

async function ok(args: string[], env: Record<string, string>): Promise<RunResult> {
  const r = await run(args, env);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r;
}

async function packBytes(usb: string): Promise<number> {
  let n = 0;
  for (const f of await listFiles(join(usb, 'packs')).catch(() => [])) n += (await stat(join(usb, 'packs', f))).size;
  return n;
}

async function restoresExactly(env: Record<string, string>, snapshot: string, want: Map<string, Buffer>, to: string): Promise<void> {
  await ok(['restore', '--snapshot', snapshot, '--to', to], env);
  const got = await readTree(to);
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), snapshot);
  for (const [p, d] of want) assert.ok(got.get(p)!.equals(d), `${snapshot}: ${p}`);
}

/** SMALL_BACKUPS with smaller packs still. */
const PARAMS = { ...SMALL_BACKUPS, packSize: 64 * 1024 };

test('archives lists; archives delete refuses without --yes and for unknown IDs, then removes the archive and frees its space', async () => {
  const smith = randomBytes(400_000);
  const {
    root,
    vault,
    backup: usb,
    home,
    env,
  } = await makeVault({
    files: { 'Smith/letter.txt': ['Dear member', OLD], 'Smith/scan.pdf': [smith, OLD], 'Brown/b.txt': [randomBytes(50_000), OLD], 'Jones/a.txt': 'open' },
    backup: true,
    backupParams: PARAMS,
  });
  assert.equal((await ok(['archives'], env)).stdout, 'No archives: cases are archived with `casevault archive CASE --yes`.\n');

  const [a] = JSON.parse((await ok(['archive', 'Smith', '--yes', '--json'], env)).stdout);
  const backup = (await ok(['backup'], env)).stdout.trim();
  const kept = await readTree(vault);
  const [b] = JSON.parse((await ok(['archive', 'Brown', '--yes', '--json'], env)).stdout);

  const list = JSON.parse((await ok(['archives', '--json'], env)).stdout);
  assert.deepEqual(
    list.map((x: { id: string; state: string; files: number; recorded: boolean; cases: { case: string; files: number }[] }) => [
      x.id,
      x.state,
      x.files,
      x.recorded,
      x.cases.map((c) => [c.case, c.files]),
    ]),
    [
      [a.archive, 'snapshot', 2, true, [['Smith', 2]]],
      [b.archive, 'snapshot', 1, true, [['Brown', 1]]],
    ],
  );
  assert.match(
    (await ok(['archives'], env)).stdout,
    new RegExp(`^${a.archive}  \\d{1,2} [A-Z][a-z]{2,3} \\d{4}, \\d\\d:\\d\\d:\\d\\d  2 files, 0\\.4 MiB  Smith \\(2 files\\)\\n`),
  );

  cleanError(await run(['archives', 'delete', a.archive], env), 2);
  cleanError(await run(['archives', 'delete', 'ffffffff', '--yes'], env), 2);
  cleanError(await run(['archives', 'delete', 'abc', '--yes'], env), 2);
  cleanError(await run(['archives', 'delete', backup, '--yes'], env), 2);
  cleanError(await run(['archives', 'delete', a.archive, 'ffffffff', '--yes'], env), 2);
  assert.equal(JSON.parse((await ok(['archives', '--json'], env)).stdout).length, 2, 'nothing deleted by a refused call');

  const before = await packBytes(usb);
  const del = await ok(['archives', 'delete', a.archive.slice(0, 6), '--yes'], env);
  assert.match(
    del.stdout,
    new RegExp(`^Deleted archive ${a.archive} \\(Smith\\): its snapshot and marker removed from the backup folder \\(2 files\\); 0\\.[34] MiB freed\\.\\n$`),
  );
  assert.ok((await packBytes(usb)) < before - 350_000, "the archive's data is gone from the backup folder");
  assert.equal(await exists(join(usb, 'snapshots', a.archive)), false);
  assert.equal(await exists(join(usb, 'archives', a.archive)), false);
  assert.equal((await run(['verify', '--backup'], env)).code, 0);
  cleanError(await run(['restore', '--snapshot', a.archive, '--to', join(root, 'gone')], env), 2);
  await restoresExactly(env, backup, kept, join(root, 'r1'));
  await restoresExactly(env, b.archive, new Map([...kept].filter(([p]) => p.startsWith('Brown/'))), join(root, 'r2'));

  const marks = JSON.parse(await readFile(join(home, 'housekeeping.json'), 'utf8'));
  assert.deepEqual(
    marks.archives.map((x: { snapshot: string }) => x.snapshot),
    [b.archive],
    'the record is updated',
  );
  const audit = (await ok(['audit'], env)).stdout;
  assert.ok(audit.includes(`archive deleted: archive ${a.archive} (Smith): 2 files; its snapshot and marker removed from the backup folder`), audit);

  // An archive this computer has no record of is said to be so, and deletes all the same.
  marks.archives = [];
  await writeFile(join(home, 'housekeeping.json'), JSON.stringify(marks));
  assert.match((await ok(['archives'], env)).stdout, /not recorded on this computer/);
  const del2 = await ok(['archives', 'delete', b.archive, '--yes'], env);
  assert.match(del2.stdout, /^Deleted archive [0-9a-f]{32} \(cases not recorded on this computer\): its snapshot and marker removed/);
  assert.equal(JSON.parse((await ok(['records', '--json'], env)).stdout).backup.archives, 0);
  assert.equal((await run(['verify', '--backup'], env)).code, 0);
  await restoresExactly(env, backup, kept, join(root, 'r3'));
});

test(`kill -9 during archives delete at ${ROUNDS} random instants: every other snapshot restores, verify passes, a rerun finishes`, async (t) => {
  const files: Files = { 'Open/keep.bin': randomBytes(300_000) };
  const names = Array.from({ length: ROUNDS + 1 }, (_, i) => `Case ${i}`);
  for (const n of names) for (let f = 0; f < 3; f++) files[`${n}/doc-${f}.bin`] = [randomBytes(randomInt(300_000, 600_000)), OLD];
  const { root, vault, backup: usb, env } = await makeVault({ files, backup: true, backupParams: PARAMS });

  // Half the cases are in an ordinary snapshot too (their archives share its chunks); the others only in their archives.
  const full = await readTree(vault);
  const s1 = (await ok(['backup'], env)).stdout.trim();
  const archives = new Map<string, { id: string; files: Map<string, Buffer> }>();
  for (const [i, n] of names.entries()) {
    if (i === Math.floor(names.length / 2))
      await writeFiles(vault, Object.fromEntries(names.slice(i).map((m) => [`${m}/late.bin`, [randomBytes(120_000), OLD]])));
    const tree = new Map([...(await readTree(vault))].filter(([p]) => p.startsWith(`${n}/`)));
    const [a] = JSON.parse((await ok(['archive', n, '--yes', '--json'], env)).stdout);
    archives.set(n, { id: a.archive, files: tree });
  }
  const s2 = (await ok(['backup'], env)).stdout.trim();
  const last = await readTree(vault);

  let killed = 0;
  for (const n of names.slice(0, ROUNDS)) {
    const { id, files: tree } = archives.get(n)!;
    // The command's start-up takes about 180 ms, the deletion about 100 more: the kill lands anywhere from start-up to the end.
    const r = await run(['archives', 'delete', id, '--yes'], env, randomInt(150, 450));
    if (r.code === null) killed++;
    else assert.equal(r.code, 0, r.stderr);
    assert.equal((await run(['verify', '--backup'], env)).code, 0, 'valid at the instant of the kill');
    const state = (JSON.parse((await ok(['archives', '--json'], env)).stdout) as { id: string; state: string }[]).find((x) => x.id === id)?.state;
    if (state === 'snapshot') await restoresExactly(env, id, tree, join(root, `whole-${id}`));
    else assert.ok(state === undefined || state === 'marker only' || state === 'missing', `never an archive that looks whole but is not: ${state}`);
    // Killed after the deletion was complete (while it was reporting), there is nothing left to finish: a rerun would rightly say no archive has that ID.
    if (r.code === null && state !== undefined) await ok(['archives', 'delete', id, '--yes'], env);
    assert.equal(
      (JSON.parse((await ok(['archives', '--json'], env)).stdout) as { id: string }[]).some((x) => x.id === id),
      false,
      'gone after the rerun',
    );
    assert.equal(await exists(join(usb, 'snapshots', id)), false);
  }

  assert.equal((await run(['verify', '--backup'], env)).code, 0);
  await restoresExactly(env, s1, full, join(root, 's1'));
  await restoresExactly(env, s2, last, join(root, 's2'));
  const kept = archives.get(names.at(-1)!)!;
  await restoresExactly(env, kept.id, kept.files, join(root, 'kept'));
  const deleted = (await ok(['audit', '--json'], env)).stdout.match(/archive deleted/g)?.length ?? 0;
  assert.ok(deleted >= ROUNDS, 'every deletion is in the audit trail');
  t.diagnostic(
    `archives delete killed mid-run ${killed} times in ${ROUNDS} rounds; after each, verify --backup passed and a rerun finished; ${[...archives.values()].length - ROUNDS} archive and 2 snapshots restored byte for byte`,
  );
});
