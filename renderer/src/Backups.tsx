import { useCallback, useEffect, useId, useState } from 'react';
import { call } from './api.js';
import { Restore } from './Restore.js';
import { nextBackupWords, size, when as plainWhen } from './text.js';
import { useUnlocked } from './Unlock.js';
import { type ApiResult } from '../../contract/index.js';
import { explain } from './failures.js';

type Snapshots = ApiResult<'snapshots'>;
type BackupStatus = ApiResult<'backupStatus'>;

const when = (iso: string | null | undefined) => (iso ? plainWhen(iso) : 'never');

export function Backups() {
  const [status, setStatus] = useState<BackupStatus | undefined>();
  const [snapshots, setSnapshots] = useState<Snapshots>([]);
  const [vaultDir, setVaultDir] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const { run, prompt } = useUnlocked();
  const id = useId();

  const refresh = useCallback(async () => {
    try {
      const [st, snaps, vault] = await Promise.all([call('backupStatus'), call('snapshots').catch(() => [] as Snapshots), call('status')]);
      setStatus(st);
      setSnapshots(snaps);
      setVaultDir(vault.vaultDir);
    } catch (e) {
      setMessage(explain(e));
    }
  }, []);
  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), 5000);
    return () => clearInterval(timer);
  }, [refresh]);

  const backUpNow = async () => {
    setBusy(true);
    setMessage('');
    await run(
      'Backing up needs no passphrase.',
      () => call('backup'),
      (r) => setMessage(`Backup taken: ${r.files} files, ${size(r.bytesRead)} read.`),
      setMessage,
    );
    setBusy(false);
    await refresh();
  };

  if (!status) return <p>{message || 'Loading…'}</p>;
  if (!status.folder) {
    return (
      <section className="card">
        <h2>Backups</h2>
        <p>
          No backup folder is set up for this vault yet. Backups go to a separate place (a USB drive or a NAS share), so a mistake or ransomware that reaches
          the cloud cannot reach them.
        </p>
      </section>
    );
  }
  return (
    <>
      {prompt}
      <section className={`card status ${status.overdue ? 'attention' : 'ok'}`} aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>{status.overdue ? 'Backups are overdue: plug in the backup drive' : 'Backups'}</h2>
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
        <p className={`state ${status.reachable ? 'synced' : 'failed'}`} data-testid="backup-target">
          {status.reachable ? 'The backup folder is connected.' : 'The backup folder cannot be reached: plug in the backup drive (or connect to the share).'}
        </p>
        <button type="button" className="primary" onClick={() => void backUpNow()} disabled={busy}>
          Back up now
        </button>
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
                        <span className="state synced">Backed up</span> {r.files === 1 ? '1 file' : `${r.files} files`}, {size(r.bytesAdded)} new
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
      {snapshots.length === 0 ? (
        <section className="card">
          <h2>Restore</h2>
          <p>No backups yet: once the first one is taken, its files can be restored from here.</p>
        </section>
      ) : (
        <Restore snapshots={snapshots} vaultDir={vaultDir} />
      )}
      {message && (
        <p className="card" role="status">
          {message}
        </p>
      )}
    </>
  );
}
