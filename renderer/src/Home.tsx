import { useCallback, useEffect, useState } from 'react';
import type { ApiResult } from '../../engine/api.js';
import type { ProgressEvent } from '../../engine/events.js';
import { ApiError, call, onEvent } from './api.js';
import { DropZone } from './DropZone.js';
import { useNavigate } from './nav.js';
import { sentence } from './text.js';

type Status = ApiResult<'status'>;

function overall(s: Status): { label: string; tone: 'ok' | 'busy' | 'attention' } {
  if (s.files.failed > 0) return { label: 'Needs attention', tone: 'attention' };
  if (s.files.pending > 0 || s.pendingDeletions > 0) return { label: 'Changes waiting to sync', tone: 'busy' };
  return { label: 'All files are safe in the cloud', tone: 'ok' };
}

export function Home() {
  const [status, setStatus] = useState<Status | undefined>();
  const [progress, setProgress] = useState<ProgressEvent | undefined>();
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();

  const refresh = useCallback(() => call('status').then(setStatus, (e: ApiError) => setMessage(sentence(e.message))), []);
  useEffect(() => {
    void refresh();
    const off = onEvent('progress', setProgress);
    const timer = setInterval(() => void refresh(), 5000);
    return () => {
      off();
      clearInterval(timer);
    };
  }, [refresh]);

  const syncNow = async () => {
    setBusy(true);
    setMessage('');
    let outcome: string;
    try {
      const r = await call('sync');
      outcome = r.failed.length > 0 ? `${r.failed.length} files could not be synced; see below.` : 'Everything is encrypted and in the cloud.';
    } catch (e) {
      outcome = e instanceof ApiError ? sentence(e.message) : 'Something went wrong.';
    }
    await refresh();
    setBusy(false);
    setProgress(undefined);
    setMessage(outcome);
  };

  if (!status) return <p>{message || 'Loading…'}</p>;
  const o = overall(status);
  return (
    <>
      <section className={`card status ${o.tone}`} aria-live="polite">
        <h2 data-testid="overall">{o.label}</h2>
        <dl className="counts">
          <div><dt>Files</dt><dd data-testid="total">{status.files.total}</dd></div>
          <div><dt>Synced</dt><dd data-testid="synced">{status.files.synced}</dd></div>
          <div><dt>Waiting</dt><dd data-testid="pending">{status.files.pending}</dd></div>
          <div><dt>Failed</dt><dd data-testid="failed">{status.files.failed}</dd></div>
        </dl>
        <p className="muted">Vault folder: {status.vaultDir}<br />Cloud copy: {status.cloud}<br />Last sync: {status.lastSync ? new Date(status.lastSync.at).toLocaleString() : 'never'}</p>
        {busy && progress && progress.filesTotal > 0 && (
          <progress max={progress.filesTotal} value={progress.filesDone} aria-label="Sync progress">{progress.filesDone} of {progress.filesTotal}</progress>
        )}
        <button type="button" className="primary" onClick={syncNow} disabled={busy}>{busy ? 'Syncing…' : 'Sync now'}</button>
        {message && <p role="status">{message}</p>}
      </section>
      {status.accessReviewDue && (
        <section className="card notice" aria-labelledby="review-due">
          <h2 id="review-due">Access review due</h2>
          <p>It is time to check who can open this vault and that the audit trail shows only what you expect.</p>
          <button type="button" onClick={() => navigate('audit')}>Review access</button>
        </section>
      )}
      <DropZone onAdded={() => void refresh()} />
      {status.conflicts.length > 0 && (
        <section className="card">
          <h2>Changed on another computer too</h2>
          <ul>
            {status.conflicts.map((c) => (
              <li key={c.path}><strong>{c.path}</strong>: this computer&apos;s version is kept in the cloud as <strong>{c.keptAs}</strong>.</li>
            ))}
          </ul>
        </section>
      )}
      {status.failures.length > 0 && (
        <section className="card">
          <h2>Files that need attention</h2>
          <ul>
            {status.failures.map((f) => (
              <li key={f.path}><strong>{f.path}</strong>: {f.reason}</li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
