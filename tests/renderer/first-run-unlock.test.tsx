// First run and the lock screen in a page (happy-dom), over a fake transport.
import { bridge, calls, failure } from './dom.js';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { passphraseStrength } from '../../engine/keys/passphrase.js';
import { FirstRun } from '../../renderer/src/FirstRun.js';
import { Unlock } from '../../renderer/src/Unlock.js';

afterEach(cleanup);

const WORDS =
  'abandon ability able about above absent absorb abstract absurd abuse access accident account accuse achieve acid acoustic acquire across act action actor actress actual adapt add addict';
const type = (label: RegExp | string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

test('first run: a weak passphrase is refused with the reason, and nothing goes on until the recovery key is typed back', async () => {
  bridge({
    passphraseStrength: (p) => passphraseStrength(String(p.passphrase)),
    init: async (p) => {
      const s = await passphraseStrength(String(p.passphrase));
      return s.ok ? { recoveryKey: WORDS } : failure('usage', `that passphrase is too weak: ${s.reason}`);
    },
    confirmRecoveryKey: () => ({ confirmed: true as const }),
  });
  let done = 0;
  render(<FirstRun onDone={() => done++} />);
  type(/^Vault folder/, '/home/a/Cases');
  type(/^Cloud folder/, '/home/a/Dropbox/Casevault');
  type(/^Passphrase \(four/, 'password123');
  type('Type the passphrase again', 'password123');
  fireEvent.click(screen.getByRole('button', { name: 'Create vault' }));
  const alert = await screen.findByRole('alert');
  assert.match(alert.textContent ?? '', /^That passphrase is too weak: .+\.$/);
  assert.equal(screen.queryByTestId('recovery-key'), null);

  type(/^Passphrase \(four/, 'copper lantern meadow quietly ninety');
  type('Type the passphrase again', 'copper lantern meadow quietly ninety');
  await screen.findByText(/^(Good|Strong)$/);
  fireEvent.click(screen.getByRole('button', { name: 'Create vault' }));
  assert.equal((await screen.findByTestId('recovery-key')).textContent, WORDS);
  assert.deepEqual(calls.filter((c) => c.method === 'init').at(-1)?.params, {
    vaultDir: '/home/a/Cases',
    cloud: { kind: 'folder', dir: '/home/a/Dropbox/Casevault' },
    passphrase: 'copper lantern meadow quietly ninety',
  });

  const proceed = screen.getByRole('button', { name: 'I have saved it: continue' }) as HTMLButtonElement;
  assert.equal(proceed.disabled, true);
  type(/^To check you have it/, WORDS.split(' ').slice(0, 26).join(' '));
  assert.equal(proceed.disabled, true, 'one word short');
  type(/^To check you have it/, WORDS.replace('acid', 'acorn'));
  assert.equal(proceed.disabled, true, 'one word wrong');
  type(/^To check you have it/, `  ${WORDS.toUpperCase().replace(/ /g, ' - ')}\n`);
  assert.equal(proceed.disabled, false, 'case, spacing and dashes do not matter');
  fireEvent.click(proceed);
  await waitFor(() => assert.equal(done, 1));
  assert.deepEqual(
    calls.filter((c) => c.method === 'confirmRecoveryKey').map((c) => c.params),
    [{ recoveryKey: WORDS }],
    'the key typed back is recorded, so the vault health does not ask for it again',
  );
});

test('unlock: a wrong passphrase says so plainly; "forgot" switches to the recovery key, which is sent as one', async () => {
  bridge({
    unlock: (p) => ('passphrase' in p ? failure('wrong-secret', 'the passphrase is wrong') : { unlocked: true as const }),
  });
  let unlocked = 0;
  render(<Unlock reason="Restoring needs the passphrase." onUnlocked={() => unlocked++} onCancel={() => {}} />);
  assert.equal(document.activeElement, screen.getByLabelText('Passphrase'), 'the prompt takes the keyboard');
  type('Passphrase', 'not it');
  fireEvent.click(screen.getByRole('button', { name: 'Unlock' }));
  assert.equal((await screen.findByRole('alert')).textContent, 'The passphrase is wrong.');
  assert.equal(unlocked, 0);

  fireEvent.click(screen.getByRole('button', { name: /Use the recovery key/ }));
  const key = screen.getByLabelText('Recovery key (the 27 words)');
  assert.equal(key.tagName, 'TEXTAREA');
  assert.equal((key as HTMLTextAreaElement).value, '', 'what was typed as a passphrase is not carried over');
  type('Recovery key (the 27 words)', WORDS);
  fireEvent.click(screen.getByRole('button', { name: 'Unlock' }));
  await waitFor(() => assert.equal(unlocked, 1));
  assert.deepEqual(calls.at(-1), { method: 'unlock', params: { recoveryKey: WORDS } });
  assert.ok(screen.getByRole('button', { name: 'Use the passphrase instead' }));
});
