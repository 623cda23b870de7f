// First run and the lock screen in a page (happy-dom), over a fake transport.
import { bridge, calls, failure } from './dom.js';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { keyWords } from '../../contract/index.js';
import { passphraseStrength } from '../../engine/keys/passphrase.js';
import { FirstRun } from '../../renderer/src/FirstRun.js';
import { Unlock } from '../../renderer/src/Unlock.js';

afterEach(cleanup);

const WORDS =
  'abandon ability able about above absent absorb abstract absurd abuse access accident account accuse achieve acid acoustic acquire across act action actor actress actual adapt add addict';
const type = (label: RegExp | string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

test('first run: a weak passphrase is refused with the reason, and nothing goes on until the recovery key is typed back and confirmed', async () => {
  bridge({
    confirmRecoveryKey: (p) => (keyWords(String(p.recoveryKey)).join(' ') === WORDS ? { confirmed: true as const } : failure('wrong-secret', 'no')),
    passphraseStrength: (p) => passphraseStrength(String(p.passphrase)),
    init: async (p) => {
      const s = await passphraseStrength(String(p.passphrase));
      return s.ok ? { recoveryKey: WORDS } : failure('usage', `that passphrase is too weak: ${s.reason}`);
    },
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
  assert.equal(keyWords((await screen.findByTestId('recovery-key')).textContent ?? '').join(' '), WORDS);
  assert.deepEqual(calls.filter((c) => c.method === 'init').at(-1)?.params, {
    vaultDir: '/home/a/Cases',
    cloud: { kind: 'folder', dir: '/home/a/Dropbox/Casevault' },
    passphrase: 'copper lantern meadow quietly ninety',
  });

  const proceed = screen.getByRole('button', { name: 'I have saved it: continue' });
  const said = async (typed: string) => {
    type(/^To check you have it/, typed);
    fireEvent.click(proceed);
    return (await screen.findByRole('alert')).textContent;
  };
  assert.equal(await said(''), 'Type the 27 words of the recovery key first.');
  assert.equal(await said(WORDS.split(' ').slice(0, 26).join(' ')), 'There are 26 words here, not 27: the first that differs is word 27.');
  assert.equal(await said(WORDS.replace('acid', 'acorn')), 'Word 16 is not the one shown.', 'the wrong word is named');
  assert.equal(calls.filter((c) => c.method === 'confirmRecoveryKey').length, 0, 'nothing sent while a word is wrong');
  assert.equal(done, 0);
  type(/^To check you have it/, `  ${WORDS.toUpperCase().replace(/ /g, ' - ')}\n`);
  fireEvent.click(proceed);
  await waitFor(() => assert.equal(done, 1, 'case, spacing and dashes do not matter'));
  assert.equal(calls.filter((c) => c.method === 'confirmRecoveryKey').length, 1, 'the engine confirmed it');
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

test("recover's result counts damaged items and others in words that agree with the numbers", async () => {
  const cases = [
    {
      failed: [{ object: 'a1', reason: 'damaged', damaged: true }],
      text: /^1 file is back in \/home\/a\/Cases\. 1 damaged item in the cloud copy could not be recovered; your backups may hold it\.$/,
    },
    {
      failed: [
        { object: 'a1', reason: 'damaged', damaged: true },
        { object: 'b2', reason: 'damaged', damaged: true },
        { object: 'c3', reason: 'the disk is full', damaged: false },
      ],
      text: /^1 file is back in \/home\/a\/Cases\. 2 damaged items in the cloud copy could not be recovered; your backups may hold them\. 1 item could not be recovered here \(the disk is full\)\.$/,
    },
  ];
  for (const c of cases) {
    bridge({ recover: () => ({ restored: 1, bytes: 10, failed: c.failed, lastChanged: null }) });
    render(<FirstRun onDone={() => {}} />);
    fireEvent.click(screen.getByRole('button', { name: 'Already have a vault? Recover it on this computer' }));
    type(/^Cloud folder/, '/home/a/Dropbox/Casevault');
    type(/^New \(or empty\) folder/, '/home/a/Cases');
    type(/^Passphrase/, 'copper lantern meadow quietly ninety');
    fireEvent.click(screen.getByRole('button', { name: 'Recover my vault' }));
    await screen.findByText(c.text);
    cleanup();
  }
});
