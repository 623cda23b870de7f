// Settings in a page (happy-dom), over a fake transport: each group saves
// its own fields; the engine's refusal is shown as a sentence.
import { bridge, calls, failure } from './dom.js';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { DEFAULT_SETTINGS } from '../../engine/settings.js';
import { Preferences } from '../../renderer/src/Preferences.js';

afterEach(cleanup);

test('settings: each form sends only its own fields; a refused value says why and the saved one stays', async () => {
  let saved = { ...DEFAULT_SETTINGS };
  bridge({
    settings: () => saved,
    updateSettings: (u) => {
      if (typeof u.autoLockMinutes === 'number' && u.autoLockMinutes > 1440)
        return failure('usage', 'that setting is not allowed: the auto-lock time must be at most 1440');
      saved = { ...saved, ...u };
      return saved;
    },
  });
  render(<Preferences />);
  const autoLock = within(await screen.findByRole('form', { name: 'Auto-lock' }));
  fireEvent.change(autoLock.getByLabelText('Lock after this many idle minutes'), { target: { value: '5' } });
  fireEvent.click(autoLock.getByRole('button', { name: 'Save' }));
  await autoLock.findByText('Saved. The change is recorded in the audit trail.');
  assert.deepEqual(calls.at(-1), { method: 'updateSettings', params: { autoLockMinutes: 5 } });

  const kept = within(screen.getByRole('form', { name: 'Backups kept' }));
  fireEvent.change(kept.getByLabelText('One a week, for this many weeks'), { target: { value: '12' } });
  fireEvent.click(kept.getByRole('button', { name: 'Save' }));
  await kept.findByText(/^Saved\./);
  assert.deepEqual(calls.at(-1)?.params, { retention: { ...DEFAULT_SETTINGS.retention, weekly: 12 } });

  fireEvent.change(autoLock.getByLabelText('Lock after this many idle minutes'), { target: { value: '99999' } });
  fireEvent.submit(autoLock.getByRole('button', { name: 'Save' }).closest('form')!);
  await autoLock.findByText('That setting is not allowed: the auto-lock time must be at most 1440.');
  assert.equal(saved.autoLockMinutes, 5);
});

test('settings: where the desktop shows no tray, Settings says that closing the window quits; a tray or a browser tab says nothing of it', async () => {
  bridge({ settings: () => ({ ...DEFAULT_SETTINGS }) });
  const page = window as unknown as { casevault: { desktop?: () => Promise<{ closeQuits: boolean }> } };
  page.casevault.desktop = async () => ({ closeQuits: true });
  render(<Preferences />);
  const startForm = within(await screen.findByRole('form', { name: 'Start with the computer' }));
  await startForm.findByText(/shows no tray icon, so closing the Casevault window quits it/);
  cleanup();

  page.casevault.desktop = async () => ({ closeQuits: false });
  render(<Preferences />);
  await screen.findByRole('form', { name: 'Start with the computer' });
  await new Promise((r) => setImmediate(r));
  assert.equal(screen.queryByText(/closing the Casevault window quits it/), null);
  cleanup();

  delete page.casevault.desktop;
  render(<Preferences />);
  await screen.findByRole('form', { name: 'Start with the computer' });
  assert.equal(screen.queryByText(/closing the Casevault window quits it/), null);
});
