import { useCallback, useEffect, useState } from 'react';
import { call, canOpenVaultFolder, onEvent, openVaultFolder } from './api.js';
import { DropZone } from './DropZone.js';
import { useNavigate } from './nav.js';
import { describeRun, follow, running, type Run } from './progress.js';
import { count } from './text.js';
import { VaultFiles } from './VaultFiles.js';
import { type ApiResult } from '../../contract/index.js';
import { explain } from './failures.js';

type Status = ApiResult<'status'>;
type Files = ApiResult<'vaultFiles'>;

/** The desktop app opens the folder; a browser tab cannot, so it offers the path to copy. */
function VaultFolder({ dir }: { dir: string }) {
  const [note, setNote] = useState('');
  const open = () =>
    openVaultFolder().then(
      () => setNote(''),
      (e: unknown) => setNote(explain(e)),
    );
  const copy = () =>
    navigator.clipboard.writeText(dir).then(
      () => setNote('Copied.'),
      () => setNote('Select the path and copy it.'),
    );
  return (
    <p className="row wrap">
      <span>
        Vault folder:{' '}
        <span className="path" data-testid="vault-dir">
          {dir}
        </span>
      </span>
      {canOpenVaultFolder() ? (
        <button type="button" onClick={() => void open()}>
          Open vault folder
        </button>
      ) : (
        <button type="button" onClick={() => void copy()}>
          Copy the folder&apos;s path
        </button>
      )}
      {note && <span role="status">{note}</span>}
    </p>
  );
}

function overall(s: Status): { label: string; tone: 'ok' | 'busy' | 'attention' } {
  if (s.files.failed > 0) return { label: 'Needs attention', tone: 'attention' };
  if (s.files.pending > 0 || s.pendingDeletions > 0) return { label: 'Changes waiting to sync', tone: 'busy' };
  return { label: 'All files are safe in the cloud', tone: 'ok' };
}

export function Home() {
  const [status, setStatus] = useState<Status | undefined>();
  const [files, setFiles] = useState<Files | undefined>();
  const [run, setRun] = useState<Run | undefined>();
  const [now, setNow] = useState(Date.now());
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();

  const refresh = useCallback(async () => {
    await call('status').then(setStatus, (e: unknown) => setMessage(explain(e)));
    await call('vaultFiles').then(setFiles, () => {});
  }, []);
  useEffect(() => {
    void refresh();
    const off = onEvent('progress', (p) => {
      if (p.task === 'sync') setRun((r) => follow(r, p, Date.now()));
    });
    const timer = setInterval(() => void refresh(), 5000);
    const clock = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      off();
      clearInterval(timer);
      clearInterval(clock);
    };
  }, [refresh]);

  const syncNow = async () => {
    setBusy(true);
    setMessage('');
    let outcome: string;
    try {
      const r = await call('sync');
      outcome = r.failed.length > 0 ? `${count(r.failed.length, 'file')} could not be synced; see below.` : 'Everything is encrypted and in the cloud.';
    } catch (e) {
      outcome = explain(e);
    }
    await refresh();
    setBusy(false);
    setMessage(outcome);
  };

  if (!status) return <p>{message || 'Loading…'}</p>;
  const o = overall(status);
  return (
    <>
      <section className={`card status ${o.tone}`} aria-live="polite">
        <h2 data-testid="overall">{o.label}</h2>
        <dl className="counts">
          <div>
            <dt>Files</dt>
            <dd data-testid="total">{status.files.total}</dd>
          </div>
          <div>
            <dt>Synced</dt>
            <dd data-testid="synced">{status.files.synced}</dd>
          </div>
          <div>
            <dt>Waiting</dt>
            <dd data-testid="pending">{status.files.pending}</dd>
          </div>
          <div>
            <dt>Failed</dt>
            <dd data-testid="failed">{status.files.failed}</dd>
          </div>
        </dl>
        <VaultFolder dir={status.vaultDir} />
        <p className="muted">
          Cloud copy: {status.cloud}
          <br />
          Last sync: {status.lastSync ? new Date(status.lastSync.at).toLocaleString() : 'never'}
        </p>
        {running(run, now) && (
          <>
            <progress
              max={run.last.bytesTotal || run.last.filesTotal}
              value={run.last.bytesTotal ? run.last.bytesDone : run.last.filesDone}
              aria-label="Sync progress"
            />
            <p className="muted" data-testid="progress">
              Syncing {run.last.filesDone} of {run.last.filesTotal} files: {describeRun(run, now)}
            </p>
          </>
        )}
        <button type="button" className="primary" onClick={syncNow} disabled={busy}>
          {busy ? 'Syncing…' : 'Sync now'}
        </button>
        {message && <p role="status">{message}</p>}
      </section>
      {status.accessReviewDue && (
        <section className="card notice" aria-labelledby="review-due">
          <h2 id="review-due">Access review due</h2>
          <p>It is time to check who can open this vault and that the audit trail shows only what you expect.</p>
          <button type="button" onClick={() => navigate('audit')}>
            Review access
          </button>
        </section>
      )}
      <DropZone onAdded={() => void refresh()} />
      {status.conflicts.length > 0 && (
        <section className="card">
          <h2>Changed on another computer too</h2>
          <ul>
            {status.conflicts.map((c) => (
              <li key={c.path}>
                <strong>{c.path}</strong>: this computer&apos;s version is kept in the cloud as <strong>{c.keptAs}</strong>.
              </li>
            ))}
          </ul>
        </section>
      )}
      {files && <VaultFiles files={files} onRetry={() => void syncNow()} busy={busy} />}
    </>
  );
}
