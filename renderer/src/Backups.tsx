// The Backups screen: where backups go (attach a folder when there is none),
// the last and next backup, "Back up now" (its live progress in place of the
// button, its result beside it), the recent runs, then Restore, then
// "Check the backups" (CheckBackups.tsx). With the
// drive away, Restore says so, and what this computer remembers is on it.
// Backups that cannot be read, and backups this computer took that are gone
// from the folder, are said as problems with their next step (never left out).
import { useCallback, useEffect, useId, useState } from 'react';
import { ApiError, call } from './api.js';
import { attachedText, BackupFolderCard } from './BackupFolder.js';
import { CheckBackups } from './CheckBackups.js';
import { useNewest, usePolling } from './polling.js';
import { Restore } from './Restore.js';
import { TaskProgress, useTaskProgress } from './TaskProgress.js';
import { count, exactAndAgo, nextBackupWords, sentence, size, tone, when as plainWhen } from './text.js';
import { useUnlocked } from './Unlock.js';
import { fileCount, type ApiResult } from '../../contract/index.js';
import { explain } from './failures.js';

type Snapshots = ApiResult<'snapshots'>;
type BackupStatus = ApiResult<'backupStatus'>;

const when = (iso: string | null | undefined) => (iso ? plainWhen(iso) : 'never');

/** Whether this folder has ever held a backup, as far as this computer knows (it may be away now). */
const hasHistory = (s: BackupStatus) => !!s.lastBackup || (s.remembered !== null && s.remembered.snapshots + s.remembered.archives > 0);

/** The Restore card when there is nothing to pick from: no backup yet, the drive away, or why the list could not be read. */
function NoRestore({ status, failure }: { status: BackupStatus; failure: ApiError | undefined }) {
  const known = status.remembered;
  const away = !status.reachable || failure?.kind === 'unreachable';
  let text: string;
  if (away && hasHistory(status)) {
    text = `The backup drive is away: plug it in (or connect the share) to restore from it. ${
      known && known.snapshots > 0
        ? `This computer remembers ${count(known.snapshots, 'backup')} on it${known.latest ? `, the latest from ${exactAndAgo(known.latest)}` : ''}.`
        : ''
    }`.trim();
  } else if (!failure || !hasHistory(status)) {
    text = 'No backups yet: once the first one is taken, its files can be restored from here.';
  } else {
    text = explain(failure);
  }
  return (
    <section className="card">
      <h2>Restore</h2>
      <p data-testid="restore-state">{text}</p>
    </section>
  );
}

export function Backups() {
  const [status, setStatus] = useState<BackupStatus | undefined>();
  const [snapshots, setSnapshots] = useState<Snapshots>([]);
  const [unreadable, setUnreadable] = useState(0);
  const [missing, setMissing] = useState<string[]>([]);
  const [failure, setFailure] = useState<ApiError | undefined>();
  const [vaultDir, setVaultDir] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const progress = useTaskProgress('backup');
  const { run, prompt } = useUnlocked();
  const id = useId();

  const newest = useNewest();
  const refresh = useCallback(async () => {
    const current = newest();
    try {
      const st = await call('backupStatus');
      if (!current()) return;
      setStatus(st);
      if (!st.folder) return;
      await call('snapshotList').then(
        (s) => {
          if (!current()) return;
          setSnapshots(s.snapshots);
          setUnreadable(s.unreadable.length);
          setMissing(s.missing);
          setFailure(undefined);
        },
        (e: unknown) => {
          if (!current()) return;
          setSnapshots([]);
          setUnreadable(0);
          setMissing([]);
          setFailure(e instanceof ApiError ? e : undefined);
        },
      );
    } catch (e) {
      if (current()) setMessage(explain(e));
    }
  }, [newest]);
  usePolling(refresh, 5000);
  // Where a restore puts files back by default: asked once, not at every poll (a status walks the vault).
  useEffect(() => {
    void call('status').then(
      (v) => setVaultDir(v.vaultDir),
      (e: unknown) => setMessage(explain(e)),
    );
  }, []);

  const backUpNow = async () => {
    setBusy(true);
    setMessage('');
    progress.reset();
    await run(
      'Backing up needs no passphrase.',
      () => call('backup'),
      (r) => setMessage(`Backup taken: ${count(r.files, 'file')}, ${size(r.bytesRead)} read.`),
      setMessage,
    );
    progress.reset(); // this run is over, whatever its last progress event said
    setBusy(false);
    await refresh();
  };

  if (!status) return <p>{message || 'Loading…'}</p>;
  if (!status.folder) {
    return (
      <BackupFolderCard
        title="No backup folder yet"
        current={null}
        onAttached={(r) => {
          setMessage(attachedText(r)); // shown beside "Back up now" once the screen has its folder
          void refresh();
        }}
      >
        <p>
          Backups go to a separate place (a USB drive or a NAS share), so a mistake or ransomware that reaches the cloud cannot reach them. Choose a folder
          there; if this vault was backed up before (on a computer you no longer use), choose that backup folder and its backups can be restored here.
        </p>
      </BackupFolderCard>
    );
  }
  const neverBackedUp = !hasHistory(status);
  return (
    <>
      {prompt}
      <section className={`card status ${unreadable > 0 || missing.length > 0 ? 'attention' : tone([status.health])}`} aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>{status.overdue ? 'Backups are overdue: plug in the backup drive' : 'Backups'}</h2>
        {!status.health.ok && <p data-testid="backups-health">{sentence(status.health.message)}</p>}
        <p className="muted">
          Backup folder: {status.folder}
          <br />
          Last backup: {when(status.lastBackup?.at)}
          <br />
          Next backup: {status.nextBackup ? nextBackupWords(status.nextBackup, Date.now()) : 'never'}
          {status.lastAttempt && !status.lastAttempt.ok && (
            <>
              <br />
              The last attempt did not work; it will be tried again.
            </>
          )}
        </p>
        <p
          className={`state ${status.reachable ? 'synced' : neverBackedUp && status.health.next !== 'change-backup-folder' ? 'waiting' : 'failed'}`}
          data-testid="backup-target"
        >
          {status.reachable
            ? 'The backup folder is connected.'
            : status.health.next === 'change-backup-folder'
              ? 'The backup folder is a file, not a folder: choose a folder in Settings, "Change the backup folder".'
              : neverBackedUp
                ? 'The backup folder is not there yet: the first backup makes it (with its drive plugged in).'
                : 'The backup folder cannot be reached: plug in the backup drive (or connect to the share).'}
        </p>
        {busy || progress.running ? (
          <TaskProgress verb="Backing up" run={progress.run} now={progress.now} testId="backup-progress" />
        ) : (
          <button type="button" className="primary" onClick={() => void backUpNow()}>
            Back up now
          </button>
        )}
        {message && <p role="status">{message}</p>}
        {unreadable > 0 && (
          <p className="state failed" role="alert" data-testid="unreadable-snapshots">
            {count(unreadable, 'backup')} in the backup folder cannot be read: damaged or tampered with. The others are listed below and can be restored; back
            up now, so that your files as they are today are in a sound backup.
          </p>
        )}
        {missing.length > 0 && (
          <p className="state failed" role="alert" data-testid="missing-snapshots">
            {missing.length === 1 ? '1 backup this computer took is' : `${missing.length} backups this computer took are`} missing from the backup folder (
            {missing.map((m) => m.slice(0, 8)).join(', ')}): deleted, or the folder put back to an earlier state, so {missing.length === 1 ? 'it' : 'they'}{' '}
            cannot be restored.{snapshots.length > 0 ? ' The backups still there are listed below.' : ''} Back up now, so that your files as they are today are
            in a backup, and check the backups below for anything else that is wrong.
          </p>
        )}
      </section>
      {status.runs.length > 0 && (
        <section className="card" aria-labelledby={`${id}-runs`}>
          <h2 id={`${id}-runs`}>Recent backups</h2>
          <table className="entries">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Result</th>
                <th scope="col">Took</th>
              </tr>
            </thead>
            <tbody>
              {status.runs.map((r) => (
                <tr key={r.at}>
                  <td className="nowrap">{plainWhen(r.at)}</td>
                  <td>
                    {r.ok ? (
                      <>
                        <span className="state synced">Backed up</span> {fileCount(r.files)}, {size(r.bytesAdded)} new
                      </>
                    ) : (
                      <>
                        <span className="state failed">Did not work</span>
                        {r.error ? `: ${r.error}` : ''}
                      </>
                    )}
                  </td>
                  <td className="nowrap">{r.durationMs < 1000 ? 'under a second' : `${Math.round(r.durationMs / 1000)} s`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {snapshots.length > 0 ? <Restore snapshots={snapshots} vaultDir={vaultDir} /> : <NoRestore status={status} failure={failure} />}
      {status.reachable && !neverBackedUp && <CheckBackups onChecked={() => void refresh()} />}
    </>
  );
}
