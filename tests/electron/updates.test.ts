// The update decisions (electron/updates.ts): the feed's address, which
// installs can update themselves, and when the restart is offered and made:
// never while files wait to go up (a real vault's status) or the keys are
// being rotated.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkUpdateFeed, updateKind, updateQuestion, updateStep, whenIdle, type UpdateGate } from '../../electron/updates.js';
import { tempDir } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';

test('the feed is an https folder address (or http on this computer, to try one out); anything else is refused with a sentence', () => {
  assert.equal(checkUpdateFeed('https://updates.union.example/casevault'), 'https://updates.union.example/casevault/');
  assert.equal(checkUpdateFeed('http://127.0.0.1:8080/feed/'), 'http://127.0.0.1:8080/feed/');
  assert.throws(() => checkUpdateFeed('http://updates.union.example/'), /must be an https:\/\/ address/);
  assert.throws(() => checkUpdateFeed('ftp://updates.union.example/'), /https/);
  assert.throws(() => checkUpdateFeed('https://it:secret@updates.union.example/'), /user name or password/);
  assert.throws(() => checkUpdateFeed('https://updates.union.example/?channel=x'), /folder/);
  assert.throws(() => checkUpdateFeed('updates.union.example'), /not a web address/);
});

test('only installs built with a feed update themselves: on Windows only a signed build, on Linux only the .deb and the AppImage', async () => {
  const resources = await tempDir('resources');
  assert.equal(updateKind('win32', {}, resources), undefined, 'built with no feed');
  await writeFile(join(resources, 'app-update.yml'), 'provider: generic\nurl: https://updates.union.example/\n');
  assert.equal(updateKind('win32', {}, resources), undefined, 'an unsigned Windows build: no publisher to check the next installer against');
  await writeFile(join(resources, 'app-update.yml'), 'provider: generic\nurl: https://updates.union.example/\npublisherName:\n  - Example Union\n');
  assert.equal(updateKind('win32', {}, resources), 'windows');
  assert.equal(updateKind('darwin', {}, resources), 'mac');
  assert.equal(updateKind('linux', {}, resources), undefined, 'a tar.gz: replaced by hand');
  assert.equal(updateKind('linux', { APPIMAGE: '/home/ann/Casevault.AppImage' }, resources), 'appimage');
  await writeFile(join(resources, 'package-type'), 'deb');
  assert.equal(updateKind('linux', {}, resources), 'deb');
  await writeFile(join(resources, 'package-type'), 'rpm');
  assert.equal(updateKind('linux', {}, resources), undefined);
});

test('the restart waits while files wait to go up, and is offered once the sync pass has put them in the cloud', async () => {
  const { engine, vault } = await makeVault();
  assert.equal(updateStep(await engine.status()), 'offer');
  await writeFile(join(vault, 'letter.txt'), 'Dear member');
  assert.equal(updateStep(await engine.status()), 'wait', 'a new file waits to go up');
  let pauses = 0;
  await whenIdle(
    () => engine.status(),
    async () => {
      pauses++;
      await engine.sync();
    },
  );
  assert.equal(pauses, 1, 'asked again after the pass, then offered');
  assert.equal(updateStep(await engine.status()), 'offer');
  assert.equal(updateStep(undefined), 'offer', 'no vault yet: nothing to wait for');
});

test('never during a key rotation; failed files or an unreachable cloud do not hold it back', () => {
  const idle: UpdateGate = { files: { pending: 0, failed: 0 }, pendingDeletions: 0, live: { watching: true, online: true }, keyRotation: 'none' };
  assert.equal(updateStep({ ...idle, keyRotation: 'running' }), 'wait');
  assert.equal(updateStep({ ...idle, keyRotation: 'interrupted' }), 'offer', 'an interrupted rotation is finished by the person, after the restart as before');
  assert.equal(updateStep({ ...idle, pendingDeletions: 1 }), 'wait');
  assert.equal(updateStep({ ...idle, files: { pending: 0, failed: 2 } }), 'offer');
  assert.equal(updateStep({ ...idle, live: { watching: true, online: false } }), 'offer');
});

test('the question says what a restart does and what Later means', () => {
  const q = updateQuestion('0.2.0', 'deb');
  assert.equal(q.message, 'An update is ready: Casevault 0.2.0.');
  assert.deepEqual(q.buttons, ['Restart now', 'Later']);
  assert.equal(q.cancelId, 1);
  assert.match(q.detail, /stops syncing, locks the vault/);
  assert.match(q.detail, /administrator password/);
  assert.doesNotMatch(updateQuestion('0.2.0', 'windows').detail, /administrator/);
});
