// The audit trail for an access review: is it intact, what happened (newest
// first, filtered), exports for the record, and the review itself.
import { useCallback, useEffect, useId, useState } from 'react';
import { call } from './api.js';
import { shortWhen, when } from './text.js';
import { useUnlocked } from './Unlock.js';
import { count, auditEventKinds, describeCheck, filterAudit, type ApiResult, type AuditFilter } from '../../contract/index.js';
import { useOutcome } from './Outcome.js';

type Entries = ApiResult<'auditEntries'>;
type Check = ApiResult<'auditVerify'>;

/** Hands the engine's export to the browser as a file to save. */
function download(text: string, name: string, type: string) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  a.click();
  URL.revokeObjectURL(a.href);
}

export function AuditFilters({ entries, filter, onChange }: { entries: Entries; filter: AuditFilter; onChange: (f: AuditFilter) => void }) {
  const id = useId();
  const set = (patch: AuditFilter) => onChange({ ...filter, ...patch });
  return (
    <div className="filters" role="search" aria-label="Filter the audit trail">
      <div>
        <label htmlFor={`${id}-kind`}>Kind of event</label>
        <select id={`${id}-kind`} value={filter.events?.[0] ?? ''} onChange={(e) => set({ events: e.target.value ? [e.target.value] : [] })}>
          <option value="">All events</option>
          {auditEventKinds(entries).map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-from`}>From</label>
        <input id={`${id}-from`} type="date" value={filter.from ?? ''} onChange={(e) => set({ from: e.target.value })} />
      </div>
      <div>
        <label htmlFor={`${id}-to`}>To</label>
        <input id={`${id}-to`} type="date" value={filter.to ?? ''} onChange={(e) => set({ to: e.target.value })} />
      </div>
      <div>
        <label htmlFor={`${id}-text`}>Containing</label>
        <input id={`${id}-text`} type="search" value={filter.text ?? ''} onChange={(e) => set({ text: e.target.value })} />
      </div>
    </div>
  );
}

export function AuditTrail() {
  const [check, setCheck] = useState<Check | undefined>();
  const [entries, setEntries] = useState<Entries | undefined>();
  const [filter, setFilter] = useState<AuditFilter>({});
  const [review, setReview] = useState<{ due: boolean; last: string | null; months: number } | undefined>();
  const top = useOutcome();
  const reviewed = useOutcome();
  const exported = useOutcome();
  const othersSaid = useOutcome();
  const { run, prompt } = useUnlocked();
  const othersUnlock = useUnlocked();
  const id = useId();

  const load = useCallback(() => {
    void call('auditVerify').then(setCheck, top.fail);
    void Promise.all([call('status'), call('settings')]).then(
      ([st, s]) => setReview({ due: st.accessReviewDue, last: s.lastAccessReview, months: s.accessReviewMonths }),
      () => {},
    );
  }, []);
  const show = () => void run('The audit trail is encrypted: unlock to read it.', () => call('auditEntries'), setEntries, top.fail);
  const [others, setOthers] = useState<ApiResult<'otherAuditTrails'> | undefined>();
  const showOthers = () =>
    void othersUnlock.run("The other computers' trails are encrypted: unlock to read them.", () => call('otherAuditTrails'), setOthers, othersSaid.fail);
  useEffect(() => {
    load();
    show();
  }, [load]);

  const exportAs = (format: 'csv' | 'html') => {
    exported.clear();
    const cleaned: AuditFilter = {
      ...(filter.events?.length ? { events: filter.events } : {}),
      ...(filter.from ? { from: filter.from } : {}),
      ...(filter.to ? { to: filter.to } : {}),
      ...(filter.text?.trim() ? { text: filter.text.trim() } : {}),
    };
    void run(
      'Exporting reads the audit trail, so it needs the passphrase.',
      () => call('auditExport', { format, filter: cleaned }),
      (r) => {
        const stamp = new Date().toISOString().slice(0, 10);
        download(r.text, `casevault-audit-${stamp}.${format}`, format === 'csv' ? 'text/csv' : 'text/html');
        exported.ok(`Exported ${count(r.entries, 'entry', 'entries')}${format === 'html' ? ': open the page and print it (or save it as PDF)' : ''}.`);
      },
      exported.fail,
    );
  };

  const recordReview = () => {
    void call('recordAccessReview').then(() => {
      reviewed.ok('Access review recorded.');
      load();
      show();
    }, reviewed.fail);
  };

  const shown = entries ? filterAudit(entries, filter) : [];
  return (
    <>
      <section className="card" aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>Audit trail</h2>
        <p>
          Every unlock, failed unlock, restore, export, deletion and change of key or setting is recorded here, each entry sealed to the one before, so a change
          to the record shows.
        </p>
        {check && (
          <p className={check.ok ? 'banner-ok' : 'banner-bad'} role={check.ok ? 'status' : 'alert'} data-testid="audit-check">
            {describeCheck(check)}
          </p>
        )}
        {top.view}
      </section>
      {review && (
        <section className={`card${review.due ? ' notice' : ''}`} aria-labelledby={`${id}-r`}>
          <h2 id={`${id}-r`}>{review.due ? 'Access review due' : 'Access review'}</h2>
          <p>
            Every {review.months} months, check who can open this vault (this computer, the recovery key, the cloud and backup copies) and that the entries
            below are what you expect. {review.last ? `Last review: ${when(review.last)}.` : 'No review has been recorded yet.'}
          </p>
          <button type="button" onClick={recordReview}>
            Record an access review
          </button>
          {reviewed.view}
        </section>
      )}
      {entries ? (
        <section className="card" aria-labelledby={`${id}-e`}>
          <h2 id={`${id}-e`}>Entries</h2>
          <AuditFilters entries={entries} filter={filter} onChange={setFilter} />
          <p className="muted" data-testid="audit-count">
            Showing {shown.length} of {entries.length} entries, newest first.
          </p>
          <div className="row">
            <button type="button" onClick={() => exportAs('csv')}>
              Export as CSV
            </button>
            <button type="button" onClick={() => exportAs('html')}>
              Export a printable page
            </button>
          </div>
          {prompt}
          {exported.view}
          <EntryTable entries={shown} />
        </section>
      ) : (
        <section className="card">
          <p>The entries are encrypted: unlock to read them.</p>
          {prompt ?? (
            <button type="button" onClick={show}>
              Show the entries
            </button>
          )}
        </section>
      )}
      <section className="card" aria-labelledby={`${id}-o`}>
        <h2 id={`${id}-o`}>Other computers</h2>
        <p>
          Other computers using this vault (and, after a handover, the person before you) leave their own trails in the cloud copy. Each is checked the same
          way.
        </p>
        {others ? (
          others.length === 0 ? (
            <p>No other computer has left a trail.</p>
          ) : (
            others.map((t) => (
              <div key={t.device} data-testid="other-trail">
                <h3>Computer {t.device.slice(0, 8)}</h3>
                <p className={t.ok ? 'banner-ok' : 'banner-bad'} role={t.ok ? 'status' : 'alert'}>
                  {t.ok
                    ? `${count(t.entries.length, 'entry', 'entries')}; none was changed, removed or reordered.`
                    : `This trail has been changed or damaged: ${t.problem}.`}
                  {t.earlierKeys ? " It was written under the vault's keys from before they were rotated: that computer has not taken the new keys on." : ''}
                </p>
                <EntryTable entries={filterAudit(t.entries, {})} />
              </div>
            ))
          )
        ) : (
          <button type="button" onClick={showOthers}>
            Show other computers' trails
          </button>
        )}
        {othersUnlock.prompt}
        {othersSaid.view}
      </section>
    </>
  );
}

function EntryTable({ entries }: { entries: Entries }) {
  return (
    <table className="entries">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">What happened</th>
          <th scope="col">Detail</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e, i) => (
          <tr key={`${e.at}-${i}`}>
            <td className="nowrap">{shortWhen(e.at)}</td>
            <td>{e.event}</td>
            <td>{e.detail ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
