// Home and Backups ask the engine again 5 seconds after each answer only
// while the window can be seen (each ask walks the vault), at once when it
// is seen again, never two asks at once, and after a slow ask ten times as
// long as it took (a minute at most: the computer may have slept through it).
import './dom.js';
import assert from 'node:assert/strict';
import { afterEach, mock, test } from 'node:test';
import { act, cleanup, render } from '@testing-library/react';
import { useNewest, usePolling } from '../../renderer/src/polling.js';

afterEach(() => {
  cleanup();
  mock.timers.reset();
  setVisibility('visible');
});

function setVisibility(state: 'visible' | 'hidden'): void {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
}

function Poller({ refresh }: { refresh: () => unknown }) {
  usePolling(refresh, 5000);
  return null;
}

/** Moves the mocked clock on, letting each answer's continuation run. */
async function tick(ms: number): Promise<void> {
  await act(async () => mock.timers.tick(ms));
}

test('polling: at once, every 5 seconds while visible, none while hidden, at once when seen again, none after unmounting', async () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  let asked = 0;
  const refresh = () => void asked++;
  const { unmount } = render(<Poller refresh={refresh} />);
  await act(async () => {});
  assert.equal(asked, 1, 'at once');
  await tick(5000);
  assert.equal(asked, 2);
  await act(async () => setVisibility('hidden'));
  await tick(60_000);
  assert.equal(asked, 2, 'nothing while the window is hidden');
  await act(async () => setVisibility('visible'));
  assert.equal(asked, 3, 'at once when seen again');
  await tick(5000);
  assert.equal(asked, 4);
  unmount();
  await tick(60_000);
  await act(async () => setVisibility('visible'));
  assert.equal(asked, 4, 'nothing once the screen is gone');
});

test('polling: an ask not yet answered is never joined by another; a slow one makes the next wait ten times as long as it took, up to a minute', async () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  let asked = 0;
  let answer = () => {};
  const refresh = () => {
    asked++;
    return new Promise<void>((r) => (answer = r));
  };
  render(<Poller refresh={refresh} />);
  await tick(60_000);
  await act(async () => setVisibility('visible'));
  assert.equal(asked, 1, 'one ask while the first is unanswered, however long it takes');
  await act(async () => answer()); // it took 60 s: the next waits 600 s, but never more than a minute
  await tick(59_000);
  assert.equal(asked, 1);
  await tick(1000);
  assert.equal(asked, 2);
  mock.timers.tick(2000); // this one took 2 s: the next waits 20 s, not 5
  await act(async () => answer());
  await tick(19_000);
  assert.equal(asked, 2);
  await tick(1000);
  assert.equal(asked, 3);
  await tick(100); // a quick answer: 5 s again
  await act(async () => answer());
  await tick(4900);
  assert.equal(asked, 3);
  await tick(100);
  assert.equal(asked, 4);
});

function Switchable({ refresh, active }: { refresh: () => unknown; active: boolean }) {
  usePolling(refresh, 5000, active);
  return null;
}

test('polling: nothing while not active; at once and every 5 seconds once active; nothing once inactive again', async () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  let asked = 0;
  const refresh = () => void asked++;
  const { rerender } = render(<Switchable refresh={refresh} active={false} />);
  await tick(60_000);
  assert.equal(asked, 0);
  rerender(<Switchable refresh={refresh} active />);
  await act(async () => {});
  assert.equal(asked, 1, 'at once when it becomes active');
  await tick(5000);
  assert.equal(asked, 2);
  rerender(<Switchable refresh={refresh} active={false} />);
  await tick(60_000);
  await act(async () => setVisibility('visible'));
  assert.equal(asked, 2, 'nothing once inactive');
});

function Newest({ expose }: { expose: (begin: () => () => boolean) => void }) {
  expose(useNewest());
  return null;
}

test('newest: an answer is shown unless a read begun after it has shown one (a poll begun before an action cannot put back the older state)', () => {
  let begin: () => () => boolean = () => () => true;
  render(<Newest expose={(b) => (begin = b)} />);
  const poll = begin();
  const action = begin();
  assert.equal(action(), true, 'the read begun after the action answers first: shown');
  assert.equal(poll(), false, 'the poll begun before it answers later: not shown');
  assert.equal(action(), true, 'its second part (Backups reads two things) is still shown');
  const next = begin();
  assert.equal(next(), true);
  assert.equal(action(), false, 'once a later read has shown its answer, nothing older is');
  const a = begin();
  const b = begin();
  assert.equal(a(), true, 'in order: both shown');
  assert.equal(b(), true);
});
