// The lost-computer card in a page (happy-dom), over a fake transport: the
// two passphrases checked before anything is sent, the unlock asked for, the
// new keys made (rotateKeys) and their recovery key typed back before the
// cloud copy is re-encrypted (finishKeyRotation) with progress, and an
// interrupted rotation finished with the new passphrase alone. The key
// typed back is confirmed by the engine (confirmRecoveryKey) before the
// re-encryption starts.
import { bridge, calls, emit, failure } from './dom.js';
import assert from 'node:assert/strict';
import { afterEach, mock, test } from 'node:test';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { passphraseStrength } from '../../engine/keys/passphrase.js';
import { RotateKeys } from '../../renderer/src/RotateKeys.js';
import { keyWords, type ApiResult } from '../../contract/index.js';

afterEach(() => {
  cleanup();
  mock.timers.reset();
});

const WORDS =
  'abandon ability able about above absent absorb abstract absurd abuse access accident account accuse achieve acid acoustic acquire across act action actor actress actual adapt add addict';
const NEW = 'copper lantern meadow quietly ninety';
const SAVED = 'I have saved it: re-encrypt the cloud copy';
const type = (label: RegExp | string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
const sent = () => calls.map((c) => c.method).filter((m) => m !== 'status' && m !== 'recoveryKitFacts');
/** The words on screen, without their numbers. */
const shownWords = async (testId: string) => keyWords((await screen.findByTestId(testId)).textContent ?? '').join(' ');
const confirmRecoveryKey = (p: Record<string, unknown>) =>
  keyWords(String(p.recoveryKey)).join(' ') === WORDS ? { confirmed: true as const } : failure('wrong-secret', 'no');

function status(keyRotation: ApiResult<'status'>['keyRotation'], cloud = 'folder /home/a/Dropbox/Casevault'): ApiResult<'status'> {
  return {
    vaultDir: '/home/a/Cases',
    settingsFolder: '/home/a/.config/Casevault',
    cloud,
    locked: true,
    files: { total: 3, synced: 3, pending: 0, failed: 0 },
    cloudListedNow: true,
    pendingDeletions: 0,
    failures: [],
    conflicts: [],
    lastSync: null,
    pendingFiles: [],
    live: { watching: false },
    lastBackup: null,
    nextBackup: null,
    backupOverdue: false,
    accessReviewDue: false,
    keyRotation,
    health: [],
  };
}

/** An answer the test gives when it chooses. */
function later<T>() {
  let answer: (v: T) => void = () => {};
  const promise = new Promise<T>((ok) => (answer = ok));
  return { promise, answer: (v: T) => act(async () => answer(v)) };
}

test('rotate keys: two different passphrases are refused before anything is sent; then unlock, the new key typed back, and only then the re-encryption, with progress', async () => {
  let unlocked = false;
  const switched = later<ApiResult<'rotateKeys'>>();
  const finished = later<ApiResult<'finishKeyRotation'>>();
  bridge({
    status: () => status('none'),
    passphraseStrength: (p) => passphraseStrength(String(p.passphrase)),
    unlock: (p) =>
      p.passphrase === 'old passphrase here' ? ((unlocked = true), { unlocked: true as const }) : failure('wrong-secret', 'the passphrase is wrong'),
    rotateKeys: () => (unlocked ? switched.promise : failure('locked', 'the vault is locked', 'unlock')),
    finishKeyRotation: () => (unlocked ? finished.promise : failure('locked', 'the vault is locked', 'unlock')),
    confirmRecoveryKey,
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
  assert.deepEqual(
    sent().filter((m) => m !== 'passphraseStrength'),
    [],
    'nothing sent',
  );

  type('Type the new passphrase again', NEW);
  fireEvent.click(screen.getByRole('button', { name: 'Rotate keys now' }));
  const prompt = within(await screen.findByRole('form', { name: 'Unlock the vault' }));
  prompt.getByText('Rotating the keys needs the current passphrase (or the recovery key) first.');
  assert.equal(screen.queryByRole('status'), null, 'no progress while waiting for the unlock');
  fireEvent.change(prompt.getByLabelText('Passphrase'), { target: { value: 'old passphrase here' } });
  fireEvent.click(prompt.getByRole('button', { name: 'Unlock' }));
  assert.equal((await screen.findByRole('status')).textContent, 'Making the new keys…');
  assert.deepEqual(
    calls.filter((c) => c.method === 'rotateKeys').map((c) => c.params),
    [{ newPassphrase: NEW }, { newPassphrase: NEW }],
    'sent again once unlocked',
  );

  await switched.answer({ recoveryKey: WORDS, backups: 'later' });
  assert.equal(await shownWords('rotated-recovery-key'), WORDS);
  screen.getByText('The vault has new keys. The old passphrase and the old recovery key no longer open it.');
  const saved = screen.getByRole<HTMLButtonElement>('button', { name: SAVED });
  type(/^To check you have it/, WORDS.replace('acid', 'acorn'));
  fireEvent.click(saved);
  assert.equal((await screen.findByRole('alert')).textContent, 'Word 16 is not the one shown.');
  assert.equal(sent().includes('finishKeyRotation'), false, 'nothing re-encrypted while the key is on screen');
  type(/^To check you have it/, WORDS.replace(/ /g, '\n'));
  fireEvent.click(saved);
  await waitFor(() => assert.equal(screen.queryByTestId('rotated-recovery-key'), null, 'the key is gone once saved'));
  assert.equal((await screen.findByRole('status')).textContent, 'Re-encrypting the cloud copy…');
  screen.getByText(/^This carries on if you leave this screen/);
  assert.deepEqual(
    calls.filter((c) => c.method === 'finishKeyRotation').map((c) => c.params),
    [{}],
  );

  act(() => emit('progress', { task: 'rotate', filesDone: 1, filesTotal: 3, bytesDone: 0, bytesTotal: 0 }));
  act(() => emit('progress', { task: 'sync', filesDone: 9, filesTotal: 10, bytesDone: 0, bytesTotal: 0 }));
  assert.equal(screen.getByRole('status').textContent, 'Re-encrypting the cloud copy: 1 of 3', "a sync's progress is not the rotation's");
  assert.equal(screen.getByRole<HTMLProgressElement>('progressbar').value, 1);
  assert.equal(screen.getByRole<HTMLButtonElement>('button', { name: 'Rotate keys…' }).disabled, true, 'no second rotation meanwhile');

  await finished.answer({ reencrypted: 2, failed: [{ object: 'objects/ab/cd', reason: 'the object is damaged' }], reuploaded: 0 });
  const done = await screen.findByRole('status');
  assert.deepEqual(
    [...done.querySelectorAll('p')].map((p) => p.textContent),
    [
      'Done: this computer uses the new keys and the new passphrase from now on.',
      'In the cloud copy, 2 items were re-encrypted; 1 item could not be read and was left as it was (your backups may hold that file).',
      'The backup drive was not connected: it moves to the new keys at the next backup, and its older backups stay readable on this computer.',
    ],
  );
  assert.equal(screen.queryByRole('progressbar'), null);
  assert.equal(screen.getByRole<HTMLButtonElement>('button', { name: 'Rotate keys…' }).disabled, false);
  assert.deepEqual(
    sent().filter((m) => m !== 'passphraseStrength'),
    ['rotateKeys', 'unlock', 'rotateKeys', 'confirmRecoveryKey', 'finishKeyRotation'],
    'one unlock for both steps',
  );
});

test('rotate keys: if the vault was locked while the new key was on screen, the re-encryption asks for the new passphrase and goes on', async () => {
  let unlocked = true;
  bridge({
    status: () => status('none'),
    passphraseStrength: (p) => passphraseStrength(String(p.passphrase)),
    unlock: (p) => (p.passphrase === NEW ? ((unlocked = true), { unlocked: true as const }) : failure('wrong-secret', 'the passphrase is wrong')),
    rotateKeys: () => ((unlocked = false), { recoveryKey: WORDS, backups: 'rewrapped' as const }), // and then the vault is locked (auto-lock, or Lock now)
    finishKeyRotation: () => (unlocked ? { reencrypted: 1, failed: [], reuploaded: 0 } : failure('locked', 'the vault is locked', 'unlock')),
    confirmRecoveryKey,
  });
  render(<RotateKeys />);
  fireEvent.click(await screen.findByRole('button', { name: 'Rotate keys…' }));
  type(/^New passphrase/, NEW);
  type('Type the new passphrase again', NEW);
  fireEvent.click(screen.getByRole('button', { name: 'Rotate keys now' }));
  await screen.findByTestId('rotated-recovery-key');
  type(/^To check you have it/, WORDS);
  fireEvent.click(screen.getByRole('button', { name: SAVED }));
  const prompt = within(await screen.findByRole('form', { name: 'Unlock the vault' }));
  prompt.getByText('Finishing the rotation needs the new passphrase.');
  fireEvent.change(prompt.getByLabelText('Passphrase'), { target: { value: NEW } });
  fireEvent.click(prompt.getByRole('button', { name: 'Unlock' }));
  await screen.findByText('In the cloud copy, 1 item was re-encrypted and none failed.');
  screen.getByText('The backup folder now opens with the new keys, and its older backups stay readable on this computer.');
  assert.deepEqual(
    sent().filter((m) => m !== 'passphraseStrength'),
    ['rotateKeys', 'confirmRecoveryKey', 'finishKeyRotation', 'unlock', 'finishKeyRotation'],
  );
});

test('rotate keys: for a Dropbox vault, the card says to disconnect Casevault in Dropbox and reconnect here', async () => {
  bridge({ status: () => status('none', 'Dropbox (app folder)') });
  render(<RotateKeys />);
  await screen.findByText(/in Dropbox's settings on the web \(Connected apps\), disconnect Casevault/);
});

test('an interrupted rotation: a banner, the new passphrase chosen then (typed twice), a wrong one refused, no unlock needed', async () => {
  let interrupted = true;
  let unlocked = false;
  bridge({
    status: () => status(interrupted ? 'interrupted' : 'none'),
    rotateKeys: (p) => {
      if (p.newPassphrase !== NEW)
        return failure(
          'wrong-secret',
          'a key rotation was started on this computer and not finished: type the new passphrase chosen then to finish it (if it is forgotten and this computer never switched to the new keys, unlock with the current passphrase and choose again)',
        );
      unlocked = true; // as the engine is, with the new keys
      return { recoveryKey: WORDS, backups: 'none' };
    },
    finishKeyRotation: () => {
      if (!unlocked) return failure('locked', 'the vault is locked', 'unlock');
      interrupted = false;
      return { reencrypted: 3, failed: [], reuploaded: 0 };
    },
    confirmRecoveryKey,
  });
  render(<RotateKeys />);
  const banner = await screen.findByRole('alert');
  assert.match(banner.textContent ?? '', /^A key rotation on this computer did not finish\./);
  const form = within(screen.getByRole('form', { name: 'Finish rotating keys' }));
  assert.equal(
    form.getAllByLabelText(/passphrase chosen then|Type it again/).length,
    2,
    'the passphrase, typed twice (a new choice, if it was forgotten, must not rest on one typing)',
  );
  fireEvent.change(form.getByLabelText('The new passphrase chosen then'), { target: { value: NEW } });
  fireEvent.change(form.getByLabelText('Type it again'), { target: { value: `${NEW}x` } });
  fireEvent.click(form.getByRole('button', { name: 'Finish rotating keys' }));
  await screen.findByText('The two passphrases are different.');
  assert.equal(calls.filter((c) => c.method === 'rotateKeys').length, 0, 'nothing sent');
  assert.equal(screen.queryByRole('button', { name: 'Rotate keys…' }), null, 'no fresh rotation until this one is finished');

  fireEvent.change(form.getByLabelText('The new passphrase chosen then'), { target: { value: 'the old one' } });

  fireEvent.change(form.getByLabelText('Type it again'), { target: { value: 'the old one' } });
  fireEvent.click(form.getByRole('button', { name: 'Finish rotating keys' }));
  await screen.findByText(
    'A key rotation was started on this computer and not finished: type the new passphrase chosen then to finish it (if it is forgotten and this computer never switched to the new keys, unlock with the current passphrase and choose again).',
  );
  screen.getByRole('form', { name: 'Finish rotating keys' });

  fireEvent.change(form.getByLabelText('The new passphrase chosen then'), { target: { value: NEW } });

  fireEvent.change(form.getByLabelText('Type it again'), { target: { value: NEW } });
  fireEvent.click(form.getByRole('button', { name: 'Finish rotating keys' }));
  assert.equal(await shownWords('rotated-recovery-key'), WORDS, 'a key never shown is shown now');
  type(/^To check you have it/, WORDS);
  fireEvent.click(screen.getByRole('button', { name: SAVED }));
  await screen.findByText('In the cloud copy, 3 items were re-encrypted and none failed.');
  screen.getByText(/^Done: this computer uses the new keys/);
  screen.getByText('There are no backups yet, so nothing there needed changing.');
  assert.deepEqual(sent(), ['rotateKeys', 'rotateKeys', 'confirmRecoveryKey', 'finishKeyRotation'], 'no unlock');
  await waitFor(() => assert.equal(screen.queryByText(/did not finish/), null));
  screen.getByRole('button', { name: 'Rotate keys…' });
});

test('an interrupted rotation whose new key was shown already goes straight on to the re-encryption, with no key card', async () => {
  const finished = later<ApiResult<'finishKeyRotation'>>();
  let interrupted = true;
  bridge({
    status: () => status(interrupted ? 'interrupted' : 'none'),
    rotateKeys: () => ({ recoveryKey: null, backups: 'rewrapped' }),
    finishKeyRotation: () => finished.promise.then((r) => ((interrupted = false), r)),
  });
  render(<RotateKeys />);
  const form = within(await screen.findByRole('form', { name: 'Finish rotating keys' }));
  fireEvent.change(form.getByLabelText('The new passphrase chosen then'), { target: { value: NEW } });
  fireEvent.change(form.getByLabelText('Type it again'), { target: { value: NEW } });
  fireEvent.click(form.getByRole('button', { name: 'Finish rotating keys' }));
  await screen.findByText('Re-encrypting the cloud copy…');
  assert.equal(screen.queryByTestId('rotated-recovery-key'), null, 'no key to save');
  assert.equal(screen.queryByRole('form', { name: 'Finish rotating keys' }), null, 'the banner gives way to the progress');
  act(() => emit('progress', { task: 'rotate', filesDone: 2, filesTotal: 5, bytesDone: 0, bytesTotal: 0 }));
  assert.equal(screen.getByRole('status').textContent, 'Re-encrypting the cloud copy: 2 of 5');

  await finished.answer({ reencrypted: 5, failed: [], reuploaded: 0 });
  await screen.findByText('In the cloud copy, 5 items were re-encrypted and none failed.');
  screen.getByText('The backup folder now opens with the new keys, and its older backups stay readable on this computer.');
  assert.deepEqual(sent(), ['rotateKeys', 'finishKeyRotation']);
  await waitFor(() => assert.equal(screen.queryByText(/did not finish/), null));
});

test('a re-encryption already running (started before this screen was opened) is said so, with nothing to press', async () => {
  bridge({ status: () => status('running') });
  render(<RotateKeys />);
  assert.equal(
    (await screen.findByRole('status')).textContent,
    'The cloud copy is being re-encrypted with the new keys. Keep the computer on until it is done.',
  );
  assert.equal(screen.queryByRole('button'), null);
  assert.equal(screen.queryByRole('form'), null);
});

test('a re-encryption running in the background is watched with keyRotation() every 3 seconds, not a walk of the vault; once it is done, the status again', async () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  let rotation: 'running' | 'none' = 'running';
  bridge({ status: () => status(rotation), keyRotation: () => rotation });
  render(<RotateKeys />);
  const settle = () => act(async () => {});
  for (let i = 0; i < 5; i++) await settle();
  screen.getByText('The cloud copy is being re-encrypted with the new keys. Keep the computer on until it is done.');
  const asked = (m: string) => calls.filter((c) => c.method === m).length;
  const statusAsks = asked('status');
  for (let i = 0; i < 3; i++) {
    await act(async () => mock.timers.tick(3000));
    await settle();
  }
  assert.ok(asked('keyRotation') >= 3, 'asked every 3 seconds');
  assert.equal(asked('status'), statusAsks, 'no walk of the vault while it runs');
  rotation = 'none';
  await act(async () => mock.timers.tick(3000));
  for (let i = 0; i < 5; i++) await settle();
  assert.equal(asked('status'), statusAsks + 1, 'done: the status read again');
  assert.equal(screen.queryByText(/being re-encrypted/), null);
  const after = asked('keyRotation');
  await act(async () => mock.timers.tick(30_000));
  assert.equal(asked('keyRotation'), after, 'no more asks once it is done');
});
