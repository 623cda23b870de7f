// Subject access request: find what the vault holds about a member, choose
// (files that may hold other members' data start unticked and say why),
// check what will leave and where it goes, then export with a manifest.
// Spec: docs/subject-access.md.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { call, onEvent } from './api.js';
import { size } from './text.js';
import { explain } from './failures.js';
import { useUnlocked } from './Unlock.js';
import { type ApiResult } from '../../contract/index.js';

type Found = ApiResult<'sarSearch'>;
type Hit = Found['hits'][number];

const files = (n: number) => (n === 1 ? '1 file' : `${n} files`);
const where = (h: Hit) => (h.where.length === 2 ? 'Found in the name and the text' : h.where[0] === 'name' ? 'Found in the name' : 'Found in the text');

/** Subject access request: find what the vault holds about a member, choose, check, export with a manifest. */
export function SubjectAccess() {
  const [termsText, setTermsText] = useState('');
  const [reference, setReference] = useState('');
  const [found, setFound] = useState<{ report: Found; terms: string[] } | undefined>();
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [zip, setZip] = useState(true);
  const [to, setTo] = useState('');
  const [toEdited, setToEdited] = useState(false);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [checking, setChecking] = useState(false);
  const [progress, setProgress] = useState('');
  const { run, prompt } = useUnlocked();
  const id = useId();
  useEffect(
    () =>
      onEvent('progress', (p) => {
        if (p.task === 'search') setProgress(p.filesDone < p.filesTotal ? `Searched ${p.filesDone} of ${p.filesTotal} files…` : '');
        if (p.task === 'export') setProgress(p.filesDone < p.filesTotal ? `Copied ${p.filesDone} of ${p.filesTotal} files…` : '');
      }),
    [],
  );

  const terms = termsText
    .split('\n')
    .map((t) => t.trim())
    .filter(Boolean);
  const ref = reference.trim() ? { reference: reference.trim() } : {};
  const suggest = (asZip: boolean) =>
    call('sarDestination', { ...ref, zip: asZip }).then(
      (r) => setTo(r.to),
      () => {}, // no suggestion: the person types a place
    );
  const ticked = found ? found.report.hits.filter((h) => chosen.has(h.path)) : [];

  const search = (e: FormEvent) => {
    e.preventDefault();
    setMessage('');
    setFound(undefined);
    setChecking(false);
    setBusy(true);
    void run(
      "Searching reads members' files, so it needs the passphrase (or the recovery key).",
      () => call('sarSearch', { terms, ...ref }),
      (report) => {
        setFound({ report, terms });
        setChosen(new Set(report.hits.filter((h) => !h.mayHoldOthers).map((h) => h.path)));
        if (!toEdited) void suggest(zip);
        setBusy(false);
      },
      (m) => {
        setMessage(m);
        setBusy(false);
      },
    );
  };

  // The place as the export will take it (a full path, ~ made the home folder), or the engine's sentence for one it refuses: only then the check page.
  const check = () => {
    setMessage('');
    call('sarDestination', { ...ref, zip, to: to.trim() }).then(
      (r) => {
        setTo(r.to);
        setChecking(true);
      },
      (err: unknown) => setMessage(explain(err)),
    );
  };

  const exportChosen = () => {
    if (!found) return;
    setMessage('');
    setBusy(true);
    void run(
      "Exporting copies members' files, so it needs the passphrase (or the recovery key).",
      () => call('sarExport', { terms: found.terms, paths: ticked.map((h) => h.path), ...ref, to: to.trim(), zip }),
      (r) => {
        const failed = r.failed.length
          ? ` ${files(r.failed.length)} could not be read and ${r.failed.length === 1 ? 'was' : 'were'} left out: ${r.failed.map((f) => f.path).join(', ')}.`
          : '';
        const leftovers = r.leftoversRemoved
          ? ` ${files(r.leftoversRemoved)} an earlier export left behind when it was stopped part-way (hidden temporary copies) ${r.leftoversRemoved === 1 ? 'was' : 'were'} removed.`
          : '';
        setMessage(`Exported ${files(r.files)} and a manifest to ${r.to}.${failed}${leftovers}`);
        setChecking(false);
        setBusy(false);
      },
      (m) => {
        setMessage(m);
        setBusy(false);
      },
    );
  };

  const toggle = (path: string) => {
    const next = new Set(chosen);
    if (next.has(path)) next.delete(path);
    else next.add(path);
    setChosen(next);
    setChecking(false);
  };

  const chooseKind = (asZip: boolean) => {
    setZip(asZip);
    setChecking(false);
    if (!toEdited) void suggest(asZip);
  };

  return (
    <>
      {prompt}
      <form className="card" onSubmit={search} aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>Subject access request</h2>
        <p>When a member asks for everything you hold about them, find it here and export a copy for them, with a list of what is in it.</p>
        <label htmlFor={`${id}-terms`}>The member's name, reference number or e-mail address (one per line)</label>
        <textarea
          id={`${id}-terms`}
          value={termsText}
          onChange={(e) => setTermsText(e.target.value)}
          rows={3}
          placeholder={"Siobhán O'Neill\nM-0042\ns.oneill@example.org"}
          required
        />
        <p className="muted">
          Capital letters and accents do not matter. File names and the text of documents, PDFs, e-mails, spreadsheets and text files are searched.
        </p>
        <label htmlFor={`${id}-ref`}>Request reference (optional)</label>
        <input id={`${id}-ref`} value={reference} onChange={(e) => setReference(e.target.value)} placeholder="SAR-2026-014" />
        <button type="submit" className="primary" disabled={busy || terms.length === 0}>
          {busy && !found ? 'Searching…' : 'Search'}
        </button>
      </form>
      {found && (
        <section className="card" aria-labelledby={`${id}-r`}>
          <h2 id={`${id}-r`}>{found.report.hits.length === 0 ? 'Nothing found' : `Found ${files(found.report.hits.length)}`}</h2>
          <p className="muted">{found.report.searched} files searched. Untick anything that is not about this member.</p>
          <ul className="hits">
            {found.report.hits.map((h) => (
              <li key={h.path}>
                <label>
                  <input type="checkbox" checked={chosen.has(h.path)} onChange={() => toggle(h.path)} /> {h.path}
                </label>
                {h.mayHoldOthers && (
                  <div className="warning">
                    May hold other members' data ({h.mayHoldOthers}), so it is not ticked. Tick it only if it is about this member alone, or after taking the
                    others out of a copy.
                  </div>
                )}
                <div className="muted">
                  {where(h)}
                  {h.snippet ? `: ${h.snippet}` : ''}
                </div>
              </li>
            ))}
          </ul>
          {found.report.unreadable.length > 0 && (
            <>
              <h3>Could not be searched inside: check these by hand</h3>
              <ul>
                {found.report.unreadable.map((u) => (
                  <li key={u.path}>
                    {u.path}: {u.reason}
                  </li>
                ))}
              </ul>
            </>
          )}
          {found.report.hits.length > 0 && (
            <fieldset className="export">
              <legend>Export the ticked files as</legend>
              <label>
                <input type="radio" name={`${id}-kind`} checked={zip} onChange={() => chooseKind(true)} /> A zip file
              </label>
              <label>
                <input type="radio" name={`${id}-kind`} checked={!zip} onChange={() => chooseKind(false)} /> A folder
              </label>
              <label htmlFor={`${id}-to`}>{zip ? 'Save the zip file as' : 'Copy into the folder (new or empty)'}</label>
              <input
                id={`${id}-to`}
                value={to}
                onChange={(e) => {
                  setTo(e.target.value);
                  setToEdited(true);
                  setChecking(false);
                  setMessage('');
                }}
              />
              <button type="button" className="primary" onClick={check} disabled={busy || ticked.length === 0 || !to.trim() || checking}>
                Continue: check what will be exported
              </button>
            </fieldset>
          )}
        </section>
      )}
      {found && checking && ticked.length > 0 && (
        <section className="card" aria-labelledby={`${id}-c`}>
          <h2 id={`${id}-c`}>Check before you export</h2>
          <p>
            {files(ticked.length)} ({size(ticked.reduce((n, h) => n + h.size, 0))}) and a list of them (MANIFEST.csv and MANIFEST.html) will be copied{' '}
            {zip ? 'into the new zip file' : 'into the new folder'} <strong>{to.trim()}</strong>
            {reference.trim() ? ` for request ${reference.trim()}` : ''}.
          </p>
          <table className="entries">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Size</th>
              </tr>
            </thead>
            <tbody>
              {ticked.map((h) => (
                <tr key={h.path}>
                  <td>
                    {h.path}
                    {h.mayHoldOthers ? ` (may hold other members' data: ${h.mayHoldOthers})` : ''}
                  </td>
                  <td className="nowrap">{size(h.size)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="row">
            <button type="button" className="primary" onClick={exportChosen} disabled={busy}>
              Export {files(ticked.length)}
            </button>
            <button type="button" onClick={() => setChecking(false)} disabled={busy}>
              Change
            </button>
          </div>
        </section>
      )}
      {busy && progress && (
        <p className="card muted" aria-live="polite">
          {progress}
        </p>
      )}
      {message && (
        <p className="card" role="status">
          {message}
        </p>
      )}
    </>
  );
}
