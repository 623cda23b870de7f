// The "Computers using this vault" card in a page (happy-dom), over a fake
// transport: a locked vault shows the list once asked, after an unlock; each computer's
// status in words; marking one lost sends the confirmation and the wipe as
// ticked (never for this computer: it has no button); the breach report is
// shown on screen; "Found it" clears a lost one.
import { bridge, calls, failure } from './dom.js';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { Computers } from '../../renderer/src/Computers.js';
import { recordNotes, type BreachReport, type DeviceInfo } from '../../contract/index.js';

afterEach(cleanup);

const device = (id: string, name: string, more: Partial<DeviceInfo> = {}): DeviceInfo => ({
  id: id.repeat(32),
  name,
  this: false,
  status: 'active',
  wipe: 'none',
  version: '0.1.0',
  firstSeen: '2026-11-01T09:00:00.000Z',
  lastSeen: '2026-12-01T09:00:00.000Z',
  lastSync: '2026-12-01T09:00:00.000Z',
  orderedAt: null,
  wipedAt: null,
  orderRestored: false,
  earlierKeys: false,
  recordGone: false,
  recordRolledBack: false,
  oldKeysRecord: false,
  ...more,
});

/** The laptop's breach report as the engine gives it (`more` changes fields). */
const breachReport = (id: string, more: Partial<BreachReport> = {}): BreachReport => ({
  device: { id, name: 'laptop', version: '0.1.0', firstSeen: null, lastSeen: null, lastSync: '2026-12-01T09:00:00.000Z' },
  cases: ['Member 0042'],
  caseDetails: [{ name: 'Member 0042', files: 3, newest: '2026-11-30T09:00:00.000Z' }],
  casesCut: false,
  files: 3,
  newestChange: '2026-11-30T09:00:00.000Z',
  encryptedAtRest: 'unknown',
  status: 'lost',
  keysRotatedAt: null,
  markedLostAt: '2026-12-02T09:00:00.000Z',
  recordGone: false,
  recordRolledBack: false,
  oldKeysRecord: false,
  recordNotes: [],
  wipeOrderedAt: '2026-12-02T09:00:00.000Z',
  wipedAt: null,
  audit: [],
  auditProblem: null,
  madeAt: '2026-12-02T10:00:00.000Z',
  ...more,
});

test('computers: unlock first, then the list; mark one lost with its wipe; the breach report; found again', async () => {
  let unlocked = false;
  let laptop = device('b', 'laptop');
  const report = breachReport(laptop.id);
  bridge({
    devices: () => (unlocked ? [device('a', 'office', { this: true }), laptop] : failure('locked', 'the vault is locked')),
    unlock: () => ((unlocked = true), { unlocked: true as const }),
    markDevice: (p) => {
      laptop =
        p.action === 'lost'
          ? { ...laptop, status: 'lost', wipe: p.wipe ? 'ordered' : 'none', orderedAt: '2026-12-02T09:00:00.000Z' }
          : { ...laptop, status: 'active', wipe: 'none' };
      return laptop;
    },
    breachReport: () => report,
  });
  render(<Computers />);
  fireEvent.click(await screen.findByRole('button', { name: 'Show the computers…' }));
  const unlock = within(await screen.findByRole('form', { name: 'Unlock the vault' }));
  fireEvent.change(unlock.getByLabelText('Passphrase', { exact: true }), { target: { value: 'a passphrase' } });
  fireEvent.click(unlock.getByRole('button', { name: 'Unlock' }));
  const table = within(await screen.findByRole('table', { name: 'Computers' }));
  const office = within(table.getByText('office').closest('tr')!);
  assert.equal(office.queryByRole('button'), null, 'this computer is never marked lost from itself');
  fireEvent.click(within(table.getByText('laptop').closest('tr')!).getByRole('button', { name: 'Mark as lost…' }));
  const form = within(screen.getByRole('form', { name: 'Mark as lost' }));
  fireEvent.click(form.getByRole('button', { name: 'Mark as lost and order the wipe' }));
  await table.findByText('Lost: wipe ordered, not yet carried out');
  assert.deepEqual(calls.find((c) => c.method === 'markDevice')?.params, { device: laptop.id, action: 'lost', wipe: true, confirm: true });

  fireEvent.click(table.getByRole('button', { name: 'Breach report' }));
  const shown = within(await screen.findByRole('region', { name: 'Breach report' }));
  shown.getByText('Member 0042: 3 files');

  fireEvent.click(table.getByRole('button', { name: 'Found it' }));
  await within(table.getByText('laptop').closest('tr')!).findByText('Active');
  assert.deepEqual(calls.filter((c) => c.method === 'markDevice').at(-1)?.params, { device: laptop.id, action: 'found' });
});

test('computers: a lost computer whose record the cloud deleted or rewrote with old keys says so, in the list and in its breach report', async () => {
  const laptop = device('b', 'laptop', { status: 'lost', wipe: 'ordered', orderedAt: '2026-12-02T09:00:00.000Z', recordGone: true });
  const report = breachReport(laptop.id, {
    keysRotatedAt: '2026-12-02T09:30:00.000Z',
    oldKeysRecord: true,
    recordNotes: recordNotes({ recordGone: false, recordRolledBack: false, oldKeysRecord: true }),
  });
  bridge({ devices: () => [device('a', 'office', { this: true }), laptop], breachReport: () => report });
  render(<Computers />);
  const table = within(await screen.findByRole('table', { name: 'Computers' }));
  const row = within(table.getByText('laptop').closest('tr')!);
  row.getByText(/^Its record has gone from the cloud/);
  fireEvent.click(row.getByRole('button', { name: 'Breach report' }));
  const shown = within(await screen.findByRole('region', { name: 'Breach report' }));
  shown.getByText(/^A record written with the vault's keys from before the rotation appeared after this computer was marked lost/);
  shown.getByText('Member 0042: 3 files');
});
