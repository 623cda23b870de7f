// The lost-computer card in a page (happy-dom), over a fake transport: the
// two passphrases checked before anything is sent, the unlock asked for,
// progress while the cloud copy is re-encrypted, the new recovery key typed
// back before Done, and an interrupted rotation finished with the new
// passphrase alone.
import { bridge, calls, emit, failure } from './dom.js';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ApiResult } from '../../engine/api.js';
import { passphraseStrength } from '../../engine/passphrase.js';
import { RotateKeys } from '../../renderer/src/RotateKeys.js';

afterEach(cleanup);

const WORDS = 'abandon ability able about above absent absorb abstract absurd abuse access accident account accuse achieve acid acoustic acquire across act action actor actress actual adapt add addict';
const NEW = 'copper lantern meadow quietly ninety';
const type = (label: RegExp | string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

function status(keyRotation: 'none' | 'interrupted', cloud = 'folder /home/a/Dropbox/Casevault'): ApiResult<'status'> {
  return {
    vaultDir: '/home/a/Cases', cloud, locked: true, files: { total: 3, synced: 3, pending: 0, failed: 0 }, pendingDeletions: 0, failures: [], conflicts: [],
    lastSync: null, pendingFiles: [], live: { watching: false }, lastBackup: null, nextBackup: null, backupOverdue: false, accessReviewDue: false, keyRotation,
  };
}

test('rotate keys: two different passphrases are refused before anything is sent; then unlock, progress, and the new key typed back before Done', async () => {
  let unlocked = false;
  let answer: (r: ApiResult<'rotateKeys'>) => void = () => {};
  bridge({
    status: () => status('none'),
    passphraseStrength: (p) => passphraseStrength(String(p.passphrase)),
    unlock: (p) => (p.passphrase === 'old passphrase here' ? ((unlocked = true), { unlocked: true as const }) : failure('WrongSecret', 'the passphrase is wrong')),
    rotateKeys: () => (unlocked ? new Promise((ok) => (answer = ok)) : failure('Locked', 'the vault is locked')),
  });
  render(<RotateKeys />);
  await screen.findByText(/lost or stolen, rotate the keys here/);
  assert.equal(screen.queryByText(/Connected apps/), null, 'the Dropbox advice is for Dropbox vaults only');
  fireEvent.click(screen.getByRole('button', { name: 'Rotate keys…' }));
  type(/^New passphrase/, NEW);
  type('Type the new passphrase again', `${NEW}s`);
  await screen.findByText(/^(Good|Strong)$/);
  fireEvent.click(screen.getByRole('button', { name: 'Rotate keys now' }));
  assert.equal((await screen.findByRole('alert')).textContent, 'The two passphrases are different.');
  assert.equal(calls.filter((c) => c.method === 'rotateKeys').length, 0, 'nothing sent');

  type('Type the new passphrase again', NEW);
  fireEvent.click(screen.getByRole('button', { name: 'Rotate keys now' }));
  const prompt = within(await screen.findByRole('form', { name: 'Unlock the vault' }));
  prompt.getByText('Rotating the keys needs the current passphrase (or the recovery key) first.');
  assert.equal(screen.queryByRole('status'), null, 'no progress while waiting for the unlock');
  fireEvent.change(prompt.getByLabelText('Passphrase'), { target: { value: 'old passphrase here' } });
  fireEvent.click(prompt.getByRole('button', { name: 'Unlock' }));
  await screen.findByText('Making the new keys…');
  assert.deepEqual(calls.filter((c) => c.method === 'rotateKeys').map((c) => c.params), [{ newPassphrase: NEW }, { newPassphrase: NEW }], 'sent again once unlocked');

  act(() => emit('progress', { task: 'rotate', filesDone: 1, filesTotal: 3, bytesDone: 0, bytesTotal: 0 }));
  act(() => emit('progress', { task: 'sync', filesDone: 9, filesTotal: 10, bytesDone: 0, bytesTotal: 0 }));
  assert.equal(screen.getByRole('status').textContent, 'Re-encrypting the cloud copy: 1 of 3', 'a sync\'s progress is not the rotation\'s');
  assert.equal(screen.getByRole<HTMLProgressElement>('progressbar').value, 1);
  screen.getByText(/^Stay on this screen: the new recovery key is shown here, once/);

  await act(async () => answer({ recoveryKey: WORDS, reencrypted: 2, failed: [{ object: 'objects/ab/cd', reason: 'the object is damaged' }], backups: 'later' }));
  assert.equal((await screen.findByTestId('rotated-recovery-key')).textContent, WORDS);
  screen.getByText('In the cloud copy, 2 items were re-encrypted; 1 item could not be read and was left as it was (your backups may hold that file).');
  screen.getByText(/^The backup drive was not connected: it moves to the new keys at the next backup/);
  const done = screen.getByRole<HTMLButtonElement>('button', { name: 'Done' });
  assert.equal(done.disabled, true);
  type(/^To check you have it/, WORDS.replace('acid', 'acorn'));
  assert.equal(done.disabled, true, 'one word wrong');
  type(/^To check you have it/, WORDS.replace(/ /g, '\n'));
  assert.equal(done.disabled, false);
  fireEvent.click(done);
  assert.equal(screen.queryByTestId('rotated-recovery-key'), null, 'the key is gone once done');
  screen.getByText(/^Done: this computer uses the new keys/);
  screen.getByRole('button', { name: 'Rotate keys…' });
});

test('rotate keys: for a Dropbox vault, the card says to disconnect Casevault in Dropbox and reconnect here', async () => {
  bridge({ status: () => status('none', 'Dropbox (app folder)') });
  render(<RotateKeys />);
  await screen.findByText(/in Dropbox's settings on the web \(Connected apps\), disconnect Casevault/);
});

test('an interrupted rotation: a banner, one field for the new passphrase chosen then, a wrong one refused, no unlock needed', async () => {
  let interrupted = true;
  bridge({
    status: () => status(interrupted ? 'interrupted' : 'none'),
    rotateKeys: (p) => {
      if (p.newPassphrase !== NEW) return failure('WrongSecret', 'a key rotation was started on this computer and not finished: type the new passphrase chosen then to finish it');
      interrupted = false;
      return { recoveryKey: WORDS, reencrypted: 3, failed: [], backups: 'none' };
    },
  });
  render(<RotateKeys />);
  const banner = await screen.findByRole('alert');
  assert.match(banner.textContent ?? '', /^A key rotation on this computer did not finish\./);
  const form = within(screen.getByRole('form', { name: 'Finish rotating keys' }));
  assert.equal(form.getAllByLabelText(/passphrase/i).length, 1, 'one field');
  assert.equal(screen.queryByRole('button', { name: 'Rotate keys…' }), null, 'no fresh rotation until this one is finished');

  fireEvent.change(form.getByLabelText('The new passphrase chosen then'), { target: { value: 'the old one' } });
  fireEvent.click(form.getByRole('button', { name: 'Finish rotating keys' }));
  await screen.findByText('A key rotation was started on this computer and not finished: type the new passphrase chosen then to finish it.');

  fireEvent.change(form.getByLabelText('The new passphrase chosen then'), { target: { value: NEW } });
  fireEvent.click(form.getByRole('button', { name: 'Finish rotating keys' }));
  assert.equal((await screen.findByTestId('rotated-recovery-key')).textContent, WORDS);
  screen.getByText('In the cloud copy, 3 items were re-encrypted and none failed.');
  screen.getByText('There are no backups yet, so nothing there needed changing.');
  assert.deepEqual(calls.map((c) => c.method).filter((m) => m !== 'status'), ['rotateKeys', 'rotateKeys'], 'no unlock');

  type(/^To check you have it/, WORDS);
  fireEvent.click(screen.getByRole('button', { name: 'Done' }));
  await waitFor(() => assert.equal(screen.queryByText(/did not finish/), null));
  screen.getByRole('button', { name: 'Rotate keys…' });
});
