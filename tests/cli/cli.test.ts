// The command line contract (DESIGN.md), run as a person or a script would:
// exit codes 0/1/2/3/4, one-sentence "casevault: " errors, no stack traces,
// no file names or keys in errors.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { objectId, objectRemoteName, ObjectSealer, openKeyFile, parseKeyFile } from '../../crypto/index.js';
import { exists, listFiles, readTree, tempDir } from '../helpers/fs.js';
import { PASSPHRASE, run, type RunResult } from '../helpers/cli.js';

function assertCleanError(r: RunResult, code: number, secretWords: string[] = []): void {
  assert.equal(r.code, code, `exit code; stderr: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line: ${r.stderr}`);
  assert.match(lines[0]!, /^casevault: .+[.!?]$/);
  assert.doesNotMatch(r.stderr, /\n\s+at |Error:|node:internal/);
  for (const w of secretWords) assert.ok(!r.stderr.includes(w), 'no secret or file name in the error');
}

async function setup(files: Record<string, string | Buffer> = { 'case-001/letter.txt': 'Dear member', 'notes.md': '# notes' }) {
  const root = await tempDir('cli');
  const vault = join(root, 'vault');
  await mkdir(vault);
  for (const [p, d] of Object.entries(files)) {
    await mkdir(join(vault, p, '..'), { recursive: true });
    await writeFile(join(vault, p), d);
  }
  const env = { CASEVAULT_HOME: join(root, 'home'), CASEVAULT_PASSPHRASE: PASSPHRASE };
  const init = await run(['init', '--vault', vault, '--cloud', join(root, 'cloud'), '--recovery-key-out', join(root, 'rk.txt')], env);
  assert.equal(init.code, 0, init.stderr);
  const recoveryKey = (await readFile(join(root, 'rk.txt'), 'utf8')).trim();
  return { root, vault, cloud: join(root, 'cloud'), env, recoveryKey, init };
}

test('usage: help is exit 0; no command, a group command without its subcommand, unknown commands and missing options are exit 2', async () => {
  for (const asked of [['--help'], ['help'], ['help', 'sar'], ['sar', '--help'], ['--version']]) assert.equal((await run(asked, {})).code, 0, asked.join(' '));
  assert.equal((await run([], {})).code, 2);
  for (const group of [['sar'], ['escrow']]) assert.equal((await run(group, {})).code, 2, group.join(' '));
  assertCleanError(await run(['frobnicate'], {}), 2);
  assertCleanError(await run(['init', '--vault', '/tmp/x'], {}), 2);
  assertCleanError(await run(['sync'], { CASEVAULT_HOME: join(await tempDir('nohome'), 'h') }), 2);
});

test('init: the recovery key is printed once and written alone on one line; a second init is refused', async () => {
  const { root, vault, env, recoveryKey, init } = await setup();
  assert.equal(recoveryKey.split('\n').length, 1);
  assert.equal(recoveryKey.split(/[^a-z]+/).filter(Boolean).length, 27);
  assert.ok(init.stdout.includes(recoveryKey));
  assertCleanError(await run(['init', '--vault', vault, '--cloud', join(root, 'other')], env), 1);
});

test('init: no passphrase and no terminal is exit 2; a weak passphrase is exit 2 with a reason', async () => {
  const root = await tempDir('weak');
  const args = ['init', '--vault', join(root, 'v'), '--cloud', join(root, 'c')];
  assertCleanError(await run(args, { CASEVAULT_HOME: join(root, 'h') }), 2);
  const weak = await run(args, { CASEVAULT_HOME: join(root, 'h'), CASEVAULT_PASSPHRASE: 'Password123!' });
  assertCleanError(weak, 2, ['Password123!']);
  assert.match(weak.stderr, /too weak/);
});

test('sync, status --json, and recover on a new computer with the passphrase and with the recovery key', async () => {
  const { root, vault, cloud, env, recoveryKey } = await setup({ 'a/b/c.txt': 'deep', 'big.bin': randomBytes(2_500_000), zero: '' });
  const s = await run(['sync'], env);
  assert.equal(s.code, 0, s.stderr);
  const status = JSON.parse((await run(['status', '--json'], env)).stdout);
  assert.deepEqual(status.files, { total: 3, synced: 3, pending: 0, failed: 0 });
  await writeFile(join(vault, 'new.txt'), 'later');
  assert.equal(JSON.parse((await run(['status', '--json'], env)).stdout).files.pending, 1);

  const original = await readTree(vault);
  original.delete('new.txt');
  for (const [label, secretEnv] of [
    ['pass', { CASEVAULT_PASSPHRASE: PASSPHRASE }],
    ['key', { CASEVAULT_RECOVERY_KEY: recoveryKey }],
  ] as const) {
    const target = join(root, `recovered-${label}`);
    const r = await run(['recover', '--cloud', cloud, '--vault', target], { CASEVAULT_HOME: join(root, `home-${label}`), ...secretEnv });
    assert.equal(r.code, 0, r.stderr);
    const got = await readTree(target);
    assert.deepEqual([...got.keys()].sort(), [...original.keys()].sort());
    for (const [p, d] of original) assert.ok(got.get(p)!.equals(d));
    // The recovered computer is in sync already: nothing to upload.
    const again = await run(['sync'], { CASEVAULT_HOME: join(root, `home-${label}`) });
    assert.match(again.stdout, / 0 uploaded/);
  }
});

test('wrong passphrase is exit 4; a recovery-key typo is caught and named by its checksum, exit 4; neither echoes the secret', async () => {
  const { root, cloud, recoveryKey } = await setup();
  const wrong = await run(['recover', '--cloud', cloud, '--vault', join(root, 'r1')], {
    CASEVAULT_HOME: join(root, 'h1'),
    CASEVAULT_PASSPHRASE: 'not the right passphrase at all',
  });
  assertCleanError(wrong, 4, ['not the right passphrase']);
  const words = recoveryKey.split(/[^a-z]+/).filter(Boolean);
  const typo = [...words];
  typo[5] = typo[5] === 'abandon' ? 'ability' : 'abandon';
  const t = await run(['recover', '--cloud', cloud, '--vault', join(root, 'r2')], { CASEVAULT_HOME: join(root, 'h2'), CASEVAULT_RECOVERY_KEY: typo.join(' ') });
  // Single words may be ordinary English ("check", "key"); pairs of them would be a leak.
  assertCleanError(
    t,
    4,
    words.slice(1).map((w, i) => `${words[i]} ${w}`),
  );
  assert.match(t.stderr, /word 6 of the recovery key is not the right one/, 'the checksum names the wrong word');
  assert.ok(!(await exists(join(root, 'r2'))), 'nothing written');
});

test('damaged and swapped objects: exit 3, named by verify, and every other file still recovered', async () => {
  const { root, cloud, env } = await setup({ 'one.txt': 'first file', 'two.txt': 'second file', 'three.txt': 'third file', 'four.txt': 'fourth' });
  assert.equal((await run(['sync'], env)).code, 0);
  const objects = (await listFiles(join(cloud, 'objects'))).map((o) => join(cloud, 'objects', o));
  const flipped = await readFile(objects[0]!);
  flipped[200]! ^= 0x40;
  await writeFile(objects[0]!, flipped);
  await writeFile(objects[1]!, await readFile(objects[2]!)); // a swap: object 2's bytes under object 1's name

  const v = await run(['verify', '--cloud'], env);
  assertCleanError(v, 3, ['one.txt', 'two.txt']);
  assert.equal(v.stdout.split('\n').filter((l) => l.startsWith('Bad: ')).length, 2);

  const target = join(root, 'recovered');
  const r = await run(['recover', '--cloud', cloud, '--vault', target], { CASEVAULT_HOME: join(root, 'h2'), CASEVAULT_PASSPHRASE: PASSPHRASE });
  assertCleanError(r, 3);
  assert.equal((await listFiles(target)).length, 2);
  assert.ok(!(await readdir(target)).some((n) => n.startsWith('.casevault')), 'no partial files left');
});

test('a decrypted path that escapes the target is refused (exit 3) and nothing lands outside it', async () => {
  const { root, cloud, env } = await setup({ 'ok.txt': 'fine' });
  assert.equal((await run(['sync'], env)).code, 0);
  // A writer holding the vault's keys (a buggy or malicious device) plants "../escaped.txt".
  const keys = await openKeyFile(parseKeyFile(await readFile(join(cloud, 'casevault.key'))), { passphrase: PASSPHRASE });
  const sealer = await ObjectSealer.create(keys);
  for (const evil of ['../escaped.txt', '/etc/escaped.txt', 'a/../../escaped.txt']) {
    const id = await objectId(keys.nameKey, evil);
    const bytes = sealer.sealBytes(id, { path: evil, size: 4, mtimeMs: Date.now() }, Buffer.from('evil'));
    await mkdir(join(cloud, objectRemoteName(id), '..'), { recursive: true });
    await writeFile(join(cloud, objectRemoteName(id)), bytes);
  }
  const target = join(root, 'sub', 'recovered');
  const r = await run(['recover', '--cloud', cloud, '--vault', target], { CASEVAULT_HOME: join(root, 'h2'), CASEVAULT_PASSPHRASE: PASSPHRASE });
  assertCleanError(r, 3);
  assert.deepEqual(await listFiles(target), ['ok.txt']);
  assert.ok(!(await exists(join(root, 'sub', 'escaped.txt'))));
  assert.ok(!(await exists('/etc/escaped.txt')));
});

test('recover refuses a non-empty target and a home that already has a vault (exit 2 / 1)', async () => {
  const { root, cloud, env } = await setup();
  await mkdir(join(root, 'busy'));
  await writeFile(join(root, 'busy', 'keep.txt'), 'mine');
  assertCleanError(
    await run(['recover', '--cloud', cloud, '--vault', join(root, 'busy')], { CASEVAULT_HOME: join(root, 'h3'), CASEVAULT_PASSPHRASE: PASSPHRASE }),
    2,
  );
  assert.equal(await readFile(join(root, 'busy', 'keep.txt'), 'utf8'), 'mine');
  assertCleanError(await run(['recover', '--cloud', cloud, '--vault', join(root, 'fresh')], env), 1);
});

test('passwd: the new passphrase works, the old one is exit 4, the recovery key still works', async () => {
  const { root, cloud, env, recoveryKey } = await setup();
  const NEW = 'seven orange kites drift over harbour';
  assert.equal((await run(['passwd'], { ...env, CASEVAULT_NEW_PASSPHRASE: NEW })).code, 0);
  assertCleanError(await run(['verify', '--cloud'], env), 4);
  assert.equal((await run(['verify', '--cloud'], { ...env, CASEVAULT_PASSPHRASE: NEW })).code, 0);
  const r = await run(['recover', '--cloud', cloud, '--vault', join(root, 'rk')], { CASEVAULT_HOME: join(root, 'h4'), CASEVAULT_RECOVERY_KEY: recoveryKey });
  assert.equal(r.code, 0, r.stderr);
  assertCleanError(await run(['passwd'], { ...env, CASEVAULT_PASSPHRASE: NEW, CASEVAULT_NEW_PASSPHRASE: 'abc' }), 2);
});
