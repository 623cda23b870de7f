import { useCallback, useEffect, useId, useState } from 'react';
import type { ApiResult } from '../../engine/api.js';
import { ApiError, call } from './api.js';
import { sentence } from './text.js';
import { useUnlocked } from './Unlock.js';

type Snapshots = ApiResult<'snapshots'>;
type BackupStatus = ApiResult<'backupStatus'>;

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : 'never');
const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

export function Backups() {
  const [status, setStatus] = useState<BackupStatus | undefined>();
  const [snapshots, setSnapshots] = useState<Snapshots>([]);
  const [chosen, setChosen] = useState('');
  const [what, setWhat] = useState('');
  const [to, setTo] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const { run, prompt } = useUnlocked();
  const id = useId();

  const refresh = useCallback(async () => {
    try {
      const [st, snaps, vault] = await Promise.all([call('backupStatus'), call('snapshots').catch(() => [] as Snapshots), call('status')]);
      setStatus(st);
      setSnapshots(snaps);
      setTo((t) => t || vault.vaultDir);
      setChosen((c) => c || snaps.at(-1)?.id || '');
    } catch (e) {
      setMessage(e instanceof ApiError ? sentence(e.message) : 'Something went wrong.');
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
    await run('Backing up needs no passphrase.', () => call('backup'), (r) => setMessage(`Backup taken: ${r.files} files, ${mib(r.bytesRead)} read.`), setMessage);
    setBusy(false);
    await refresh();
  };

  const restore = () => {
    setMessage('');
    setBusy(true);
    void run(
      'Restoring reads the backup, so it needs the passphrase (or the recovery key).',
      () => call('restoreBackup', { snapshot: chosen || 'latest', to, ...(what.trim() ? { path: what.trim() } : {}) }),
      (r) => {
        const beside = r.renamed.length ? ` ${r.renamed.length} went beside a file of the same name (nothing was overwritten).` : '';
        const failed = r.failed.length ? ` ${r.failed.length} could not be restored.` : '';
        setMessage(`Restored ${r.restored} ${r.restored === 1 ? 'file' : 'files'} (${mib(r.bytes)}).${beside}${failed}`);
        setBusy(false);
      },
      (m) => {
        setMessage(m);
        setBusy(false);
      },
    );
  };

  if (!status) return <p>{message || 'Loading…'}</p>;
  if (!status.folder) {
    return (
      <section className="card">
        <h2>Backups</h2>
        <p>No backup folder is set up for this vault yet. Backups go to a separate place (a USB drive or a NAS share), so a mistake or ransomware that reaches the cloud cannot reach them.</p>
      </section>
    );
  }
  return (
    <>
      {prompt}
      <section className={`card status ${status.overdue ? 'attention' : 'ok'}`} aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>{status.overdue ? 'Backups are overdue: plug in the backup drive' : 'Backups'}</h2>
        <p className="muted">
          Backup folder: {status.folder}<br />Last backup: {when(status.lastBackup?.at)}<br />Next backup: {when(status.nextBackup)}
          {status.lastAttempt && !status.lastAttempt.ok && <><br />The last attempt did not work; it will be tried again.</>}
        </p>
        <button type="button" className="primary" onClick={() => void backUpNow()} disabled={busy}>Back up now</button>
      </section>
      <section className="card" aria-labelledby={`${id}-r`}>
        <h2 id={`${id}-r`}>Restore</h2>
        {snapshots.length === 0 ? (
          <p>No backups yet.</p>
        ) : (
          <>
            <label htmlFor={`${id}-snap`}>Backup to restore from</label>
            <select id={`${id}-snap`} value={chosen} onChange={(e) => setChosen(e.target.value)}>
              {[...snapshots].reverse().map((s) => (
                <option key={s.id} value={s.id}>{new Date(s.time).toLocaleString()}: {s.files} files, {mib(s.bytes)}</option>
              ))}
            </select>
            <label htmlFor={`${id}-what`}>File or folder to restore (leave empty for everything)</label>
            <input id={`${id}-what`} value={what} onChange={(e) => setWhat(e.target.value)} placeholder="Members/0042/letter.docx" />
            <label htmlFor={`${id}-to`}>Restore into</label>
            <input id={`${id}-to`} value={to} onChange={(e) => setTo(e.target.value)} />
            <button type="button" className="primary" onClick={restore} disabled={busy || !to}>Restore</button>
          </>
        )}
      </section>
      {message && <p className="card" role="status">{message}</p>}
    </>
  );
}
