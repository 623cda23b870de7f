// Refusals said in plain words where the app said something raw or untrue:
// a box left empty, a recovery kit saved onto a folder or into a folder that
// is not there, a relative path for Send securely and the subject access
// export (refused before the check page shows it), the handover folder
// checked at the wizard's step 2 by the rules of its step 3, and
// Casevault's settings folder named by its full path.
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { dispatch } from '../../engine/transport/dispatch.js';
import { makeVault } from '../helpers/vault.js';

test('a box left empty says so, not "invalid arguments"; an empty path is not called a path that is not full', async () => {
  const v = await makeVault({ unlocked: true });
  const r = await dispatch(v.engine, 'attachBackupFolder', { dir: '' });
  assert.deepEqual(r, { ok: false, error: { kind: 'usage', message: 'a box that needs a path or text was left empty; fill it in, then try again' } });
  await assert.rejects(v.engine.moveCloud({ to: { kind: 'folder', dir: '  ' } }), {
    kind: 'usage',
    message: /^no new cloud folder was given; type its full path, such as /,
  });
});

test('the recovery kit saved onto a folder, or into a folder that is not there, is told so', async () => {
  const v = await makeVault({ unlocked: true });
  const usb = join(v.root, 'usb-stick');
  await mkdir(usb);
  await assert.rejects(v.engine.saveRecoveryKit({ kit: 'vault', recoveryKey: v.recoveryKey, to: usb }), {
    kind: 'usage',
    message: `${usb} is a folder; give the full path of a new file in it, such as ${join(usb, 'Casevault recovery kit.txt')}`,
  });
  const nowhere = join(v.root, 'not-there', 'kit.txt');
  await assert.rejects(v.engine.saveRecoveryKit({ kit: 'vault', recoveryKey: v.recoveryKey, to: nowhere }), {
    kind: 'usage',
    message: `there is no folder ${join(v.root, 'not-there')} to save the recovery kit in; choose a folder that is there (a USB stick, for instance)`,
  });
  await assert.rejects(v.engine.saveRecoveryKit({ kit: 'vault', recoveryKey: v.recoveryKey, to: join(v.home, 'kit.txt') }), {
    message: new RegExp(`inside Casevault's own settings folder \\(beside the vault's key file\\), ${v.home}:`),
  });
  assert.deepEqual(await readdir(usb), []);
});

test('Send securely and the subject access export refuse a relative path; the export names the full path it will write', async () => {
  const v = await makeVault({ files: { 'letter.txt': 'Dear member' }, unlocked: true });
  await assert.rejects(v.engine.sendFiles({ paths: ['letter.txt'], out: 'relative.html' }), { kind: 'usage', message: /^"relative.html" is not a full path/ });
  await assert.rejects(v.engine.sarDestination({ zip: true, to: 'relative.zip' }), { kind: 'usage', message: /^"relative.zip" is not a full path/ });
  const to = join(v.root, 'export.zip');
  assert.deepEqual(await v.engine.sarDestination({ zip: true, to }), { to });
});

test("the handover folder is checked before the wizard goes on, by the copy's own rules; nothing is written", async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true });
  await writeFile(join(v.root, 'a file'), 'x');
  await assert.rejects(v.engine.handoverFolderCheck({ to: 'relative' }), { kind: 'usage', message: /is not a full path/ });
  await assert.rejects(v.engine.handoverFolderCheck({ to: join(v.root, 'a file') }), { kind: 'usage', message: /exists and is not a folder/ });
  await assert.rejects(v.engine.handoverFolderCheck({ to: join(v.cloud, 'copy') }), { kind: 'usage', message: /must be separate/ });
  await assert.rejects(v.engine.handoverFolderCheck({ to: join(v.home, 'copy') }), { message: new RegExp(`Casevault's settings folder \\(${v.home}\\)`) });
  await assert.rejects(v.engine.handoverFolderCheck({ to: v.root }), { kind: 'usage', message: /must be separate/ });
  const usb = join(v.root, 'handover');
  assert.deepEqual(await v.engine.handoverFolderCheck({ to: usb }), { ok: true });
  await assert.rejects(readdir(usb), { code: 'ENOENT' }, 'nothing made');
});

test('a restore into a path that is a file says so, not "something unexpected went wrong"', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, backedUp: true, unlocked: true });
  const file = join(v.root, 'a file');
  await writeFile(file, 'x');
  await assert.rejects(v.engine.restoreBackup({ to: file }), { kind: 'usage', message: /is a file, not a folder; choose a folder/ });
});
