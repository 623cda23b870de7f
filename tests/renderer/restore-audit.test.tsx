// The restore tree's ticks and search, and the audit trail's filters and
// integrity line, in a page (happy-dom) over a fake transport.
import { bridge, calls, failure } from './dom.js';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { AuditTrail } from '../../renderer/src/AuditTrail.js';
import { Restore } from '../../renderer/src/Restore.js';
import { DEFAULT_SETTINGS } from '../../engine/settings.js';

afterEach(cleanup);

const files = [
  { path: 'Member 0042/grievance.txt', size: 2048, mtimeMs: 0 },
  { path: 'Member 0042/Letters/invite.txt', size: 100, mtimeMs: 0 },
  { path: 'Member 0077/notes.md', size: 10, mtimeMs: 0 },
  { path: 'rota.csv', size: 5, mtimeMs: 0 },
];
const snapshots = [
  { id: 'aaaa1111', time: '2026-11-01T10:00:00.000Z', files: 3, bytes: 2000 },
  { id: 'bbbb2222', time: '2026-11-30T10:00:00.000Z', files: 4, bytes: 2163 },
];
const tick = (name: string) => screen.getByLabelText(name) as HTMLInputElement;

test('restore: the latest date first; browse and tick a folder (its contents come with it), search by name, restore beside or elsewhere', async () => {
  bridge({
    snapshotTree: (p) => ({ snapshot: String(p.snapshot), time: snapshots[1]!.time, files }),
    restoreBackup: (p) => ({
      snapshot: String(p.snapshot),
      restored: 3,
      bytes: 2158,
      identical: 0,
      renamed: [{ path: 'rota.csv', writtenAs: '/v/rota (restored 2).csv' }],
      failed: [],
      to: String(p.to),
      written: [],
    }),
  });
  render(<Restore snapshots={snapshots} vaultDir="/v" />);
  const date = screen.getByLabelText('Restore from the backup of') as HTMLSelectElement;
  assert.equal(date.value, 'bbbb2222');
  assert.match(date.options[0]!.textContent!, /2026.*\(latest\): 4 files, 2\.1 KB$/);
  fireEvent.click(screen.getByRole('button', { name: 'Show the files in this backup' }));
  await screen.findByLabelText('Member 0042/');
  assert.deepEqual(calls.at(-1), { method: 'snapshotTree', params: { snapshot: 'bbbb2222' } });
  // The button gives way to the progress while a restore runs: found afresh each time.
  const restore = () => screen.getByRole('button', { name: 'Restore' }) as HTMLButtonElement;
  assert.equal(restore().disabled, true, 'nothing ticked yet');

  fireEvent.click(screen.getByRole('button', { name: 'Open folder Member 0042' }));
  fireEvent.click(tick('grievance.txt'));
  fireEvent.click(tick('Member 0042/'));
  assert.equal(tick('grievance.txt').checked, true);
  assert.equal(tick('grievance.txt').disabled, true, 'covered by its folder');
  assert.equal(screen.getByTestId('chosen').textContent, '1 item ticked.', 'the folder replaced the file inside it');

  fireEvent.change(screen.getByLabelText('Search this backup by name'), { target: { value: 'ROTA' } });
  const results = within(screen.getByRole('list', { name: 'Search results' }));
  assert.deepEqual(
    results.getAllByRole('checkbox').map((c) => c.parentElement!.textContent),
    ['rota.csv'],
  );
  fireEvent.click(results.getByLabelText('rota.csv'));
  fireEvent.change(screen.getByLabelText('Search this backup by name'), { target: { value: 'letters' } });
  assert.equal(tick('Member 0042/Letters/').disabled, true, 'a found folder inside a ticked one is covered too');
  fireEvent.change(screen.getByLabelText('Search this backup by name'), { target: { value: 'nothing like it' } });
  screen.getByText('Nothing in this backup has that in its name.');

  fireEvent.click(restore());
  await screen.findByText(/^Restored 3 files \(2\.1 KB\) into \/v\. 1 went beside a different file of the same name \(nothing was overwritten\)\.$/);
  assert.deepEqual(calls.at(-1), { method: 'restoreBackup', params: { snapshot: 'bbbb2222', to: '/v', paths: ['Member 0042', 'rota.csv'] } });
  assert.equal(screen.getByTestId('chosen').textContent, 'Tick the files and folders to restore, or open a file\u2019s versions.');

  fireEvent.click(tick('Everything in this backup (4 files)'));
  fireEvent.click(screen.getByLabelText('Another folder'));
  assert.equal(restore().disabled, true, 'another folder needs a folder');
  fireEvent.change(screen.getByLabelText('Folder to restore into'), { target: { value: '/tmp/Restored' } });
  fireEvent.change(date, { target: { value: 'aaaa1111' } });
  assert.equal(restore().disabled, true, 'until the list of the backup picked is there');
  await waitFor(() => assert.equal(restore().disabled, false));
  fireEvent.click(restore());
  await screen.findByText(/into \/tmp\/Restored\./);
  assert.deepEqual(calls.filter((c) => c.method === 'restoreBackup').at(-1)?.params, { snapshot: 'aaaa1111', to: '/tmp/Restored' });
});

const at = (d: number, h: number) => new Date(2026, 10, d, h).toISOString();
const entries = [
  { at: at(1, 9), event: 'vault created' },
  { at: at(2, 9), event: 'unlocked', detail: 'with the passphrase' },
  { at: at(3, 9), event: 'restored from a backup', detail: '2 files from snapshot bbbb2222 (Member 0042) into /v' },
  { at: at(4, 9), event: 'unlock failed', detail: 'with the passphrase' },
  { at: at(5, 9), event: 'settings changed', detail: '<b>auto-lock</b> after 5 idle minutes' },
];

function auditBridge(check: { ok: boolean; entries: number; problem?: string }) {
  bridge({
    auditVerify: () => check,
    auditEntries: () => entries,
    status: () => ({ accessReviewDue: true }) as never,
    settings: () => DEFAULT_SETTINGS,
    auditExport: () => ({ text: 'x', entries: 1 }),
  });
}

test('audit trail: intact or not said plainly; entries newest first; filters by kind, dates and words; the export carries the filters', async () => {
  auditBridge({ ok: true, entries: 5 });
  render(<AuditTrail />);
  assert.equal((await screen.findByTestId('audit-check')).textContent, 'The audit trail is intact: 5 entries.');
  await screen.findByText('Access review due');
  const count = await screen.findByTestId('audit-count');
  const events = () =>
    screen
      .getAllByRole('row')
      .slice(1)
      .map((r) => r.children[1]!.textContent);
  assert.deepEqual(events(), ['settings changed', 'unlock failed', 'restored from a backup', 'unlocked', 'vault created']);
  screen.getByText('<b>auto-lock</b> after 5 idle minutes');

  fireEvent.change(screen.getByLabelText('Kind of event'), { target: { value: 'unlock failed' } });
  assert.deepEqual(events(), ['unlock failed']);
  fireEvent.change(screen.getByLabelText('Kind of event'), { target: { value: '' } });
  fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-11-02' } });
  fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-11-03' } });
  assert.deepEqual(events(), ['restored from a backup', 'unlocked']);
  fireEvent.change(screen.getByLabelText('Containing'), { target: { value: 'member 0042' } });
  assert.deepEqual(events(), ['restored from a backup']);
  assert.equal(count.textContent, 'Showing 1 of 5 entries, newest first.');

  URL.createObjectURL = () => 'blob:x';
  URL.revokeObjectURL = () => {};
  fireEvent.click(screen.getByRole('button', { name: 'Export as CSV' }));
  await screen.findByText('Exported 1 entry.');
  assert.deepEqual(calls.at(-1), { method: 'auditExport', params: { format: 'csv', filter: { from: '2026-11-02', to: '2026-11-03', text: 'member 0042' } } });
  cleanup();

  auditBridge({ ok: false, entries: 5, problem: 'line 3 of the audit log is edited' });
  render(<AuditTrail />);
  const warning = await screen.findByRole('alert');
  assert.equal(warning.textContent, 'Warning: the audit trail has been changed or damaged (line 3 of the audit log is edited).');
  assert.equal(warning.className, 'banner-bad');
});

test('audit trail while locked: the unlock prompt appears; cancelling leaves the entries hidden', async () => {
  bridge({
    auditVerify: () => ({ ok: true, entries: 5 }),
    auditEntries: () => failure('locked', 'the vault is locked', 'unlock'),
    status: () => ({ accessReviewDue: false }) as never,
    settings: () => DEFAULT_SETTINGS,
  });
  render(<AuditTrail />);
  await screen.findByRole('heading', { name: 'Unlock the vault' });
  fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
  await screen.findByText('Nothing was done: the vault stayed locked.');
  screen.getByRole('button', { name: 'Show the entries' });
});

test("audit trail: other computers' trails on request, each checked, one written before a key rotation said so", async () => {
  bridge({
    auditVerify: () => ({ ok: true, entries: 5 }),
    auditEntries: () => entries,
    status: () => ({ accessReviewDue: false }) as never,
    settings: () => DEFAULT_SETTINGS,
    otherAuditTrails: () => [
      {
        device: '0123456789abcdef0123456789abcdef',
        ok: true,
        earlierKeys: true,
        entries: [
          { at: at(1, 9), event: 'vault recovered onto this computer' },
          { at: at(2, 9), event: 'unlocked' },
        ],
      },
      {
        device: 'fedcba9876543210fedcba9876543210',
        ok: false,
        problem: 'line 2 is edited or forged',
        earlierKeys: false,
        entries: [{ at: at(1, 9), event: 'vault created' }],
      },
    ],
  });
  render(<AuditTrail />);
  await screen.findByTestId('audit-count');
  assert.equal(calls.filter((c) => c.method === 'otherAuditTrails').length, 0, 'read only when asked');
  fireEvent.click(screen.getByRole('button', { name: "Show other computers' trails" }));
  const [first, second] = await screen.findAllByTestId('other-trail');
  within(first!).getByRole('heading', { name: 'Computer 01234567' });
  assert.equal(
    within(first!).getByRole('status').textContent,
    "2 entries; none was changed, removed or reordered. It was written under the vault's keys from before they were rotated: that computer has not taken the new keys on.",
  );
  assert.deepEqual(
    within(first!)
      .getAllByRole('row')
      .slice(1)
      .map((r) => r.children[1]!.textContent),
    ['unlocked', 'vault recovered onto this computer'],
    'newest first',
  );
  assert.equal(within(second!).getByRole('alert').textContent, 'This trail has been changed or damaged: line 2 is edited or forged.');
});
