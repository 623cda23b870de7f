// "Check the backups": every backup read back and checked (verifyBackup),
// the step the app names when a backup cannot be read (failures.ts,
// 'verify-backup'). The result says whether all is sound; if not, what is
// wrong, which backups restore only in part, and what to do next: back up
// now (and keep the drive for what only it holds), or, once a later backup
// has stored the damaged data again, nothing but watching the drive.
import { useId, useState } from 'react';
import { call } from './api.js';
import { useTaskProgress } from './TaskProgress.js';
import { count, size } from './text.js';
import { useUnlocked } from './Unlock.js';
import type { ApiResult } from '../../contract/index.js';

type Report = ApiResult<'verifyBackup'>;

/** Problems listed one by one; the rest are counted. */
const LISTED = 10;

function Outcome({ r }: { r: Report }) {
  const checked = `${count(r.snapshots, 'backup')} and ${count(r.packs, 'pack')} of data read back and checked (${size(r.bytes)}).`;
  if (r.bad.length === 0) {
    return (
      <p className="state synced" role="status" data-testid="check-backups-result">
        All sound: {checked}
      </p>
    );
  }
  if (r.bad.every((b) => b.healed)) {
    return (
      <p className="state waiting" role="status" data-testid="check-backups-result">
        Every backup restores in full. Part of the backup folder was damaged (the drive altered it), but a later backup stored all of that data again, so
        nothing needs it any more; it stays in the folder, unused. If the drive damages data again, replace it. {checked}
      </p>
    );
  }
  return (
    <div role="alert" data-testid="check-backups-result">
      <p className="state failed">
        {count(r.bad.length, 'problem')} found in the backup folder: damaged, tampered with or missing data. {checked}
      </p>
      <ul>
        {r.bad.slice(0, LISTED).map((b) => (
          <li key={b.item}>
            {b.item}: {b.reason}
          </li>
        ))}
        {r.bad.length > LISTED && <li>and {count(r.bad.length - LISTED, 'more problem')}</li>}
      </ul>
      {r.damagedSnapshots.length > 0 && (
        <p>
          {r.damagedSnapshots.length === 1 ? '1 backup restores' : `${r.damagedSnapshots.length} backups restore`} only in part: restoring{' '}
          {r.damagedSnapshots.length === 1 ? 'it' : 'them'} recovers every other file.
        </p>
      )}
      <p>Back up now, so that your files as they are today are in a sound backup, and keep this drive for the files only it holds.</p>
    </div>
  );
}

export function CheckBackups({ onChecked }: { onChecked: () => void }) {
  const [report, setReport] = useState<Report | undefined>();
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const progress = useTaskProgress('verify');
  const { run, prompt } = useUnlocked();
  const id = useId();

  const check = async () => {
    setBusy(true);
    setMessage('');
    setReport(undefined);
    progress.reset();
    await run('Checking the backups decrypts them, which needs the passphrase.', () => call('verifyBackup', {}), setReport, setMessage);
    progress.reset();
    setBusy(false);
    onChecked();
  };

  const last = progress.run?.last;
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      {prompt}
      <h2 id={`${id}-h`}>Check the backups</h2>
      <p className="muted">Reads every backup back from the backup folder and checks it, so damage on the drive is found before a restore needs it.</p>
      {busy ? (
        <p className="muted" aria-live="polite" data-testid="check-backups-progress">
          {last && last.filesTotal > 0 ? `Reading back ${last.filesDone} of ${count(last.filesTotal, 'pack')}…` : 'Checking…'}
        </p>
      ) : (
        <button type="button" onClick={() => void check()}>
          Check the backups
        </button>
      )}
      {report && <Outcome r={report} />}
      {message && <p role="alert">{message}</p>}
    </section>
  );
}
