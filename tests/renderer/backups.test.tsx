// Backups and restore in a page (happy-dom) over a fake transport: the
// restore picker's default (the latest backup, never an archive, the latest
// again after a new backup) and its labels; a file's versions and the result
// that names the file written; live progress in place of the buttons; the
// drive away; attaching a backup folder; first run's warning without one.
import { bridge, calls, emit, failure } from './dom.js';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { Backups } from '../../renderer/src/Backups.js';
import { FirstRun } from '../../renderer/src/FirstRun.js';
import { Restore } from '../../renderer/src/Restore.js';
import type { ApiResult, BackupFacts } from '../../contract/index.js';
import { backupsHealth } from '../../engine/health/backups.js';

afterEach(cleanup);

const HOUR = 3_600_000;
const ago = (h: number) => new Date(Date.now() - h * HOUR).toISOString();
const snapshots = [
  { id: 'aaaa1111', time: ago(50), files: 3, bytes: 2000 },
  { id: 'bbbb2222', time: ago(2), files: 4, bytes: 2163 },
  { id: 'cccc3333', time: ago(1), files: 1, bytes: 10, archive: true as const },
];
const select = () => screen.getByLabelText('Restore from the backup of') as HTMLSelectElement;

test('restore picker: the latest backup by default, never an archive; archives apart; times to the second with how long ago; a new backup becomes the default again', () => {
  bridge({});
  const { rerender } = render(<Restore snapshots={snapshots} vaultDir="/v" />);
  assert.equal(select().value, 'bbbb2222', 'the latest backup, not the newer archive');
  const groups = [...select().querySelectorAll('optgroup')];
  assert.deepEqual(
    groups.map((g) => [g.label, [...g.querySelectorAll('option')].map((o) => o.value)]),
    [
      ['Backups', ['bbbb2222', 'aaaa1111']],
      ['Archives of closed cases', ['cccc3333']],
    ],
  );
  const latest = groups[0]!.querySelector('option')!.textContent!;
  assert.match(latest, /\d{1,2}:\d{2}:\d{2}.* · 2 hours ago \(latest\): 4 files, 2\.1 KB$/);
  assert.match(groups[0]!.querySelectorAll('option')[1]!.textContent!, / · 2 days ago: 3 files/);
  assert.match(groups[1]!.querySelector('option')!.textContent!, /^Archive of .* · 1 hour ago: 1 file, 10 bytes$/);

  fireEvent.change(select(), { target: { value: 'aaaa1111' } });
  assert.equal(select().value, 'aaaa1111', 'the person picks an older one');
  rerender(<Restore snapshots={snapshots} vaultDir="/v" />);
  assert.equal(select().value, 'aaaa1111', 'kept while nothing newer came');
  rerender(<Restore snapshots={[...snapshots, { id: 'dddd4444', time: ago(0), files: 4, bytes: 2200 }]} vaultDir="/v" />);
  assert.equal(select().value, 'dddd4444', 'a new backup is the default again');
});

const tree = { snapshot: 'bbbb2222', time: snapshots[1]!.time, files: [{ path: 'Member 0042/grievance.txt', size: 2048, mtimeMs: Date.parse(ago(3)) }] };
const versions: ApiResult<'fileVersions'> = {
  path: 'Member 0042/grievance.txt',
  versions: [
    { size: 2048, mtimeMs: Date.parse(ago(3)), chunks: 1, snapshots: [{ id: 'bbbb2222', time: snapshots[1]!.time }] },
    { size: 1500, mtimeMs: Date.parse(ago(80)), chunks: 1, snapshots: [{ id: 'aaaa1111', time: snapshots[0]!.time }] },
  ],
  unreadable: [],
};

test("a file's versions by when it changed; one restored with live progress in place of the button; the result names the file and where it went, with its folder", async () => {
  let finish!: (r: ApiResult<'restoreBackup'>) => void;
  bridge({
    snapshotTree: () => tree,
    fileVersions: () => versions,
    restoreBackup: () => new Promise((ok) => (finish = ok)),
  });
  let opened = 0;
  (window as unknown as { casevault: { openRestoredFolder: () => Promise<unknown> } }).casevault.openRestoredFolder = async () => {
    opened++;
    return { ok: true, value: {} };
  };
  render(<Restore snapshots={snapshots} vaultDir="/v" />);
  fireEvent.click(screen.getByRole('button', { name: 'Show the files in this backup' }));
  fireEvent.click(await screen.findByRole('button', { name: 'Open folder Member 0042' }));
  fireEvent.click(screen.getByRole('button', { name: 'Versions of Member 0042/grievance.txt' }));
  const list = await screen.findByRole('region', { name: 'Versions of Member 0042/grievance.txt' });
  assert.deepEqual(calls.at(-1), { method: 'fileVersions', params: { path: 'Member 0042/grievance.txt' } });
  const items = within(list).getAllByRole('listitem');
  assert.match(items[0]!.textContent!, /^Changed .*\d:\d{2}:\d{2}.* · 3 hours ago2\.0 KB; in 1 backup, the newest from /);
  assert.match(items[1]!.textContent!, /· 3 days ago1\.5 KB/);

  fireEvent.click(within(items[1]!).getByRole('button', { name: /^Restore the version changed / }));
  assert.deepEqual(calls.at(-1), { method: 'restoreBackup', params: { snapshot: 'aaaa1111', paths: ['Member 0042/grievance.txt'], to: '/v' } });
  act(() => emit('progress', { task: 'restore', filesDone: 0, filesTotal: 1, bytesDone: 512, bytesTotal: 1500 }));
  assert.match((await screen.findByTestId('restore-progress')).textContent!, /^Restoring 0 of 1 files: 512 bytes of 1\.5 KB/);
  screen.getByRole('progressbar', { name: 'Restoring: progress' });
  await act(async () =>
    finish({
      snapshot: 'aaaa1111',
      restored: 1,
      bytes: 1500,
      identical: 0,
      renamed: [{ path: 'Member 0042/grievance.txt', writtenAs: '/v/Member 0042/grievance (restored 2).txt' }],
      failed: [],
      to: '/v',
      written: [{ path: 'Member 0042/grievance.txt', writtenAs: '/v/Member 0042/grievance (restored 2).txt' }],
    }),
  );
  assert.equal(
    screen.getByTestId('restore-result').textContent,
    'Restored Member 0042/grievance.txt as /v/Member 0042/grievance (restored 2).txt, beside the file of the same name that was there (nothing was overwritten).',
  );
  assert.equal(screen.queryByTestId('restore-progress'), null);
  screen.getByText('/v/Member 0042');
  fireEvent.click(screen.getByRole('button', { name: 'Open folder' }));
  await act(async () => {});
  assert.equal(opened, 1, 'the desktop app opens the folder itself (the page sends no path)');
});

const run = { at: ago(2), ok: true, snapshot: 'bbbb2222', files: 4, bytesAdded: 100, durationMs: 800 };
/** The engine's answer: these facts and its judgement of them (engine/health/backups.ts). */
const status = (over: Partial<BackupFacts>): ApiResult<'backupStatus'> => {
  const facts: BackupFacts = {
    folder: '/media/usb/Casevault',
    reachable: true,
    lastBackup: run,
    lastAttempt: run,
    nextBackup: ago(-20),
    overdue: false,
    runs: [run],
    remembered: { at: ago(2), snapshots: 4, archives: 1, latest: ago(2) },
    damageFound: null,
    ...over,
  };
  return { ...facts, health: backupsHealth(facts, Date.now()) };
};

test('the backup drive away: Restore says so and what this computer remembers on it, not "no backups yet"', async () => {
  bridge({
    backupStatus: () => status({ reachable: false }),
    status: () => ({ vaultDir: '/v' }) as never,
    snapshotList: () => failure('unreachable', 'the backup folder cannot be found', 'plug-in-backup-drive'),
  });
  render(<Backups />);
  assert.match(
    (await screen.findByTestId('restore-state')).textContent!,
    /^The backup drive is away: plug it in \(or connect the share\) to restore from it\. This computer remembers 4 backups on it, the latest from .* · 2 hours ago\.$/,
  );
  const card = screen.getByRole('region', { name: 'Backups' });
  assert.ok(card.classList.contains('attention'), `the card is not green while the drive is away: ${card.className}`);
  assert.equal(screen.getByTestId('backups-health').textContent, 'The backup drive (/media/usb/Casevault) is not connected; the last backup was 2 hours ago.');
});

test('a file set as the backup folder (before files were refused there): the screen points to Change the backup folder, not to the drive', async () => {
  const never = { reachable: false, lastBackup: null, lastAttempt: null, runs: [], remembered: null };
  bridge({
    backupStatus: () => {
      const facts = { ...status(never) } as BackupFacts;
      return { ...facts, health: backupsHealth(facts, Date.now(), false, true) };
    },
    status: () => ({ vaultDir: '/v' }) as never,
    snapshotList: () => failure('usage', 'the backup folder /media/usb/Casevault is a file, not a folder', 'change-backup-folder'),
  });
  render(<Backups />);
  assert.equal(
    (await screen.findByTestId('backup-target')).textContent,
    'The backup folder is a file, not a folder: choose a folder in Settings, "Change the backup folder".',
  );
  assert.equal(
    screen.getByTestId('backups-health').textContent,
    'The backup folder /media/usb/Casevault is a file, not a folder; no backup has been taken yet.',
  );
});

test('the Backups card is green only when the engine finds the backups ok: a failed last run or a late backup say so, in red or amber', async () => {
  const shown = async (over: Partial<BackupFacts>) => {
    bridge({ backupStatus: () => status(over), status: () => ({ vaultDir: '/v' }) as never, snapshotList: () => ({ snapshots, unreadable: [], missing: [] }) });
    render(<Backups />);
    const card = await screen.findByRole('region', { name: 'Backups' });
    const said = [card.className.replace('card status ', ''), screen.queryByTestId('backups-health')?.textContent ?? null];
    cleanup();
    return said;
  };
  assert.deepEqual(await shown({}), ['ok', null]);
  const failed = { ...run, at: ago(1), ok: false, error: 'the drive is full' };
  assert.deepEqual(await shown({ lastAttempt: failed, runs: [failed, run] }), [
    'attention',
    'The last backup did not work (the drive is full); the last backup was 2 hours ago.',
  ]);
  const [late, words] = await shown({ nextBackup: ago(1) });
  assert.equal(late, 'busy');
  assert.match(words!, /^A backup has been due for 1 hour; the last backup was 2 hours ago\.$/);
});

test('Back up now: live progress in place of the button, then the result beside it, the vault folder asked for once', async () => {
  let finish!: (r: ApiResult<'backup'>) => void;
  bridge({
    backupStatus: () => status({}),
    status: () => ({ vaultDir: '/v' }) as never,
    snapshotList: () => ({ snapshots, unreadable: [], missing: [] }),
    backup: () => new Promise((ok) => (finish = ok)),
  });
  render(<Backups />);
  fireEvent.click(await screen.findByRole('button', { name: 'Back up now' }));
  act(() => emit('progress', { task: 'backup', filesDone: 1, filesTotal: 3, bytesDone: 2048, bytesTotal: 4096 }));
  assert.match((await screen.findByTestId('backup-progress')).textContent!, /^Backing up 1 of 3 files: 2\.0 KB of 4\.0 KB/);
  assert.equal(screen.queryByRole('button', { name: 'Back up now' }), null, 'the progress stands where the button was');
  await act(async () =>
    finish({
      snapshot: 'eeee5555',
      time: ago(0),
      files: 3,
      bytes: 4096,
      filesRead: 3,
      bytesRead: 4096,
      blobsAdded: 3,
      bytesAdded: 4096,
      packsWritten: 1,
      failed: [],
      skippedLinks: 0,
      unreadableFolders: 0,
      durationMs: 10,
    }),
  );
  const card = screen.getByRole('region', { name: 'Backups' });
  within(card).getByText('Backup taken: 3 files, 4.0 KB read.');
  within(card).getByRole('button', { name: 'Back up now' });
  const asked = (method: string) => calls.filter((c) => c.method === method).length;
  assert.ok(asked('backupStatus') >= 2, 'read again after the backup');
  assert.equal(asked('status'), 1, "the vault's status (a walk of the vault) is asked once, for the vault folder, not at every refresh");
});

test('no backup folder: the Backups screen offers to attach one (an old drive is adopted), instead of a dead end', async () => {
  let attached = false;
  bridge({
    backupStatus: () => (attached ? status({}) : status({ folder: null, reachable: false, lastBackup: null, lastAttempt: null, runs: [], remembered: null })),
    status: () => ({ vaultDir: '/v' }) as never,
    snapshotList: () => ({ snapshots, unreadable: [], missing: [] }),
    attachBackupFolder: (p) => {
      attached = true;
      return { folder: String(p.dir), previous: null, state: 'adopted', snapshots: 4, archives: 1, latest: ago(2), rewrapped: true };
    },
  });
  render(<Backups />);
  await screen.findByRole('heading', { name: 'No backup folder yet' });
  fireEvent.change(screen.getByLabelText('Backup folder (on a USB drive or a network share)'), { target: { value: ' /media/usb/Casevault ' } });
  fireEvent.click(screen.getByRole('button', { name: 'Use this folder for backups' }));
  await screen.findByRole('heading', { name: 'Restore' });
  screen.getByText(
    /^This folder holds this vault's backups: 4 backups, the latest from .* · 2 hours ago, and 1 archive of closed cases\. .* it is under the current ones now\.$/,
  );
  assert.deepEqual(
    calls.find((c) => c.method === 'attachBackupFolder'),
    { method: 'attachBackupFolder', params: { dir: '/media/usb/Casevault' } },
  );
});

test('first run: leaving the backup folder empty is warned about, and allowed', () => {
  bridge({});
  render(<FirstRun onDone={() => {}} />);
  screen.getByTestId('no-backup-warning');
  fireEvent.change(screen.getByLabelText('Backup folder on a separate drive (a USB drive or NAS share), or an s3:// address'), {
    target: { value: '/media/usb' },
  });
  assert.equal(screen.queryByTestId('no-backup-warning'), null);
  assert.equal(
    (screen.getByLabelText('Backup folder on a separate drive (a USB drive or NAS share), or an s3:// address') as HTMLInputElement).required,
    false,
  );
});

test('a backup that cannot be read is not hidden: the screen says how many, beside the list of the others', async () => {
  bridge({
    backupStatus: () => status({}),
    status: () => ({ vaultDir: '/v' }) as never,
    snapshotList: () => ({ snapshots, unreadable: ['eeee5555'], missing: [] }),
  });
  render(<Backups />);
  assert.match(
    (await screen.findByTestId('unreadable-snapshots')).textContent!,
    /^1 backup in the backup folder cannot be read: damaged or tampered with\. The others are listed below and can be restored; back up now/,
  );
  assert.ok(screen.getByRole('button', { name: 'Back up now' }), 'the way out is right there');
});

test('backups this computer took that are gone from the backup folder: said as a problem with its next step, beside the ones still there', async () => {
  bridge({
    backupStatus: () => status({}),
    status: () => ({ vaultDir: '/v' }) as never,
    snapshotList: () => ({ snapshots, unreadable: [], missing: ['dddd4444eeee', 'ffff6666aaaa'] }),
  });
  render(<Backups />);
  const alert = await screen.findByTestId('missing-snapshots');
  assert.equal(alert.getAttribute('role'), 'alert');
  assert.equal(
    alert.textContent,
    '2 backups this computer took are missing from the backup folder (dddd4444, ffff6666): deleted, or the folder put back to an earlier state, so they cannot be restored. The backups still there are listed below. Back up now, so that your files as they are today are in a backup, and check the backups below for anything else that is wrong.',
  );
  const card = screen.getByRole('region', { name: 'Backups' });
  within(card).getByRole('button', { name: 'Back up now' });
  await screen.findByRole('heading', { name: 'Restore' });
});
