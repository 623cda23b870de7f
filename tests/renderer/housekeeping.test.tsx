// An interrupted deletion or archiving of a case, in the app: Home's health
// names it with the way to finish it (the Housekeeping screen), and
// Housekeeping lists it apart (its files may all be gone, so it is no longer
// in the list of cases) with a button that runs the same request again.
import { bridge, calls } from './dom.js';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { Home } from '../../renderer/src/Home.js';
import { Housekeeping } from '../../renderer/src/Housekeeping.js';
import { NavigateContext } from '../../renderer/src/nav.js';
import type { ApiResult, HealthItem, StatusReport } from '../../contract/index.js';

afterEach(cleanup);

const unfinished: HealthItem = {
  area: 'retention',
  ok: false,
  urgency: 'attention',
  next: 'finish-case-removal',
  message:
    'the deletion of the case “Old case” is not finished: some of its files may be gone from this computer, while the audit trail does not record it yet and the cloud copy still holds them',
};
const status: StatusReport = {
  vaultDir: '/v',
  settingsFolder: '/h',
  cloud: 'folder /c',
  locked: true,
  files: { total: 1, synced: 1, pending: 0, failed: 0 },
  cloudListedNow: true,
  pendingDeletions: 0,
  failures: [],
  conflicts: [],
  lastSync: { at: new Date().toISOString(), uploaded: 0, deleted: 0, failed: 0 },
  pendingFiles: [],
  live: { watching: false },
  lastBackup: new Date().toISOString(),
  nextBackup: null,
  backupOverdue: false,
  accessReviewDue: false,
  keyRotation: 'none',
  health: [unfinished, { area: 'cloud', ok: true, message: 'every file is in the cloud copy (folder /c)' }],
};

test('Home: an interrupted deletion is the headline, with the way to finish it', async () => {
  bridge({ homeView: () => ({ status, files: { total: 0, files: [] } }) });
  const went: string[] = [];
  render(
    <NavigateContext.Provider value={(s) => went.push(s)}>
      <Home />
    </NavigateContext.Provider>,
  );
  assert.equal(
    (await screen.findByTestId('overall')).textContent,
    'The deletion of the case “Old case” is not finished: some of its files may be gone from this computer, while the audit trail does not record it yet and the cloud copy still holds them.',
  );
  screen.getByText('Finish it on the Housekeeping screen: it runs the same deletion or archiving again.');
  fireEvent.click(screen.getByRole('button', { name: 'Finish it in Housekeeping' }));
  assert.deepEqual(went, ['housekeeping']);
});

test('Housekeeping: the case whose deletion is not finished is listed apart, and its button runs the same deletion again', async () => {
  const report = (left: ApiResult<'retention'>['unfinished']): ApiResult<'retention'> => ({
    years: 6,
    today: '2026-12-06',
    dueSoonDays: 30,
    cases: [],
    unfinished: left,
  });
  let left: ApiResult<'retention'>['unfinished'] = [{ case: 'Old case', doing: 'delete' }];
  bridge({
    retention: () => report(left),
    deleteCases: () => {
      left = [];
      return {
        synced: true,
        cases: [{ case: 'Old case', files: 0, removed: 1, leftovers: false, forced: false, copies: [], heldElsewhere: [], othersUnknown: 0 }],
      };
    },
    archives: () => [],
  });
  render(<Housekeeping />);
  const section = (await screen.findByRole('heading', { name: 'Not finished' })).closest('section')!;
  within(section).getByText(/^Casevault stopped part way through this: some files may be gone from this computer/);
  fireEvent.click(within(section).getByRole('button', { name: 'Finish deleting “Old case”' }));
  await act(async () => {});
  assert.deepEqual(
    calls.find((c) => c.method === 'deleteCases'),
    { method: 'deleteCases', params: { cases: ['Old case'], confirm: true, force: true } },
  );
  await screen.findByText('Deleted “Old case”: 1 file.');
  assert.equal(screen.queryByRole('heading', { name: 'Not finished' }), null, 'the list read again holds it no more');
});
