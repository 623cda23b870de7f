// Odd names through the real command, end to end: sync, then recover on a
// fresh home; backup, then restore of everything and of single files. Every
// file a person can make on Linux comes back byte for byte under its exact
// name, and status and verify agree. Among them are names Windows would read
// as a drive or a network path (`a:b`, `C:notes`, two backslashes first):
// on Linux they are ordinary names that stay in their folder.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunResult } from '../helpers/cli.js';
import { readTree } from '../helpers/fs.js';
import { makeVault, type Files } from '../helpers/vault.js';

function ok(r: RunResult, what: string): RunResult {
  assert.equal(r.code, 0, `${what}: ${r.stdout}${r.stderr}`);
  return r;
}

/** A path of about 3,700 bytes: with the test's folders in front, near Linux's PATH_MAX of 4,096. */
const deep = `${Array.from({ length: 15 }, (_, i) => `d${i}`.padEnd(240, 'y')).join('/')}/deep.txt`;

const names = [
  'a:b',
  'C:notes.txt',
  'c:/in a folder called c colon.txt',
  '\\\\server\\share',
  'back\\slash',
  'tab\there',
  'new\nline',
  'quo"te\'s',
  'a%2Fb',
  '-leading dash',
  '.leading dot',
  'trailing space ',
  'trailing dot.',
  'trailing dots...',
  '..two dots first',
  'emoji \u{1F4C1}',
  `${'\u00e9'.repeat(127)}x`, // 255 bytes of UTF-8, the longest name Linux takes
  'caf\u00e9',
  'cafe\u0301',
  'Case',
  'case',
  'CASE',
  '.casevault-tmp', // looks like Casevault's temporary names, but is not one
  '.casevault-tmp-notours',
  'con',
  'nul.txt',
  'a*b?<>|',
  '\u0001control',
  'zero\u200bwidth',
  deep,
];

test('odd names round-trip through sync and recover, backup and restore, exactly, with status and verify agreeing (a:b and C:x are Linux names, not drive letters)', async () => {
  const files: Files = Object.fromEntries(names.map((n, i) => [n, `content ${i} of ${JSON.stringify(n)}`]));
  const v = await makeVault({ files, backup: true });
  const original = await readTree(v.vault);
  assert.equal(original.size, names.length);

  ok(await v.cli(['sync']), 'sync');
  const status = JSON.parse(ok(await v.cli(['status', '--json']), 'status').stdout) as { files: { total: number; synced: number; failed: number } };
  assert.deepEqual(status.files, { total: names.length, synced: names.length, failed: 0, pending: 0 });
  ok(await v.cli(['verify', '--cloud']), 'verify --cloud');

  const recovered = join(v.root, 'recovered');
  ok(await v.cli(['recover', '--cloud', v.cloud, '--vault', recovered], { CASEVAULT_HOME: join(v.root, 'home-new') }), 'recover');
  const got = await readTree(recovered);
  assert.deepEqual([...got.keys()].sort(), [...original.keys()].sort());
  for (const [p, data] of original) assert.ok(got.get(p)!.equals(data), JSON.stringify(p));

  ok(await v.cli(['backup']), 'backup');
  ok(await v.cli(['verify', '--backup']), 'verify --backup');
  const restored = join(v.root, 'restored');
  ok(await v.cli(['restore', '--to', restored]), 'restore');
  const back = await readTree(restored);
  assert.deepEqual([...back.keys()].sort(), [...original.keys()].sort());
  for (const [p, data] of original) assert.ok(back.get(p)!.equals(data), JSON.stringify(p));

  for (const one of ['a:b', 'new\nline', '\\\\server\\share', 'cafe\u0301']) {
    const to = join(v.root, `one-${names.indexOf(one)}`);
    ok(await v.cli(['restore', '--path', one, '--to', to]), `restore --path ${JSON.stringify(one)}`);
    const single = await readTree(to);
    assert.deepEqual([...single.keys()], [one]);
    assert.ok(single.get(one)!.equals(original.get(one)!), JSON.stringify(one));
  }
});

test('a path too long for the folder recovered or restored into is said to be that (exit 1), not damage in the cloud copy or the backups', async () => {
  const v = await makeVault({ files: { [deep]: 'deep', 'short.txt': 'short' }, synced: true, backedUp: true });
  // A longer folder than the vault's: with the file's ~3,700 bytes under it, its full path passes Linux's 4,096.
  const far = join(v.root, 'L'.repeat(200), 'M'.repeat(200), 'N'.repeat(200));

  const recover = await v.cli(['recover', '--cloud', v.cloud, '--vault', join(far, 'recovered')], { CASEVAULT_HOME: join(v.root, 'home-new') });
  assert.equal(recover.code, 1, recover.stdout + recover.stderr);
  assert.match(recover.stdout, /^Not recovered: objects\/.*: its path is too long for the folder it goes into/m);
  assert.match(recover.stderr, /^casevault: 1 file could not be recovered here \(listed above, each with why\); every other file was recovered/m);
  assert.doesNotMatch(recover.stderr, /damaged|tampered/);
  assert.equal((await readTree(join(far, 'recovered'))).get('short.txt')?.toString(), 'short');

  const restore = await v.cli(['restore', '--to', join(far, 'restored')]);
  assert.equal(restore.code, 1, restore.stdout + restore.stderr);
  assert.match(restore.stdout, /^Not restored: .*deep\.txt: its path is too long for the folder it goes into/m);
});
