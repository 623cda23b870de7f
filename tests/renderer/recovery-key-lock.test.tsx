// The header's lock indicator and the recovery key card, in a page
// (happy-dom) over a fake transport: Locked/Unlocked follows the engine's
// `lock` event and says why it locked by itself; Unlock opens the unlock
// form; replacing the recovery key asks first, shows the new words
// numbered, names a wrong word typed back, saves the kit as a file, and only
// the engine's confirmation closes it; results appear beside the buttons.
import { bridge, calls, emit, failure } from './dom.js';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { keyWords } from '../../contract/index.js';
import { LockIndicator, useLockState } from '../../renderer/src/LockState.js';
import { NewKeyContext, type NewKey } from '../../renderer/src/nav.js';
import { Settings } from '../../renderer/src/Settings.js';
import { PASSPHRASE } from '../helpers/cli.js';

afterEach(cleanup);

const WORDS =
  'abandon ability able about above absent absorb abstract absurd abuse access accident account accuse achieve acid acoustic acquire across act action actor actress actual adapt add addict';

function Header() {
  const [state, refresh] = useLockState();
  return state ? <LockIndicator state={state} refresh={refresh} /> : null;
}

test('lock indicator: Locked with Unlock, which opens the unlock form; Unlocked with Lock; a lock by itself says why', async () => {
  let locked = true;
  bridge({
    lockState: () => ({ locked, autoLocked: null }),
    unlock: (p) => (p.passphrase === PASSPHRASE ? ((locked = false), { unlocked: true as const }) : failure('wrong-secret', 'the passphrase is wrong')),
    lock: () => ((locked = true), { unlocked: false as const }),
  });
  render(<Header />);
  assert.equal((await screen.findByTestId('lock-state')).textContent, 'Locked');
  fireEvent.click(screen.getByRole('button', { name: 'Unlock' }));
  const form = within(await screen.findByRole('form', { name: 'Unlock the vault' }));
  fireEvent.change(form.getByLabelText('Passphrase'), { target: { value: PASSPHRASE } });
  fireEvent.click(form.getByRole('button', { name: 'Unlock' }));
  await waitFor(() => assert.equal(screen.getByTestId('lock-state').textContent, 'Unlocked'));
  assert.equal(screen.queryByRole('form', { name: 'Unlock the vault' }), null, 'the form closes once unlocked');

  fireEvent.click(screen.getByRole('button', { name: 'Lock' }));
  await waitFor(() => assert.equal(screen.getByTestId('lock-state').textContent, 'Locked'));
  assert.equal(screen.queryByTestId('auto-locked'), null, "the person's own Lock needs no reason");

  act(() => emit('lock', { locked: false, autoLocked: null }));
  screen.getByRole('button', { name: 'Lock' });
  act(() => emit('lock', { locked: true, autoLocked: { by: 'idle', minutes: 15, at: '2026-12-05T10:00:00.000Z' } }));
  assert.equal(screen.getByTestId('lock-state').textContent, 'Locked');
  assert.equal(screen.getByTestId('auto-locked').textContent, 'Locked after 15 minutes without use');
  assert.deepEqual(
    calls.map((c) => c.method).filter((m) => m !== 'lockState'),
    ['unlock', 'lock'],
  );
});

function SettingsPage() {
  const [key, hold] = useState<NewKey | undefined>();
  return (
    <NewKeyContext.Provider value={{ key, hold }}>
      <Settings />
    </NewKeyContext.Provider>
  );
}

test('a new recovery key: asked first, shown numbered, saved as a kit, a wrong word named, and done only once the engine confirms it', async () => {
  bridge({
    status: () => failure('failed', 'not needed here'),
    settings: () => failure('failed', 'not needed here'),
    newRecoveryKey: () => ({ recoveryKey: WORDS.replace(/(\w+ \w+ \w+) /g, '$1 - '), id: 'key-1' }),
    recoveryKeyState: () => ({ id: 'key-1' }),
    recoveryKitFacts: () => ({
      kind: 'vault' as const,
      vaultName: 'Cases',
      cloud: { kind: 'folder' as const, dir: '/home/a/Dropbox/Casevault' },
      date: '5 December 2026',
    }),
    saveRecoveryKit: (p) => ({ path: String(p.to) }),
    confirmRecoveryKey: (p) => (keyWords(String(p.recoveryKey)).join(' ') === WORDS ? { confirmed: true as const } : failure('wrong-secret', 'no')),
  });
  render(<SettingsPage />);
  const card = within((await screen.findByRole('heading', { name: 'Recovery key' })).closest('section')!);
  fireEvent.click(card.getByRole('button', { name: 'Make a new recovery key…' }));
  card.getByText(/stops working as soon as a new one is made/);
  fireEvent.click(card.getByRole('button', { name: 'Cancel' }));
  assert.equal(
    calls.some((c) => c.method === 'newRecoveryKey'),
    false,
    'nothing replaced without the yes',
  );
  fireEvent.click(card.getByRole('button', { name: 'Make a new recovery key…' }));
  fireEvent.click(card.getByRole('button', { name: 'Yes, make a new recovery key' }));

  const shown = await screen.findByTestId('new-recovery-key');
  assert.equal(keyWords(shown.textContent ?? '').join(' '), WORDS);
  assert.equal(within(shown).getAllByRole('listitem').length, 9, 'three words to a group');
  assert.match(shown.textContent ?? '', /^1 abandon2 ability3 able4 about/);

  const save = within(screen.getByRole('form', { name: 'Save the recovery kit as a file' }));
  fireEvent.change(save.getByLabelText(/^Save the recovery kit as a file/), { target: { value: '/media/a/USB/kit.txt' } });
  fireEvent.click(save.getByRole('button', { name: 'Save as a file' }));
  assert.match((await save.findByRole('status')).textContent ?? '', /^Saved as \/media\/a\/USB\/kit\.txt\./, 'beside the button');
  assert.equal(calls.find((c) => c.method === 'saveRecoveryKit')?.params.kit, 'vault');

  const typeBack = within(screen.getByRole('form', { name: 'Type the recovery key back' }));
  fireEvent.change(typeBack.getByLabelText(/^To check you have it/), { target: { value: WORDS.replace('absorb', 'absurd') } });
  fireEvent.click(typeBack.getByRole('button', { name: 'I have saved it: done' }));
  assert.equal((await typeBack.findByRole('alert')).textContent, 'Word 7 is not the one shown.');
  assert.equal(
    calls.some((c) => c.method === 'confirmRecoveryKey'),
    false,
  );
  fireEvent.change(typeBack.getByLabelText(/^To check you have it/), { target: { value: WORDS } });
  fireEvent.click(typeBack.getByRole('button', { name: 'I have saved it: done' }));
  await screen.findByText('The new recovery key is saved and checked. The old one no longer opens the vault.');
  assert.equal(screen.queryByTestId('new-recovery-key'), null, 'gone once confirmed');
});
