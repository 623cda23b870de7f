// The housekeeping and records commands as a person or a script runs them:
// real processes, exit codes, one-sentence errors that name no case.
import assert from 'node:assert/strict';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { run, type RunResult } from '../helpers/cli.js';
import { exists, listFiles, readTree } from '../helpers/fs.js';
import { withHomeLock } from '../../engine/fsutil/lockfile.js';
import { makeVault } from '../helpers/vault.js';
import { OLD } from './helpers.js';

function cleanError(r: RunResult, code: number): void {
  assert.equal(r.code, code, `exit code; stderr: ${r.stderr}`);
  assert.match(r.stderr, /^casevault: [^\n]+[.!?]\n$/);
  assert.doesNotMatch(r.stderr, /Zebedee|Smith|Error:|\n\s+at /, 'one sentence, no case name, no stack');
}

test('retention, close, reopen, archive, delete, records: output and exit codes', async () => {
  const { root, vault, home, env } = await makeVault({
    files: {
      'Smith/letter.txt': ['Dear member', OLD],
      'Smith/notes.md': ['notes', OLD],
      'Jones/a.txt': 'open',
      'Brown/b.txt': ['b', OLD],
      'minutes.txt': 'loose',
    },
    backup: true,
  });
  assert.equal((await run(['sync'], env)).code, 0);

  const list = await run(['retention', '--json'], env);
  assert.equal(list.code, 0, list.stderr);
  const j = JSON.parse(list.stdout);
  assert.equal(j.years, 6);
  assert.deepEqual(
    j.cases.map((c: { name: string; past: boolean }) => [c.name, c.past]),
    [
      ['Brown', true],
      ['Smith', true],
      ['Jones', false],
      ['minutes.txt', false],
    ],
  );
  const text = await run(['retention'], env);
  assert.match(text.stdout, /PAST RETENTION\s+due 30 Jun 2021\s+\(newest file 30 Jun 2015\s*\)\s+Smith\/\s+2 files/, 'days in the locale (none set: en-GB)');
  assert.match(
    text.stdout,
    /\nLoose files \(directly in the vault folder, not in a case folder; .*\):\n\s+due \d{1,2} \w{3} \d{4}\s+\(newest file .*\)\s+minutes\.txt {2}1 file\n/,
  );
  assert.doesNotMatch(text.stdout.split('Loose files')[0]!, /minutes\.txt/, 'a loose file is not listed among the cases');
  assert.match(text.stdout, /2 past retention/);

  const years = await run(['retention', '--years', '8'], env);
  assert.equal(years.code, 0);
  assert.match(years.stdout, /kept 8 years/);
  assert.equal(JSON.parse((await run(['retention', '--json'], env)).stdout).years, 8);
  cleanError(await run(['retention', '--years', '0'], env), 2);

  cleanError(await run(['close', 'Smith', '--date', '2023-02-30'], env), 2);
  cleanError(await run(['close', 'Zebedee'], env), 2);
  const closed = await run(['close', 'Jones', '--date', '2010-01-31', '--json'], env);
  assert.equal(closed.code, 0, closed.stderr);
  const jones = JSON.parse(closed.stdout);
  assert.deepEqual(
    [jones.closed, jones.basis, jones.changedSinceClosed, jones.past],
    ['2010-01-31', 'newest file', true, false],
    'its file is newer than the mark',
  );
  assert.equal(jones.due, `${Number(jones.newestFile.slice(0, 4)) + 8}${jones.newestFile.slice(4)}`.replace('-02-29', '-03-01'));
  const reopened = await run(['reopen', 'Jones'], env);
  assert.equal(reopened.code, 0);
  assert.match(reopened.stdout, /counted from its newest file/);

  cleanError(await run(['archive', 'Smith'], env), 2);
  cleanError(await run(['archive', 'Zebedee', '--yes'], env), 2);
  cleanError(await run(['archive', 'Jones', '--yes'], env), 1);
  cleanError(await run(['archive', 'Smith', '--yes'], { ...env, CASEVAULT_PASSPHRASE: 'wrong passphrase entirely here' }), 4);
  assert.ok(await exists(join(vault, 'Smith/letter.txt')));
  const before = await readTree(join(vault, 'Smith'));
  const arch = await run(['archive', 'Smith', '--yes', '--json'], env);
  assert.equal(arch.code, 0, arch.stderr);
  const [a] = JSON.parse(arch.stdout);
  assert.equal(a.files, 2);
  assert.equal(await exists(join(vault, 'Smith')), false);
  const snaps = await run(['snapshots'], env);
  assert.match(snaps.stdout, new RegExp(`${a.archive} .*archive`));
  const out = join(root, 'out');
  const restored = await run(['restore', '--snapshot', a.archive, '--path', 'Smith', '--to', out], env);
  assert.equal(restored.code, 0, restored.stderr);
  assert.deepEqual(await readTree(join(out, 'Smith')), before);

  cleanError(await run(['delete', 'Brown'], env), 2);
  cleanError(await run(['delete', 'Jones', '--yes'], env), 1);
  const del = await run(['delete', 'Brown', '--yes'], env);
  assert.equal(del.code, 0, del.stderr);
  assert.match(del.stdout, /Deleted Brown: 1 file removed from this computer\.\n {2}this computer: gone now/);
  assert.match(del.stdout, / {2}cloud: gone from \d{1,2} [A-Z][a-z]{2,3} \d{4} /);
  assert.match(del.stdout, / {2}backups: gone now \(no backup snapshot holds it\)/);
  assert.deepEqual(await listFiles(vault), ['Jones/a.txt', 'minutes.txt']);
  const forced = await run(['delete', 'Jones', '--yes', '--force', '--json'], env);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(JSON.parse(forced.stdout).cases[0].forced, true);

  const rec = await run(['records', '--json'], env);
  assert.equal(rec.code, 0, rec.stderr);
  assert.equal(JSON.parse(rec.stdout).backup.archives, 1);
  assert.match((await run(['records'], env)).stdout, /Backup record\n {2}What: +.*\n[\s\S]*Asset record\n {2}this computer: /);
  const page = join(root, 'records.html');
  assert.equal((await run(['records', '--html', page], env)).code, 0);
  assert.match(await readFile(page, 'utf8'), /<h2>Backup record<\/h2>/);
  cleanError(await run(['records', '--html', page], env), 2);

  const audit = await run(['audit'], env);
  for (const e of [
    'retention period changed',
    'case marked closed: Jones on 2010-01-31',
    'case reopened: Jones',
    `case archived: Smith: 2 files into archive ${a.archive}`,
    'case deleted: Brown',
    'case deleted: Jones: 1 file removed from this computer (before its retention date: forced)',
  ]) {
    assert.ok(audit.stdout.includes(e), e);
  }

  await writeFile(join(home, 'housekeeping.json'), '{"version":1,');
  cleanError(await run(['retention'], env), 3);
});

test('a closed mark counts only while no file of the case is newer than its day: a new case of the same name, or new files, are not past retention', async () => {
  const { root, vault, env } = await makeVault({ files: { 'Smith/old.txt': ['2015 grievance', OLD], 'Brown/b.txt': ['b', OLD] } });
  for (const name of ['Smith', 'Brown']) {
    const c = await run(['close', name, '--date', '2015-07-01', '--json'], env);
    assert.equal(c.code, 0, c.stderr);
    assert.deepEqual([JSON.parse(c.stdout).basis, JSON.parse(c.stdout).past], ['closed', true]);
  }
  // The folder moved away by hand; a new member of the same surname gets a case today.
  await rename(join(vault, 'Smith'), join(root, 'old-smith-moved-elsewhere'));
  await mkdir(join(vault, 'Smith'));
  await writeFile(join(vault, 'Smith', 'new.txt'), 'new member J. Smith, case opened today');
  // New documents arrive in a closed case.
  await writeFile(join(vault, 'Brown', 'late.txt'), 'a letter that came after closing');

  const j = JSON.parse((await run(['retention', '--json'], env)).stdout);
  for (const name of ['Smith', 'Brown']) {
    const c = j.cases.find((x: { name: string }) => x.name === name);
    assert.deepEqual([c.closed, c.changedSinceClosed, c.basis, c.past], ['2015-07-01', true, 'newest file', false], name);
  }
  const text = await run(['retention'], env);
  assert.doesNotMatch(text.stdout, /PAST RETENTION/);
  assert.match(text.stdout, /changed since closed 1 Jul 2015\)\s+Smith\//);
  assert.match(
    text.stdout,
    /Changed since it was closed: "Smith" was marked closed on 1 Jul 2015, .*close it again \(`casevault close "Smith"`\) or reopen it/,
  );
  assert.match(text.stdout, /0 past retention/);

  cleanError(await run(['delete', 'Smith', '--yes'], env), 1);
  cleanError(await run(['archive', 'Brown', '--yes'], env), 1);
  assert.deepEqual(await listFiles(vault), ['Brown/b.txt', 'Brown/late.txt', 'Smith/new.txt'], 'nothing removed without --force');

  // Closed again today: the mark counts again.
  const again = JSON.parse((await run(['close', 'Brown', '--json'], env)).stdout);
  assert.deepEqual([again.basis, again.changedSinceClosed], ['closed', false]);
});

test('case names as `retention` lists them ("Old Case/") are accepted; a name starting with "-" is named after `--`, and the error says so', async () => {
  const { vault, env } = await makeVault({ files: { 'Old Case/o.txt': ['o', OLD], 'Other/p.txt': ['p', OLD], '-rf/x.txt': ['x', OLD] } });
  assert.match((await run(['retention'], env)).stdout, /Old Case\/ {2}1 file/);
  const closed = await run(['close', 'Old Case/', '--date', '2016-01-01', '--json'], env);
  assert.equal(closed.code, 0, closed.stderr);
  assert.equal(JSON.parse(closed.stdout).name, 'Old Case');
  assert.equal((await run(['reopen', 'Old Case/'], env)).code, 0);
  const del = await run(['delete', 'Old Case/', '--yes'], env);
  assert.equal(del.code, 0, del.stderr);
  assert.match(del.stdout, /^Deleted Old Case: 1 file removed/);
  cleanError(await run(['delete', 'Other//', '--yes'], env), 2);

  const dash = await run(['delete', '-rf/', '--yes'], env);
  assert.equal(dash.code, 2);
  assert.match(
    dash.stderr,
    /^casevault: unknown option '-rf\/'; if that is a case whose name starts with "-", put `--` before it \(`casevault delete --yes -- NAME`\), or see `casevault delete --help`\.\n$/,
  );
  const named = await run(['delete', '--yes', '--', '-rf/'], env);
  assert.equal(named.code, 0, named.stderr);
  assert.deepEqual(await listFiles(vault), ['Other/p.txt']);
});

test('records agrees with status before the first backup: overdue, none taken yet, and an empty folder that is there is not unreadable', async () => {
  const { backup, env } = await makeVault({ files: { 'a.txt': 'a' }, backup: true });
  await mkdir(backup, { recursive: true });
  assert.equal((await run(['sync'], env)).code, 0);
  const rec = await run(['records'], env);
  assert.equal(rec.code, 0, rec.stderr);
  assert.match(rec.stdout, /\n {2}Last success: never\n/);
  assert.match(rec.stdout, /\n {2}Overdue: {6}yes \(no backup has been taken yet\)\n/);
  assert.match(rec.stdout, /\n {2}backup: .* \(encrypted, versioned backups: none taken yet\)\n/);
  assert.doesNotMatch(rec.stdout, /could not be read/);
  const j = JSON.parse((await run(['records', '--json'], env)).stdout);
  assert.deepEqual([j.backup.overdue, j.backup.snapshots, j.backup.archives], [true, 0, 0]);
});

test('delete while a running sync (watch, the app) holds the vault: the report says that sync moves it, not that the cloud was out of reach; a refused command says to stop watch', async () => {
  const { home, env } = await makeVault({ files: { 'Old/o.txt': ['o', OLD] } });
  assert.equal((await run(['sync'], env)).code, 0);
  await withHomeLock(home, async () => {
    const del = await run(['delete', 'Old', '--yes'], env);
    assert.equal(del.code, 0, del.stderr);
    assert.match(
      del.stdout,
      /\n {2}cloud: not known yet \(the running sync \(a watch, or the Casevault app\) moves it to the cloud trash at its next pass, .*\)\n/,
    );
    assert.doesNotMatch(del.stdout, /could not be reached/);
    const refused = await run(['sync'], env);
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr,
      'casevault: another Casevault process is working on this vault; stop the running watch (or quit the Casevault app) or wait for it to finish, then try again.\n',
    );
  });
});

test('a damaged housekeeping.json moved aside: `retention` with the passphrase brings back the cloud copy; without it, `close` refuses rather than mirror fresh marks over the cloud copy', async () => {
  const { root, cloud, home, env } = await makeVault({ files: { 'Smith/f.txt': ['x', OLD], 'Jones/f.txt': ['x', OLD], 'Patel/f.txt': 'x' } });
  assert.equal((await run(['sync'], env)).code, 0);
  assert.equal((await run(['retention', '--years', '8'], env)).code, 0);
  assert.equal((await run(['close', 'Smith', '--date', '2016-01-01'], env)).code, 0);
  const marks = async (e: Record<string, string>) => {
    const r = await run(['retention', '--json'], e);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { years: number; cases: { name: string; closed?: string | null }[] };
    return { years: j.years, smith: j.cases.find((c) => c.name === 'Smith')?.closed };
  };

  await writeFile(join(home, 'housekeeping.json'), '{garbage');
  const damaged = await run(['retention'], env);
  cleanError(damaged, 3);
  assert.match(damaged.stderr, /move it aside, then list the cases again with the vault's passphrase at hand/);
  // The advice followed: moved aside, then `retention` with the passphrase.
  await rename(join(home, 'housekeeping.json'), join(root, 'housekeeping.damaged'));
  assert.deepEqual(await marks(env), { years: 8, smith: '2016-01-01' });

  // Lost again, and no passphrase to be had: a change is refused, and the cloud copy is untouched.
  await rename(join(home, 'housekeeping.json'), join(root, 'housekeeping.lost'));
  const locked = await run(['close', 'Patel'], { ...env, CASEVAULT_PASSPHRASE: undefined });
  assert.notEqual(locked.code, 0);
  assert.match(locked.stderr, /the cloud holds the vault's sealed copy/);
  assert.equal(await exists(join(home, 'housekeeping.json')), false);
  // With it, `close` first brings the marks back, then adds its own.
  assert.equal((await run(['close', 'Patel'], env)).code, 0);
  assert.deepEqual(await marks(env), { years: 8, smith: '2016-01-01' });
  // What a new computer gets from the cloud copy: nothing lost.
  const other = { ...env, CASEVAULT_HOME: join(root, 'home-new') };
  assert.equal((await run(['recover', '--cloud', cloud, '--vault', join(root, 'vault-new')], other)).code, 0);
  assert.deepEqual(await marks(other), { years: 8, smith: '2016-01-01' });
});
