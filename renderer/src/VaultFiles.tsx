// Home's list of the vault's files, each with its sync state; failed ones
// say why, with a Retry (a sync pass tries them again). Files can be chosen
// (one by one, or all those shown) and sent securely.
import { useId, useState } from 'react';
import { SendSecurely } from './SendSecurely.js';
import { count, sentence, size } from './text.js';
import { type ApiResult } from '../../contract/index.js';

type Files = ApiResult<'vaultFiles'>;
type State = Files['files'][number]['state'];

const LABEL: Record<State, string> = { synced: 'Synced', waiting: 'Waiting', failed: 'Failed' };
const SHOWN = 500;

/** `listedNow`: whether the cloud was listed for this list (StatusReport.cloudListedNow); if not, "Synced" is as of the last sync, and the list says so. */
export function VaultFiles({ files, listedNow, onRetry, busy }: { files: Files; listedNow: boolean; onRetry: () => void; busy: boolean }) {
  const [only, setOnly] = useState<State | ''>('');
  const [query, setQuery] = useState('');
  const id = useId();
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [sending, setSending] = useState(false);
  const q = query.trim().toLowerCase();
  const shown = files.files.filter((f) => (!only || f.state === only) && (!q || f.path.toLowerCase().includes(q)));
  const listed = shown.slice(0, SHOWN);
  const allChosen = listed.length > 0 && listed.every((f) => chosen.has(f.path));
  const choose = (paths: string[], on: boolean) => {
    const next = new Set(chosen);
    for (const p of paths) {
      if (on) next.add(p);
      else next.delete(p);
    }
    setChosen(next);
  };
  // Only files still in the list are sent (one may have gone since it was ticked).
  const toSend = files.files.filter((f) => chosen.has(f.path)).map((f) => f.path);
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Files in the vault</h2>
      {!listedNow && files.total > 0 && <p className="muted">Synced: in the cloud copy at the last sync (the cloud copy is not checked for this list).</p>}
      <div className="filters">
        <div>
          <label htmlFor={`${id}-state`}>Show</label>
          <select id={`${id}-state`} value={only} onChange={(e) => setOnly(e.target.value as State | '')}>
            <option value="">All files</option>
            <option value="failed">Failed</option>
            <option value="waiting">Waiting to sync</option>
            <option value="synced">Synced</option>
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-q`}>Name contains</label>
          <input id={`${id}-q`} type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
        </div>
      </div>
      {files.total > 0 && sending ? (
        <SendSecurely paths={toSend} onClose={() => setSending(false)} />
      ) : files.total > 0 ? (
        <div className="row wrap">
          <button type="button" className="primary" disabled={toSend.length === 0} onClick={() => setSending(true)}>
            {toSend.length === 0 ? 'Send securely…' : `Send ${count(toSend.length, 'file')} securely…`}
          </button>
          <span className="muted">Tick files to send them to someone outside the union, protected by a passphrase.</span>
        </div>
      ) : null}
      {files.total === 0 ? (
        <p>No files yet: drop some above, or put them in the vault folder.</p>
      ) : shown.length === 0 ? (
        <p>No file matches.</p>
      ) : (
        <table className="entries" aria-label="Files and their sync state">
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label="Choose all files shown"
                  checked={allChosen}
                  onChange={(e) =>
                    choose(
                      listed.map((f) => f.path),
                      e.target.checked,
                    )
                  }
                />
              </th>
              <th scope="col">File</th>
              <th scope="col">Size</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {listed.map((f) => (
              <tr key={f.path} data-state={f.state}>
                <td>
                  <input type="checkbox" aria-label={`Choose ${f.path}`} checked={chosen.has(f.path)} onChange={(e) => choose([f.path], e.target.checked)} />
                </td>
                <td>{f.path}</td>
                <td className="nowrap">{size(f.size)}</td>
                <td>
                  <span className={`state ${f.state}`}>{LABEL[f.state]}</span>
                  {f.reason && (
                    <>
                      <br />
                      <span>{sentence(f.reason)}</span>
                      <br />
                      <button type="button" onClick={onRetry} disabled={busy} aria-label={`Retry ${f.path}`}>
                        Retry
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {shown.length > SHOWN && (
        <p className="muted">
          Showing the first {SHOWN} of {shown.length}: narrow the list with the name.
        </p>
      )}
      {files.files.length < files.total && (
        <p className="muted">
          The vault holds {files.total} files; the list shows {files.files.length}.
        </p>
      )}
    </section>
  );
}
