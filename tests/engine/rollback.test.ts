// A hostile cloud puts back an older authentic copy of an object (it kept
// the bytes), or plants a device record to make this computer think it
// shares the vault: verify must report the rollback (exit 3) and the next
// sync put the newer file back; a planted record must not divert the
// owner's edits into conflicted copies. Forged from docs/format.md alone.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { PASSPHRASE, run } from '../helpers/cli.js';
import { makeVault } from '../helpers/vault.js';

async function objectFiles(cloud: string): Promise<string[]> {
  return (await readdir(join(cloud, 'objects'), { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

test('an object put back from an older copy is reported by verify --cloud (exit 3), and the next sync uploads the newer file again', async () => {
  const v = await makeVault({ files: { 'case/letter.txt': 'first draft of the letter' }, synced: true });
  const [object] = await objectFiles(v.cloud);
  const old = await readFile(object!);
  await writeFile(join(v.vault, 'case/letter.txt'), 'final text of the letter!');
  assert.equal((await v.engine.sync()).uploaded, 1);
  assert.notDeepEqual(await readFile(object!), old);
  await writeFile(object!, old); // the cloud's rollback: the same name, the same padded size, authentic bytes

  const r = await run(['verify', '--cloud'], v.env);
  assert.equal(r.code, 3, r.stdout + r.stderr);
  assert.match(r.stdout, /replaced with an older copy since this computer wrote it/);
  assert.equal((await run(['sync'], v.env)).code, 0);
  assert.equal((await run(['verify', '--cloud'], v.env)).code, 0, 'the newer file is in the cloud again');
  const back = await run(['recover', '--cloud', v.cloud, '--vault', join(v.root, 'again')], {
    CASEVAULT_HOME: join(v.root, 'home-again'),
    CASEVAULT_PASSPHRASE: PASSPHRASE,
  });
  assert.equal(back.code, 0, back.stderr);
  assert.equal(await readFile(join(v.root, 'again', 'case/letter.txt'), 'utf8'), 'final text of the letter!');
});

test("a device record planted in the cloud (any bytes) with an object put back does not divert the owner's next edit into a conflicted copy", async () => {
  const v = await makeVault({ files: { 'a.txt': 'one' }, synced: true });
  const [object] = await objectFiles(v.cloud);
  const old = await readFile(object!);
  await writeFile(join(v.vault, 'a.txt'), 'two');
  assert.equal((await v.engine.sync()).uploaded, 1);
  await writeFile(object!, old); // the older version put back: its write is not the one this computer recorded ...
  await mkdir(join(v.cloud, 'devices'), { recursive: true });
  await writeFile(join(v.cloud, 'devices', randomBytes(16).toString('hex')), randomBytes(32)); // ... and "another computer" to blame it on
  await writeFile(join(v.vault, 'a.txt'), 'three');
  const r = await v.engine.sync();
  assert.deepEqual(r.conflicts, []);
  assert.equal(r.uploaded, 1);
  assert.deepEqual(await readdir(v.vault), ['a.txt'], 'no conflicted copy');
  assert.equal((await run(['verify', '--cloud'], v.env)).code, 0, 'the edit is what the cloud holds');
});
