// "Send securely" in a page (happy-dom), over a fake transport: the dialog
// sends only what was filled in, shows a made passphrase once with what to
// do with it, asks to unlock a locked vault and goes on, and shows a weak
// passphrase's refusal with its next step; ticking files in Home's list
// is what opens it.
import { bridge, calls, failure } from './dom.js';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { SendReport } from '../../contract/index.js';
import { SendSecurely } from '../../renderer/src/SendSecurely.js';
import { VaultFiles } from '../../renderer/src/VaultFiles.js';

afterEach(cleanup);

const report = (passphrase: string | null): SendReport => ({
  id: '0123456789abcdef',
  at: '2026-12-05T10:00:00.000Z',
  to: null,
  out: '/home/rep/Desktop/p.html',
  expires: null,
  files: [{ name: 'Case 0042/letter.txt', size: 2048, sha256: 'a'.repeat(64) }],
  bytes: 600_000,
  passphrase,
  linksSkipped: 0,
});

test('send dialog: the defaults need one click; a locked vault asks to unlock, then the made passphrase is shown once', async () => {
  let locked = true;
  bridge({
    sendFiles: () => (locked ? failure('locked', 'the vault is locked', 'unlock') : report('mule inflict dragon hurry rebuild')),
    unlock: () => {
      locked = false;
      return {} as never;
    },
  });
  render(<SendSecurely paths={['Case 0042/letter.txt']} onClose={() => undefined} />);
  fireEvent.click(screen.getByRole('button', { name: 'Write the package' }));
  fireEvent.change(await screen.findByLabelText('Passphrase'), { target: { value: 'purple elephant dances quietly tonight' } });
  fireEvent.click(screen.getByRole('button', { name: 'Unlock' }));
  await screen.findByRole('heading', { name: 'Package written' });
  assert.equal(screen.getByLabelText("The package's passphrase").textContent, 'mule inflict dragon hurry rebuild');
  screen.getByText('Tell the passphrase to the recipient by phone or text message, never in the same e-mail as the package.');
  const sends = calls.filter((c) => c.method === 'sendFiles');
  assert.equal(sends.length, 2, 'tried, then again once unlocked');
  assert.deepEqual(Object.keys(sends[1]!.params).sort(), ['out', 'paths'], 'nothing sent that was not filled in');
  assert.match(String(sends[1]!.params.out), /^~\/Desktop\/Files sent securely \d{4}-\d{2}-\d{2} \d{2}\.\d{2}\.html$/);
});

test('send dialog: a weak own passphrase is refused with the next step; a good one writes, and is never shown back', async () => {
  bridge({
    sendFiles: (p) =>
      p.passphrase === 'password'
        ? failure('usage', 'that passphrase is too weak: this is a very common password', 'choose-stronger-passphrase')
        : report(null),
  });
  render(<SendSecurely paths={['a.txt', 'b.txt']} onClose={() => undefined} />);
  screen.getByRole('heading', { name: 'Send 2 files securely' });
  fireEvent.change(screen.getByLabelText('To whom (for the records, optional)'), { target: { value: '  HR, Acme Ltd ' } });
  fireEvent.change(screen.getByLabelText('Last day to open it (optional, shown to the recipient)'), { target: { value: '2030-01-31' } });
  fireEvent.click(screen.getByRole('radio', { name: 'Use my own' }));
  fireEvent.change(screen.getByLabelText('Your passphrase for this package'), { target: { value: 'password' } });
  fireEvent.click(screen.getByRole('button', { name: 'Write the package' }));
  await screen.findByText(/^That passphrase is too weak: this is a very common password\. Choose a longer one/);
  fireEvent.change(screen.getByLabelText('Your passphrase for this package'), { target: { value: 'lantern orchard seventeen quietly harbour' } });
  fireEvent.click(screen.getByRole('button', { name: 'Write the package' }));
  await screen.findByText('It opens with the passphrase you chose.');
  assert.deepEqual(calls.at(-1)?.params, {
    paths: ['a.txt', 'b.txt'],
    out: calls.at(-1)?.params.out,
    to: 'HR, Acme Ltd',
    expires: '2030-01-31',
    passphrase: 'lantern orchard seventeen quietly harbour',
  });
  assert.equal(screen.queryByText(/lantern orchard/), null);
});

test('the file list: ticking all files shown (after a name filter) opens the dialog for exactly those', () => {
  bridge({});
  const file = (path: string) => ({ path, size: 10, mtimeMs: 0, state: 'synced' as const });
  render(
    <VaultFiles
      files={{ total: 3, files: [file('Case 0042/a.txt'), file('Case 0042/b.txt'), file('Case 0043/c.txt')] }}
      listedNow
      onRetry={() => undefined}
      busy={false}
    />,
  );
  assert.equal((screen.getByRole('button', { name: 'Send securely…' }) as HTMLButtonElement).disabled, true, 'nothing chosen yet');
  fireEvent.change(screen.getByLabelText('Name contains'), { target: { value: '0042' } });
  fireEvent.click(screen.getByLabelText('Choose all files shown'));
  fireEvent.click(screen.getByRole('button', { name: 'Send 2 files securely…' }));
  screen.getByRole('heading', { name: 'Send 2 files securely' });
});
