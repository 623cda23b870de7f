// Home's pieces: the file list with states and Retry, the progress line
// with bytes and time left, what a sync started here did, and the vault
// folder in browser mode.
import { bridge, calls } from './dom.js';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { describeRun, follow, running } from '../../renderer/src/progress.js';
import { syncOutcome } from '../../renderer/src/text.js';
import { VaultFiles } from '../../renderer/src/VaultFiles.js';

afterEach(cleanup);

test('progress: bytes done of total, time left once the rate means something; a new run restarts the clock; a silent run stops counting', () => {
  const p = (filesDone: number, bytesDone: number) => ({ task: 'sync' as const, filesDone, filesTotal: 10, bytesDone, bytesTotal: 10 * 1048576 });
  let run = follow(undefined, p(0, 0), 0);
  run = follow(run, p(1, 1048576), 1000);
  assert.equal(describeRun(run, 1000), '1.0 MB of 10 MB', 'no estimate in the first seconds');
  run = follow(run, p(2, 2 * 1048576), 10_000);
  assert.equal(describeRun(run, 10_000), '2.0 MB of 10 MB, less than a minute left');
  run = follow(run, p(2, 2 * 1048576 + 1), 100_000);
  assert.equal(describeRun(run, 100_000), '2.0 MB of 10 MB, about 7 minutes left');
  assert.equal(running(run, 100_000), true);
  assert.equal(running(run, 170_000), false, 'no event for a minute');
  const again = follow(run, p(0, 0), 200_000);
  assert.equal(again.startedMs, 200_000);
  assert.equal(running(follow(again, { ...p(10, 10 * 1048576) }, 201_000), 201_000), false, 'done');
});

test('the file list: every file with its state, failed ones first with the reason and a Retry; filter by state and name', () => {
  bridge({});
  let retried = 0;
  const files = {
    total: 3,
    files: [
      {
        path: 'Member 0042/letter.pdf',
        size: 2048,
        mtimeMs: 0,
        state: 'failed' as const,
        reason: 'the file could not be read; close it in other programs and try again',
      },
      { path: 'rota.csv', size: 10, mtimeMs: 0, state: 'waiting' as const },
      { path: 'notes.txt', size: 5, mtimeMs: 0, state: 'synced' as const },
    ],
  };
  const { rerender } = render(<VaultFiles files={files} listedNow onRetry={() => retried++} busy={false} />);
  const rows = () =>
    screen
      .getAllByRole('row')
      .slice(1)
      .map((r) => [r.children[1]!.textContent, within(r as HTMLElement).getByText(/^(Synced|Waiting|Failed)$/).textContent]);
  assert.deepEqual(rows(), [
    ['Member 0042/letter.pdf', 'Failed'],
    ['rota.csv', 'Waiting'],
    ['notes.txt', 'Synced'],
  ]);
  screen.getByText('The file could not be read; close it in other programs and try again.');
  fireEvent.click(screen.getByRole('button', { name: 'Retry Member 0042/letter.pdf' }));
  assert.equal(retried, 1);
  fireEvent.change(screen.getByLabelText('Show'), { target: { value: 'waiting' } });
  assert.deepEqual(rows(), [['rota.csv', 'Waiting']]);
  fireEvent.change(screen.getByLabelText('Show'), { target: { value: '' } });
  fireEvent.change(screen.getByLabelText('Name contains'), { target: { value: 'NOTES' } });
  assert.deepEqual(rows(), [['notes.txt', 'Synced']]);
  assert.equal(calls.length, 0, "filtering is the page's own work");

  const asOfLastSync = /^Synced: in the cloud copy at the last sync/;
  assert.equal(screen.queryByText(asOfLastSync), null, 'the cloud was listed for this list: "Synced" is now');
  rerender(<VaultFiles files={files} listedNow={false} onRetry={() => retried++} busy={false} />);
  screen.getByText(asOfLastSync);
});

test('what a sync started here did: done, how many files could not be synced and where they are listed, and never a plain done after a rollback', () => {
  const r = { uploaded: 2, deleted: 0, unchanged: 0, bytesUploaded: 10, failed: [], repaired: 0, conflicts: [], skippedLinks: 0, unreadableFolders: 0 };
  assert.equal(syncOutcome(r, 'All in the cloud.', 'see below'), 'All in the cloud.');
  const failed = { ...r, failed: [{ path: 'a.txt', reason: 'permission denied' }] };
  assert.equal(syncOutcome(failed, 'All in the cloud.', 'see below'), '1 file could not be synced; see below.');
  assert.equal(
    syncOutcome({ ...r, rolledBack: 'the cloud copy was put back to an earlier state' }, 'All in the cloud.', 'see below'),
    "Warning: the cloud copy was put back to an earlier state. This computer's files were uploaded again. All in the cloud.",
  );
});
