import { Fragment, useCallback, useEffect, useId, useState } from 'react';
import { call } from './api.js';
import { dateLocale, sentence, shortWhen, size } from './text.js';
import { useUnlocked } from './Unlock.js';
import { fileCount, type ApiResult } from '../../contract/index.js';
import { explain } from './failures.js';
import { useOutcome } from './Outcome.js';

type Retention = ApiResult<'retention'>;
type Case = Retention['cases'][number];
type DeleteReport = ApiResult<'deleteCases'>;
type ArchiveReport = ApiResult<'archiveCases'>;
type Records = ApiResult<'records'>;
type Archive = ApiResult<'archives'>[number];
type ArchiveDeletion = ApiResult<'deleteArchives'>[number];
type Action = { kind: 'archive' | 'delete'; c: Case };
type Unfinished = Retention['unfinished'][number];

/** "2021-06-30" -> "30 June 2021" (the day itself, whatever this computer's time zone). */
export function plainDate(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(dateLocale(), { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
}

const today = () => new Date().toISOString().slice(0, 10);

function goneText(g: DeleteReport['cases'][number]['copies'][number]): string {
  if (g.gone === 'now') return 'gone now';
  if (g.gone === 'never') return 'kept in an archive (never removed)';
  if (g.gone === 'unknown') return 'not known yet';
  return `${g.estimate ? 'gone by about' : 'gone from'} ${plainDate(g.gone)}`;
}

/** The confirm dialog: names the case and its file count, and says what happens to each copy. */
function Confirm({ action, onConfirm, onCancel }: { action: Action; onConfirm: (force: boolean) => void; onCancel: () => void }) {
  const [early, setEarly] = useState(false);
  const id = useId();
  const { c, kind } = action;
  return (
    <div
      className="card attention"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby={`${id}-h`}
      aria-describedby={`${id}-d`}
      onKeyDown={(e) => e.key === 'Escape' && onCancel()}
    >
      <h2 id={`${id}-h`}>{kind === 'archive' ? `Archive “${c.name}”?` : `Delete “${c.name}”?`}</h2>
      <div id={`${id}-d`}>
        <p>{kind === 'archive' ? `The ${fileCount(c.files)} of this case:` : `The ${fileCount(c.files)} of this case will be deleted:`}</p>
        <ul>
          {kind === 'archive' ? (
            <>
              <li>
                Backup folder: written into an encrypted archive, read back and checked. The archive is kept until you delete it; restore it any time from
                Backups.
              </li>
              <li>This computer: removed only after the archive has been checked.</li>
              <li>Cloud: moved to the cloud trash, and purged when the trash period ends.</li>
            </>
          ) : (
            <>
              <li>This computer: deleted now.</li>
              <li>Cloud: moved to the cloud trash now, and purged when the trash period ends.</li>
              <li>Backups: kept until the backups holding them expire; the report gives the date.</li>
            </>
          )}
        </ul>
        {!c.past && (
          <p>
            <label>
              <input type="checkbox" checked={early} onChange={(e) => setEarly(e.target.checked)} /> This case is not due until {plainDate(c.due)}.{' '}
              {kind === 'archive' ? 'Archive' : 'Delete'} it anyway (the audit trail records this).
            </label>
          </p>
        )}
      </div>
      <div className="row">
        <button type="button" className="primary" disabled={!c.past && !early} onClick={() => onConfirm(!c.past)}>
          {kind === 'archive' ? `Archive ${fileCount(c.files)}` : `Delete ${fileCount(c.files)}`}
        </button>
        {/* Focus starts on Cancel: Enter on a dialog that deletes must not delete. */}
        <button type="button" onClick={onCancel} autoFocus>
          Cancel
        </button>
      </div>
    </div>
  );
}

function CloseForm({ c, onDone }: { c: Case; onDone: (said: { ok: boolean; text: string }) => void }) {
  const [day, setDay] = useState(today());
  const id = useId();
  const save = async () => {
    try {
      const r = await call('closeCase', { case: c.name, date: day });
      onDone({
        ok: true,
        text: r.changedSinceClosed
          ? `Marked closed on ${plainDate(r.closed!)}, but a file in the case changed after that day, so the mark does not count: due on ${plainDate(r.due)}, counted from its newest file.`
          : `Marked closed on ${plainDate(r.closed!)}: due on ${plainDate(r.due)}.`,
      });
    } catch (e) {
      onDone({ ok: false, text: explain(e) });
    }
  };
  return (
    <span className="row">
      <label htmlFor={`${id}-d`}>Closed on</label>
      <input id={`${id}-d`} type="date" value={day} max={today()} onChange={(e) => setDay(e.target.value)} />
      <button type="button" onClick={() => void save()} disabled={!day}>
        Save
      </button>
    </span>
  );
}

const archiveCases = (a: Archive) => (a.recorded ? a.cases.map((c) => `“${c.case}”`).join(', ') : 'cases this computer has no record of');

const STATE: Record<Archive['state'], string> = {
  snapshot: '',
  'marker only': 'Incomplete: nothing in it can be restored. Delete it to tidy up.',
  unreadable: 'Its contents in the backup folder cannot be read: check the backup.',
  missing: 'Recorded on this computer, but not in the backup folder.',
};

/** The confirm dialog for deleting an archive: names its cases and says it cannot be undone. */
function ConfirmArchiveDelete({ a, onConfirm, onCancel }: { a: Archive; onConfirm: () => void; onCancel: () => void }) {
  const id = useId();
  return (
    <div
      className="card attention"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby={`${id}-h`}
      aria-describedby={`${id}-d`}
      onKeyDown={(e) => e.key === 'Escape' && onCancel()}
    >
      <h2 id={`${id}-h`}>Delete archive {a.id.slice(0, 8)}?</h2>
      <div id={`${id}-d`}>
        <p>
          It holds {archiveCases(a)}
          {a.files !== null ? `: ${fileCount(a.files)}` : ''}.
        </p>
        <ul>
          <li>Backup folder: the archive is deleted and the space it used is freed. Other backups and archives are kept.</li>
          <li>This cannot be undone: once deleted, these files cannot be restored from it.</li>
        </ul>
      </div>
      <div className="row">
        <button type="button" className="primary" onClick={onConfirm}>
          Delete the archive
        </button>
        {/* Focus starts on Cancel: Enter on a dialog that deletes must not delete. */}
        <button type="button" onClick={onCancel} autoFocus>
          Cancel
        </button>
      </div>
    </div>
  );
}

export function ArchivesSection() {
  const [list, setList] = useState<Archive[] | undefined>();
  const [asking, setAsking] = useState<Archive | undefined>();
  const [done, setDone] = useState<ArchiveDeletion[] | undefined>();
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useId();
  const say = (e: unknown) => setMessage(explain(e));
  const refresh = useCallback(() => call('archives').then(setList, say), []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const remove = async (a: Archive) => {
    setAsking(undefined);
    setBusy(true);
    setMessage('');
    setDone(undefined);
    try {
      setDone(await call('deleteArchives', { ids: [a.id], confirm: true }));
    } catch (e) {
      say(e);
    }
    setBusy(false);
    await refresh();
  };
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Archives</h2>
      <p className="muted">Archived cases are kept in the backup folder until you delete them. Delete an archive when its cases need not be kept any longer.</p>
      {asking && <ConfirmArchiveDelete a={asking} onConfirm={() => void remove(asking)} onCancel={() => setAsking(undefined)} />}
      {list && list.length === 0 && <p>No archives.</p>}
      {list && list.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Archive</th>
              <th scope="col">Made</th>
              <th scope="col">Cases</th>
              <th scope="col">Files</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.map((a) => (
              <tr key={a.id}>
                <th scope="row">{a.id.slice(0, 8)}</th>
                <td>{a.time ? shortWhen(a.time) : 'unknown'}</td>
                <td>
                  {archiveCases(a)}
                  {STATE[a.state] && <span className="muted"> {STATE[a.state]}</span>}
                </td>
                <td>{a.files ?? ''}</td>
                <td>
                  <button type="button" onClick={() => setAsking(a)} disabled={busy}>
                    Delete…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {busy && (
        <p className="status busy" role="status">
          Deleting…
        </p>
      )}
      {message && (
        <p className="error" role="alert">
          {message}
        </p>
      )}
      {done && (
        <div role="status" aria-label="Archive deletion report">
          {done.map((d) => (
            <p key={d.id}>
              Deleted archive {d.id.slice(0, 8)} ({d.recorded ? d.cases.map((c) => `“${c}”`).join(', ') : 'cases not recorded on this computer'})
              {d.files !== null ? `: ${fileCount(d.files)}` : ''}. {size(d.bytesFreed)} freed in the backup folder.
            </p>
          ))}
        </div>
      )}
    </section>
  );
}

function RecordsSection() {
  const [records, setRecords] = useState<Records | undefined>();
  const [message, setMessage] = useState('');
  const id = useId();
  const show = () => call('records').then(setRecords, (e: unknown) => setMessage(explain(e)));
  const save = async () => {
    try {
      const { html } = await call('recordsHtml');
      const url = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `casevault-records-${today()}.html`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setMessage(explain(e));
    }
  };
  const b = records?.backup;
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Records</h2>
      <p className="muted">The backup record and the asset record your union's data-protection policy asks you to keep.</p>
      <div className="row">
        <button type="button" onClick={() => void show()}>
          Show records
        </button>
        <button type="button" onClick={() => void save()}>
          Save as a page
        </button>
      </div>
      {message && (
        <p className="error" role="alert">
          {message}
        </p>
      )}
      {b && records && (
        <>
          <h3>Backup record</h3>
          <dl>
            <dt>What is backed up</dt>
            <dd>
              {b.what.vaultFolder}: {fileCount(b.what.files)}
            </dd>
            <dt>Where</dt>
            <dd>{b.where ?? 'No backup folder is set up.'}</dd>
            <dt>How often</dt>
            <dd>{b.howOften}</dd>
            <dt>Kept</dt>
            <dd>{b.retention.inWords}</dd>
            <dt>Last success</dt>
            <dd>{b.lastSuccess ? shortWhen(b.lastSuccess) : 'never'}</dd>
            <dt>Last failure</dt>
            <dd>{b.lastFailure ? `${shortWhen(b.lastFailure.at)}: ${b.lastFailure.reason}` : 'none recorded'}</dd>
            <dt>Overdue</dt>
            <dd>{b.overdue ? 'Yes' : 'No'}</dd>
          </dl>
          <h3>Asset record</h3>
          <ul>
            {records.assets.copies.map((c) => (
              <li key={c.where}>
                <strong>{c.where}</strong>: {c.location} ({c.details})
              </li>
            ))}
          </ul>
          <h3>Encryption</h3>
          <ul>
            {records.assets.encryption.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

export function Housekeeping() {
  const [data, setData] = useState<Retention | undefined>();
  const [years, setYears] = useState('');
  const [message, setMessage] = useState('');
  const yearsSaid = useOutcome();
  /** The case whose action's outcome (and confirmation, unlock, report) shows under its row. */
  const [focus, setFocus] = useState<string | undefined>();
  const caseSaid = useOutcome();
  const [closing, setClosing] = useState<string | undefined>();
  const [action, setAction] = useState<Action | undefined>();
  const [archived, setArchived] = useState<ArchiveReport | undefined>();
  const [deleted, setDeleted] = useState<DeleteReport | undefined>();
  const [busy, setBusy] = useState(false);
  const { run, prompt } = useUnlocked();
  const id = useId();

  const refresh = useCallback(async () => {
    try {
      const r = await call('retention');
      setData(r);
      setYears((y) => y || String(r.years));
    } catch (e) {
      setMessage(explain(e));
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const fail = (m: string) => {
    caseSaid.fail(m);
    setBusy(false);
  };
  /** A case's action starts: its outcome will show under its row. */
  const about = (c: Case) => {
    setFocus(c.name);
    caseSaid.clear();
    setArchived(undefined);
    setDeleted(undefined);
  };

  const saveYears = async () => {
    try {
      const r = await call('setRetentionYears', { years: Number(years) });
      yearsSaid.ok(`Cases are now kept ${r.years} years after they close.`);
      await refresh();
    } catch (e) {
      yearsSaid.fail(e);
    }
  };

  const reopen = async (c: Case) => {
    about(c);
    try {
      const r = await call('reopenCase', { case: c.name });
      caseSaid.ok(`Reopened: due on ${plainDate(r.due)}, counted from its newest file.`);
      await refresh();
    } catch (e) {
      caseSaid.fail(e);
    }
  };

  const confirmed = (a: Action, force: boolean) => start(a.kind, a.c.name, force);
  /** Archive or delete one case, confirmed: a new request, or the same one again to finish an interrupted one. */
  const start = (kind: Action['kind'], name: string, force: boolean) => {
    setAction(undefined);
    setBusy(true);
    setArchived(undefined);
    setDeleted(undefined);
    const request = { cases: [name], confirm: true as const, ...(force ? { force: true } : {}) };
    if (kind === 'archive') {
      void run(
        'Archiving reads the archive back to check it, so it needs the passphrase (or the recovery key).',
        () => call('archiveCases', request),
        (r) => {
          setArchived(r);
          setBusy(false);
          void refresh();
        },
        fail,
      );
    } else {
      void run(
        '',
        () => call('deleteCases', request),
        (r) => {
          setDeleted(r);
          setBusy(false);
          void refresh();
        },
        fail,
      );
    }
  };

  /** The same request again: it finishes with what the interrupted run did (the archive it made; forced if it was, as it recorded). */
  const finish = (u: Unfinished) => {
    setFocus(u.case);
    caseSaid.clear();
    start(u.doing, u.case, true);
  };

  if (!data) return <p>{message || 'Loading…'}</p>;
  // A file directly in the vault folder is not a case: such files are listed apart, each kept from its own date (housekeeping.md).
  const cases = data.cases.filter((c) => c.kind === 'folder');
  const loose = data.cases.filter((c) => c.kind === 'file');
  const past = cases.filter((c) => c.past).length;
  const loosePast = loose.filter((c) => c.past).length;
  const outcome = (
    <>
      {action && <Confirm action={action} onConfirm={(force) => confirmed(action, force)} onCancel={() => setAction(undefined)} />}
      {prompt}
      {busy && (
        <p className="status busy" role="status">
          Working…
        </p>
      )}
      {caseSaid.view}
      {archived && (
        <div role="status" aria-label="Archive report">
          {archived.map((a) => (
            <p key={a.case}>
              Archived “{a.case}”: {fileCount(a.files)} written to the backup folder, read back and checked, then {fileCount(a.removed)} removed from this
              computer.
              {a.changed.length > 0 && ` ${fileCount(a.changed.length)} changed after being archived and stayed in the vault.`} To bring it back, restore
              archive {a.archive.slice(0, 8)} from Backups.
            </p>
          ))}
        </div>
      )}
      {deleted && (
        <div role="status" aria-label="Deletion report">
          {deleted.cases.map((d) => (
            <div key={d.case}>
              <p>
                Deleted “{d.case}”: {fileCount(d.removed)}.
              </p>
              <ul>
                {d.copies.map((g) => (
                  <li key={g.copy}>
                    <strong>{g.copy}</strong>: {goneText(g)}. <span className="muted">{sentence(g.note)}</span>
                  </li>
                ))}
                {d.heldElsewhere.map((name) => (
                  <li key={`elsewhere-${name}`}>
                    <strong>{name}</strong> still holds “{d.case}” (as of its last sync): delete it there too, or its next sync uploads it to the cloud again.
                  </li>
                ))}
                {d.othersUnknown > 0 && (
                  <li key="elsewhere-unknown">
                    {d.othersUnknown === 1 ? 'Another computer' : `${d.othersUnknown} other computers`} of this vault may still hold “{d.case}” (the vault was
                    locked, so their records could not be read): check there, or its next sync uploads it to the cloud again.
                  </li>
                )}
              </ul>
            </div>
          ))}
        </div>
      )}
    </>
  );
  // Under the case's row while it is listed; where the list ends once the case is gone (archived or deleted).
  const focusListed = data.cases.some((c) => c.name === focus);
  const row = (c: Case) => (
    <Fragment key={c.name}>
      <tr>
        <th scope="row">{c.name}</th>
        <td>{c.files}</td>
        <td>
          {c.basis === 'closed'
            ? `closed ${plainDate(c.closed!)}`
            : c.changedSinceClosed
              ? `newest file ${plainDate(c.newestFile)}: changed since it was closed on ${plainDate(c.closed!)} (mark it closed again or reopen it)`
              : `newest file ${plainDate(c.newestFile)}`}
        </td>
        <td>
          {plainDate(c.due)}
          {c.past ? ' (past retention)' : c.dueSoon ? ' (soon)' : ''}
        </td>
        <td>
          {closing === c.name ? (
            <CloseForm
              c={c}
              onDone={(said) => {
                setClosing(undefined);
                about(c);
                if (said.ok) caseSaid.ok(said.text);
                else caseSaid.fail(said.text);
                void refresh();
              }}
            />
          ) : (
            <>
              {c.closed && (
                <button type="button" onClick={() => void reopen(c)} disabled={busy}>
                  Reopen
                </button>
              )}
              {(!c.closed || c.changedSinceClosed) && (
                <button type="button" onClick={() => setClosing(c.name)} disabled={busy}>
                  Mark closed
                </button>
              )}
            </>
          )}
          <button type="button" onClick={() => (about(c), setAction({ kind: 'archive', c }))} disabled={busy}>
            Archive
          </button>
          <button type="button" onClick={() => (about(c), setAction({ kind: 'delete', c }))} disabled={busy}>
            Delete
          </button>
        </td>
      </tr>
      {focus === c.name && (
        <tr>
          <td colSpan={5}>{outcome}</td>
        </tr>
      )}
    </Fragment>
  );
  const table = (first: string, list: Case[]) => (
    <table>
      <thead>
        <tr>
          <th scope="col">{first}</th>
          <th scope="col">Files</th>
          <th scope="col">Counted from</th>
          <th scope="col">Due</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>{list.map(row)}</tbody>
    </table>
  );
  return (
    <>
      <section className="card" aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>Housekeeping</h2>
        <p>
          Case files are kept for a number of years after a case closes, then archived or deleted. A case is a folder at the top of the vault; files directly in
          the vault folder are listed apart as loose files. Unless you mark it closed, its newest file's date counts.
        </p>
        <div className="row">
          <label htmlFor={`${id}-y`}>Keep cases for (years)</label>
          <input id={`${id}-y`} type="number" min={1} max={100} value={years} onChange={(e) => setYears(e.target.value)} />
          <button type="button" onClick={() => void saveYears()} disabled={!years || Number(years) === data.years}>
            Save
          </button>
        </div>
        {yearsSaid.view}
      </section>
      {data.unfinished.length > 0 && (
        <section className="card status attention" aria-labelledby={`${id}-u`}>
          <h2 id={`${id}-u`}>Not finished</h2>
          <p>
            Casevault stopped part way through {data.unfinished.length === 1 ? 'this' : 'these'}: some files may be gone from this computer, while the audit
            trail does not record it yet and the cloud copy still holds them. Finishing runs the same request again (an archive already made is used, never made
            twice).
          </p>
          <ul>
            {data.unfinished.map((u) => (
              <li key={`${u.doing} ${u.case}`}>
                {u.doing === 'delete' ? 'Deleting' : 'Archiving'} “{u.case}”{' '}
                <button type="button" onClick={() => finish(u)} disabled={busy}>
                  {u.doing === 'delete' ? `Finish deleting “${u.case}”` : `Finish archiving “${u.case}”`}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section className={`card status ${past > 0 ? 'attention' : 'ok'}`} aria-labelledby={`${id}-c`}>
        <h2 id={`${id}-c`}>{past > 0 ? `${past} ${past === 1 ? 'case is' : 'cases are'} past retention` : 'No case is past retention'}</h2>
        {cases.length === 0 ? <p>The vault holds no case folders yet.</p> : table('Case', cases)}
        {!focusListed && outcome}
      </section>
      {loose.length > 0 && (
        <section className={`card status ${loosePast > 0 ? 'attention' : 'ok'}`} aria-labelledby={`${id}-f`}>
          <h2 id={`${id}-f`}>Loose files{loosePast > 0 ? `: ${loosePast} past retention` : ''}</h2>
          <p>
            Files directly in the vault folder, not in a case folder. They are not cases: each is kept {data.years} years from the day it last changed (or the
            day you mark it closed). Moving one into a case folder makes it part of that case.
          </p>
          {table('File', loose)}
        </section>
      )}
      <ArchivesSection />
      <RecordsSection />
    </>
  );
}
