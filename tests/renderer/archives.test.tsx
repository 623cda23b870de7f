// The Housekeeping screen's archives: listed with their cases; "Delete…"
// opens a dialog that names them and says it cannot be undone; Cancel
// deletes nothing; the confirmed call carries confirm: true; the report
// and the refreshed list follow. A page (happy-dom) over a fake transport.
import { bridge, calls, failure } from './dom.js';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { ArchivesSection } from '../../renderer/src/Housekeeping.js';

afterEach(cleanup);

const A = 'a1b2c3d4'.padEnd(32, '0');
const B = 'ffee0011'.padEnd(32, '1');
const prune = { packsDeleted: 2, packsRewritten: 0, packsWritten: 0, blobsRemoved: 3, bytesBefore: 5_000_000, bytesAfter: 2_900_000, missingBlobs: 0 };

test('archives: listed with their cases; Delete… asks, naming the cases and that it cannot be undone; confirmed, it is deleted and reported', async () => {
  let list = [
    {
      id: A,
      time: '2026-01-02T10:00:00.000Z',
      state: 'snapshot' as const,
      files: 2,
      bytes: 1000,
      recorded: true,
      cases: [{ case: 'Member 0042', files: 2, at: '2026-01-02T10:00:01.000Z' }],
    },
    { id: B, time: null, state: 'marker only' as const, files: null, bytes: null, recorded: false, cases: [] },
  ];
  bridge({
    archives: () => list,
    deleteArchives: (p) => {
      list = list.filter((a) => a.id !== (p.ids as string[])[0]);
      return [
        {
          id: A,
          removed: 'snapshot and marker',
          time: '2026-01-02T10:00:00.000Z',
          files: 2,
          bytesFreed: 2_100_000,
          prune,
          cases: ['Member 0042'],
          recorded: true,
        },
      ];
    },
  });
  render(<ArchivesSection />);
  const row = (await screen.findByRole('rowheader', { name: 'a1b2c3d4' })).closest('tr')!;
  assert.match(row.textContent!, /“Member 0042”/);
  const other = screen.getByRole('rowheader', { name: 'ffee0011' }).closest('tr')!;
  assert.match(other.textContent!, /cases this computer has no record of.*Incomplete: nothing in it can be restored/);

  fireEvent.click(within(row).getByRole('button', { name: 'Delete…' }));
  let dialog = screen.getByRole('alertdialog');
  assert.equal(within(dialog).getByRole('heading').textContent, 'Delete archive a1b2c3d4?');
  assert.match(dialog.textContent!, /It holds “Member 0042”: 2 files\./);
  assert.match(dialog.textContent!, /This cannot be undone/);
  assert.equal(document.activeElement, within(dialog).getByRole('button', { name: 'Cancel' }), 'focus starts on Cancel');
  fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
  assert.equal(screen.queryByRole('alertdialog'), null);
  assert.equal(
    calls.some((c) => c.method === 'deleteArchives'),
    false,
    'cancel deletes nothing',
  );

  fireEvent.click(within(row).getByRole('button', { name: 'Delete…' }));
  dialog = screen.getByRole('alertdialog');
  fireEvent.click(within(dialog).getByRole('button', { name: 'Delete the archive' }));
  const report = await screen.findByRole('status', { name: 'Archive deletion report' });
  assert.equal(report.textContent, 'Deleted archive a1b2c3d4 (“Member 0042”): 2 files. 2.0 MB freed in the backup folder.');
  assert.deepEqual(calls.find((c) => c.method === 'deleteArchives')?.params, { ids: [A], confirm: true });
  await screen.findByText('ffee0011');
  assert.equal(screen.queryByRole('rowheader', { name: 'a1b2c3d4' }), null, 'the list is refreshed');
});

test('archives: none said plainly; a refusal is shown as a sentence', async () => {
  bridge({ archives: () => [] });
  render(<ArchivesSection />);
  await screen.findByText('No archives.');
  cleanup();
  bridge({ archives: () => failure('unreachable', 'the backup folder cannot be found', 'plug-in-backup-drive') });
  render(<ArchivesSection />);
  assert.equal(
    (await screen.findByRole('alert')).textContent,
    'The backup folder cannot be found. Plug in the backup drive (or connect the share), then try again.',
  );
});
