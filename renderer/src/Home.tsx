// Home: the vault's health as its headline (the worst problem and its fix
// right there, the other problems under it; "Everything is protected" only
// when the engine finds every area ok), the file counts, the vault folder,
// the drop zone and every file's sync state. Everything on it is the
// engine's status, read again every few seconds: nothing is kept in the
// page, so a reload or a restart shows the same truth.
import { useCallback, useEffect, useRef, useState } from 'react';
import { call, canOpenVaultFolder, onEvent, openVaultFolder } from './api.js';
import { DropZone } from './DropZone.js';
import { HealthFix } from './HealthFix.js';
import { useNewest, usePolling } from './polling.js';
import { describeRun, follow, running, type Run } from './progress.js';
import { ago, nextBackupWords, sentence, syncOutcome, tone, when } from './text.js';
import { VaultFiles } from './VaultFiles.js';
import { worstFirst, type ApiResult } from '../../contract/index.js';
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

/** The headline: the worst problem the engine found, or that everything is protected (with the last backup). */
function Health({ status, now, onFixed }: { status: Status; now: number; onFixed: () => Promise<void> }) {
  const [worst, ...others] = worstFirst(status.health).filter((h) => !h.ok);
  const context = { settingsFolder: status.settingsFolder, hasBackup: status.lastBackup !== null };
  if (!worst) {
    return <h2 data-testid="overall">Everything is protected{status.lastBackup ? ` · last backup ${ago(status.lastBackup, now)}` : ''}</h2>;
  }
  return (
    <>
      <h2 data-testid="overall">{sentence(worst.message)}</h2>
      <HealthFix key={worst.area} item={worst} onFixed={onFixed} context={context} />
      {others.length > 0 && (
        <div className="stack" data-testid="other-problems">
          <h3>Also needs attention</h3>
          <ul className="problems">
            {others.map((h, i) => (
              <li key={h.area} data-area={h.area}>
                <p>{sentence(h.message)}</p>
                {/* One fix is offered once: a problem that the same step fixes as one above it (the new passphrase, "Check again") says only its sentence. */}
                {![worst, ...others.slice(0, i)].some((o) => o.next === h.next) && <HealthFix item={h} onFixed={onFixed} context={context} />}
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

/** The worst problem's sentence ('' when every area is ok). */
const headlineOf = (status: Status) => worstFirst(status.health).find((h) => !h.ok)?.message ?? '';

export function Home() {
  const [status, setStatus] = useState<Status | undefined>();
  const [files, setFiles] = useState<Files | undefined>();
  const [run, setRun] = useState<Run | undefined>();
  const [now, setNow] = useState(Date.now());
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  // The headline "Sync now"'s sentence was said under: once the engine's headline is another, the sentence is out of date and is not shown.
  const [saidUnder, setSaidUnder] = useState<string | undefined>();
  const headlineNow = useRef('');

  const newest = useNewest();
  const refresh = useCallback(async () => {
    const current = newest();
    await call('homeView').then(
      (v) => {
        if (!current()) return;
        headlineNow.current = headlineOf(v.status);
        setStatus(v.status);
        setFiles(v.files);
      },
      (e: unknown) => current() && setMessage(explain(e)),
    );
  }, [newest]);
  usePolling(refresh, 5000);
  useEffect(() => {
    const off = onEvent('progress', (p) => {
      if (p.task === 'sync') setRun((r) => follow(r, p, Date.now()));
    });
    const clock = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      off();
      clearInterval(clock);
    };
  }, []);

  const syncNow = async () => {
    setBusy(true);
    setMessage('');
    let outcome: string;
    try {
      outcome = syncOutcome(await call('sync'), 'Everything is encrypted and in the cloud.', 'see below');
    } catch (e) {
      outcome = explain(e);
    }
    await refresh();
    setBusy(false);
    setMessage(outcome);
    setSaidUnder(headlineNow.current);
  };

  if (!status) return <p>{message || 'Loading…'}</p>;
  return (
    <>
      <section className={`card status ${tone(status.health)}`} aria-live="polite">
        <Health status={status} now={now} onFixed={refresh} />
        <dl className="counts">
          <div>
            <dt>Files</dt>
            <dd data-testid="total">{status.files.total}</dd>
          </div>
          <div>
            <dt>{status.cloudListedNow ? 'Synced' : 'Synced at the last sync'}</dt>
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
          Last sync: {status.lastSync ? when(status.lastSync.at) : 'never'}
          {status.nextBackup && (
            <>
              <br />
              Last backup: {status.lastBackup ? ago(status.lastBackup, now) : 'never'} · Next backup: {nextBackupWords(status.nextBackup, now)}
            </>
          )}
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
        {message && (saidUnder === undefined || saidUnder === headlineOf(status)) && <p role="status">{message}</p>}
      </section>
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
      {files && <VaultFiles files={files} listedNow={status.cloudListedNow} onRetry={() => void syncNow()} busy={busy} />}
    </>
  );
}
