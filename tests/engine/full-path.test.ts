// A relative folder given to the engine (as the app gives it) is refused with
// the folder it would have been, and nothing is made there; the command line
// resolves a relative folder against the terminal's folder first, which is
// what a person typing it means.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { Failure } from '../../contract/index.js';
import { Engine } from '../../engine/engine.js';
import { BIN, PASSPHRASE } from '../helpers/cli.js';
import { exists, tempDir } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';

function refusedAsRelative(p: string, what: string) {
  return (e: unknown) => {
    assert.ok(e instanceof Failure && e.kind === 'usage', String(e));
    assert.match(
      e.message,
      new RegExp(`^"${p}" is not a full path: as it is, the ${what} would be ${resolve(p).replace(/[/.]/g, '\\$&')}; give the full path`),
    );
    assert.equal(e.next, undefined, 'the sentence says what to do; no next step says it again');
    return true;
  };
}

test('the engine refuses a relative vault, cloud or backup folder, naming where it would have landed; nothing is made', async () => {
  const root = await tempDir('casevault-relative');
  const engine = new Engine(join(root, 'home'), { CASEVAULT_KDF_PROFILE: 'interactive' });
  const cloud = { kind: 'folder' as const, dir: join(root, 'cloud') };
  await assert.rejects(engine.init({ vaultDir: 'Cases', cloud, passphrase: PASSPHRASE }), refusedAsRelative('Cases', 'vault folder'));
  await assert.rejects(
    engine.init({ vaultDir: join(root, 'v'), cloud: { kind: 'folder', dir: 'Cloud' }, passphrase: PASSPHRASE }),
    refusedAsRelative('Cloud', 'cloud folder'),
  );
  await assert.rejects(
    engine.init({ vaultDir: join(root, 'v'), cloud, backupDir: 'USB/backups', passphrase: PASSPHRASE }),
    refusedAsRelative('USB/backups', 'backup folder'),
  );
  await assert.rejects(engine.recover({ vaultDir: 'Cases', cloud, secret: { passphrase: PASSPHRASE } }), refusedAsRelative('Cases', 'vault folder'));
  assert.equal(await exists(resolve('Cases')), false);
  assert.deepEqual(await readdir(root), [], 'nothing made');
});

test('a vault already made: a relative export, handover copy or new cloud folder is refused', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true, unlocked: true });
  await assert.rejects(v.engine.sarExport({ terms: ['a'], paths: ['a.txt'], to: 'SAR export', zip: false }), refusedAsRelative('SAR export', 'export'));
  await assert.rejects(
    v.engine.handover({ to: 'copy', passphrase: 'another long passphrase for the successor' }),
    refusedAsRelative('copy', 'folder for the copy'),
  );
  await assert.rejects(v.engine.moveCloud({ to: { kind: 'folder', dir: 'Dropbox/Casevault' } }), refusedAsRelative('Dropbox/Casevault', 'new cloud folder'));
  await v.engine.lock();
});

test("the command line takes a relative folder as the terminal folder's", async () => {
  const root = await tempDir('casevault-relative-cli');
  const code = await new Promise<number | null>((done) => {
    const child = spawn(process.execPath, [BIN, 'init', '--vault', 'Cases', '--cloud', 'Cloud'], {
      cwd: root,
      env: { PATH: process.env.PATH, CASEVAULT_HOME: join(root, 'home'), CASEVAULT_PASSPHRASE: PASSPHRASE, CASEVAULT_KDF_PROFILE: 'interactive' },
      stdio: 'ignore',
    });
    child.on('close', done);
  });
  assert.equal(code, 0);
  const config = JSON.parse(await readFile(join(root, 'home', 'config.json'), 'utf8')) as { vaultDir: string; cloud: { dir: string } };
  assert.equal(config.vaultDir, join(root, 'Cases'));
  assert.equal(config.cloud.dir, join(root, 'Cloud'));
  assert.ok(await exists(join(root, 'Cloud', 'casevault.key')));
});
