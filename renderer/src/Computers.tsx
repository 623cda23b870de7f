// Settings → "Computers using this vault": every computer with its status
// (active, lost with the wipe ordered, wiped on a date), and the lost or
// stolen computer's flow in one sitting: pick it, mark it lost and order the
// wipe, rotate the keys (the card below), print the breach report for the
// data-protection lead; found again clears it. Screen: docs/desktop-app.md.
import { useEffect, useId, useState } from 'react';
import { ApiError, call } from './api.js';
import { explain } from './failures.js';
import { count, exactWhen, when } from './text.js';
import { useUnlocked } from './Unlock.js';
import { breachReportHtml, recordNotes, type BreachReport, type DeviceInfo } from '../../contract/index.js';

function statusText(d: DeviceInfo): string {
  if (d.status === 'wiped') return `Lost: wiped on ${exactWhen(d.wipedAt!)}`;
  if (d.status === 'lost') return d.wipe === 'ordered' ? 'Lost: wipe ordered, not yet carried out' : 'Lost';
  return 'Active';
}

/** A sentence from the contract's words (they start in lower case, to follow "[...]" in the command line's list). */
const sentence = (n: string) => `${n.charAt(0).toUpperCase()}${n.slice(1)}.`;

/** The breach report on screen (case names stay here and in the page saved). */
function Report({ r }: { r: BreachReport }) {
  return (
    <div className="stack" role="region" aria-label="Breach report">
      {r.recordNotes.map((n) => (
        <p key={n} className="warning" role="note">
          {sentence(n)} The cases below join that copy and the cloud&apos;s record, so none is left out.
        </p>
      ))}
      <p>
        On {r.device.name} at its last sync ({r.device.lastSync ? exactWhen(r.device.lastSync) : 'never'}): {count(r.cases.length, 'case')},{' '}
        {count(r.files, 'file')}; the newest change {r.newestChange ? exactWhen(r.newestChange) : 'none'}.
      </p>
      <ul>
        {r.caseDetails.map((c) => (
          <li key={c.name}>
            {c.name}: {count(c.files, 'file')}
          </li>
        ))}
      </ul>
      <p className="muted">
        Encrypted at rest by its operating system: {r.encryptedAtRest}. Keys rotated: {r.keysRotatedAt ? exactWhen(r.keysRotatedAt) : 'not on this computer'}.
        Wipe ordered: {r.wipeOrderedAt ? exactWhen(r.wipeOrderedAt) : 'no'}; carried out: {r.wipedAt ? exactWhen(r.wipedAt) : 'not yet'}.{' '}
        {count(r.audit.length, 'audit entry', 'audit entries')} of that computer reached the cloud.
      </p>
    </div>
  );
}

export function Computers() {
  const [list, setList] = useState<DeviceInfo[] | undefined>();
  const [picked, setPicked] = useState<DeviceInfo | undefined>();
  const [wipe, setWipe] = useState(true);
  const [report, setReport] = useState<BreachReport | undefined>();
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const { run, prompt } = useUnlocked();
  const id = useId();

  const failed = (m: string) => {
    setMessage(m);
    setBusy(false);
  };
  /** Locked: the list waits for the person to ask (no unlock form pops up unasked). */
  const [locked, setLocked] = useState(false);
  const refresh = () => void run('The list of computers is kept encrypted: unlock to see it.', () => call('devices'), setList, failed);
  useEffect(() => {
    call('devices').then(setList, (e: unknown) => (e instanceof ApiError && e.kind === 'locked' ? setLocked(true) : setMessage(explain(e))));
  }, []);

  const mark = (d: DeviceInfo, action: 'lost' | 'found') => {
    setBusy(true);
    setMessage('');
    void run(
      'Marking a computer needs the vault unlocked.',
      () => call('markDevice', { device: d.id, action, ...(action === 'lost' ? { wipe, confirm: true as const } : {}) }),
      (now) => {
        setBusy(false);
        setPicked(action === 'lost' ? now : undefined);
        refresh();
      },
      failed,
    );
  };
  const breach = (d: DeviceInfo) => {
    setMessage('');
    void run(
      'The breach report needs the vault unlocked.',
      () => call('breachReport', { device: d.id }),
      (r) => {
        setReport(r);
        const url = URL.createObjectURL(new Blob([breachReportHtml(r)], { type: 'text/html' }));
        const a = document.createElement('a');
        a.href = url;
        a.download = `casevault-breach-report-${r.device.name.replace(/[^A-Za-z0-9-]+/g, '-')}.html`;
        a.click();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      },
      failed,
    );
  };

  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Computers using this vault</h2>
      {!list && locked && !prompt && (
        <>
          <p className="muted">Which computers hold this vault is kept encrypted, like the vault.</p>
          <button type="button" onClick={refresh}>
            Show the computers…
          </button>
        </>
      )}
      {prompt}
      {list && (
        <table aria-label="Computers">
          <thead>
            <tr>
              <th>Computer</th>
              <th>Status</th>
              <th>Last sync</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((d) => (
              <tr key={d.id}>
                <td>
                  {d.name}
                  {d.this && <span className="muted"> (this computer)</span>}
                </td>
                <td>
                  {statusText(d)}
                  {recordNotes(d).map((n) => (
                    <div key={n} className="warning">
                      {sentence(n)}
                    </div>
                  ))}
                </td>
                <td>{d.lastSync ? when(d.lastSync) : 'never'}</td>
                <td>
                  {!d.this && d.status === 'active' && (
                    <button type="button" onClick={() => (setPicked(d), setReport(undefined), setWipe(true))} disabled={busy}>
                      Mark as lost…
                    </button>
                  )}
                  {d.status !== 'active' && (
                    <div className="row">
                      <button type="button" onClick={() => breach(d)}>
                        Breach report
                      </button>
                      {d.wipe !== 'done' && (
                        <button type="button" onClick={() => mark(d, 'found')} disabled={busy}>
                          Found it
                        </button>
                      )}
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {picked && picked.status === 'active' && (
        <form
          className="stack"
          aria-label="Mark as lost"
          onSubmit={(e) => {
            e.preventDefault();
            mark(picked, 'lost');
          }}
        >
          <p>
            Mark <strong>{picked.name}</strong> as lost or stolen. Then rotate the keys (Lost or stolen computer, below), so its copy of the keys cannot read
            anything added or changed from now on, and print the breach report for your data-protection lead.
          </p>
          <label>
            <input type="checkbox" checked={wipe} onChange={(e) => setWipe(e.target.checked)} /> Order it to wipe the vault: its vault folder, keys and settings
            are removed the next time it runs Casevault.
          </label>
          <div className="row">
            <button type="submit" className="primary" disabled={busy}>
              {wipe ? 'Mark as lost and order the wipe' : 'Mark as lost'}
            </button>
            <button type="button" onClick={() => setPicked(undefined)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {picked && picked.status === 'lost' && (
        <p className="banner-ok" role="status">
          {picked.name} is marked lost{picked.wipe === 'ordered' ? '; the wipe is carried out the next time it runs Casevault' : ''}. Next: rotate the keys
          below, then print the breach report.
        </p>
      )}
      {report && <Report r={report} />}
      {message && (
        <p className="error" role="alert">
          {message}
        </p>
      )}
    </section>
  );
}
