// Home and Backups ask the engine again every 5 seconds only while the
// window can be seen (each ask walks the vault), and at once when it is
// seen again.
import './dom.js';
import assert from 'node:assert/strict';
import { afterEach, mock, test } from 'node:test';
import { act, cleanup, render } from '@testing-library/react';
import { usePolling } from '../../renderer/src/polling.js';

afterEach(() => {
  cleanup();
  mock.timers.reset();
  setVisibility('visible');
});

function setVisibility(state: 'visible' | 'hidden'): void {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
}

function Poller({ refresh }: { refresh: () => void }) {
  usePolling(refresh, 5000);
  return null;
}

test('polling: at once, every 5 seconds while visible, none while hidden, at once when seen again, none after unmounting', () => {
  mock.timers.enable({ apis: ['setInterval'] });
  let asked = 0;
  const refresh = () => void asked++;
  const { unmount } = render(<Poller refresh={refresh} />);
  assert.equal(asked, 1, 'at once');
  act(() => mock.timers.tick(5000));
  assert.equal(asked, 2);
  act(() => setVisibility('hidden'));
  act(() => mock.timers.tick(60_000));
  assert.equal(asked, 2, 'nothing while the window is hidden');
  act(() => setVisibility('visible'));
  assert.equal(asked, 3, 'at once when seen again');
  act(() => mock.timers.tick(5000));
  assert.equal(asked, 4);
  unmount();
  act(() => mock.timers.tick(60_000));
  act(() => setVisibility('visible'));
  assert.equal(asked, 4, 'nothing once the screen is gone');
});
