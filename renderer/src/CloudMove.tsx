// Settings, "Move the cloud copy": where the encrypted copy is, a move to a
// new or empty folder or to the union's object storage (S3) (copied, read
// back, then used from there: the engine's moveCloud), what to do on the
// vault's other computers, and, as its own
// confirmed step, deleting the old copy. A move that stopped is offered again.
// Moving into Dropbox's own app folder is on the command line for now
// (`cloud-move --to dropbox`); a Dropbox sync folder is a folder here.
// Spec: docs/cloud-move.md.
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { call, onEvent } from './api.js';
import { useUnlocked } from './Unlock.js';
import { explain } from './failures.js';
import { useS3Connection } from './S3Connection.js';
import { count, shortWhen } from './text.js';
import type { ApiResult } from '../../contract/index.js';

const place = (described: string) => described.replace(/^folder /, '');

export function CloudMove() {
  const [status, setStatus] = useState<ApiResult<'cloudMoveStatus'> | undefined>();
  const [to, setTo] = useState('');
  const [where, setWhere] = useState<'folder' | 's3'>('folder');
  const s3 = useS3Connection({ bucket: true });
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState('');
  const [result, setResult] = useState<ApiResult<'moveCloud'> | undefined>();
  const [confirmed, setConfirmed] = useState(false);
  const [message, setMessage] = useState('');
  const [done, setDone] = useState('');
  const { run, prompt } = useUnlocked();
  const id = useId();

  const refresh = useCallback(
    () =>
      call('cloudMoveStatus').then(
        (s) => {
          setStatus(s);
          setConfirmed(false);
        },
        (e: unknown) => setMessage(explain(e)),
      ),
    [],
  );
  useEffect(() => void refresh(), [refresh]);
  useEffect(
    () =>
      onEvent('progress', (p) => {
        if (p.task === 'move') setProgress(`Copying: ${p.filesDone} of ${p.filesTotal} items`);
        else if (p.task === 'verify') setProgress(`Reading back and checking: ${p.filesDone} of ${p.filesTotal} objects`);
      }),
    [],
  );

  const move = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setMessage('');
    setDone('');
    setResult(undefined);
    setProgress('');
    const location = where === 's3' ? s3.location() : undefined;
    if (typeof location === 'string') {
      setMessage(`${location[0]!.toUpperCase()}${location.slice(1)}.`);
      setBusy(false);
      return;
    }
    const params = location ? { to: { kind: 's3' as const, ...location }, s3: s3.connection() } : { to: { kind: 'folder' as const, dir: to.trim() } };
    void run(
      'Moving the cloud copy reads every object back with the vault’s keys, so it needs your passphrase (or the recovery key).',
      () => call('moveCloud', params),
      (r) => {
        s3.clear();
        setResult(r);
        setBusy(false);
        void refresh();
      },
      (m) => {
        setMessage(m);
        setBusy(false);
      },
    );
  };
  const deleteOld = () => {
    setBusy(true);
    setMessage('');
    call('deleteOldCloud', { confirm: true }).then(
      (d) => {
        setDone(`Deleted the old copy in ${place(d.cloud)} (${count(d.deleted, 'item')}).`);
        setResult(undefined);
        setBusy(false);
        void refresh();
      },
      (e: unknown) => {
        setMessage(explain(e));
        setBusy(false);
      },
    );
  };

  return (
    <>
      {prompt}
      <section className="card" aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>Move the cloud copy</h2>
        {status && <p>The encrypted cloud copy is in {place(status.cloud)}.</p>}
        {status?.interrupted && (
          <p className="warning">A move to {place(status.interrupted.to)} stopped before it finished. Move it there again to finish: nothing is lost.</p>
        )}
        <p>
          Move it to a new or empty folder (your own Dropbox or OneDrive folder, a share), or to the union&rsquo;s object storage (S3): every item is copied,
          read back and checked, and only then does this computer use the new place. The old copy stays until you delete it.
        </p>
        <form onSubmit={move}>
          <fieldset disabled={busy}>
            <legend>The new place</legend>
            <label>
              <input type="radio" name={`${id}-where`} checked={where === 'folder'} onChange={() => setWhere('folder')} /> A folder
            </label>
            <label>
              <input type="radio" name={`${id}-where`} checked={where === 's3'} onChange={() => setWhere('s3')} /> The union&rsquo;s object storage (S3)
            </label>
          </fieldset>
          {where === 'folder' ? (
            <>
              <label htmlFor={`${id}-to`}>New folder for the cloud copy (the full path)</label>
              <input id={`${id}-to`} value={to} onChange={(e) => setTo(e.target.value)} placeholder="/home/me/Dropbox/Casevault" required disabled={busy} />
            </>
          ) : (
            s3.fields
          )}
          <button type="submit" className="primary" disabled={busy}>
            {busy && !status?.oldCopy ? 'Moving…' : 'Move the cloud copy'}
          </button>
        </form>
        {busy && progress && <p role="status">{progress}</p>}
        {result && (
          <div role="status">
            <p>
              {result.joined
                ? `${place(result.to)} already held this vault: ${count(result.copied, 'missing item')} copied there.`
                : `The cloud copy is now in ${place(result.to)}: ${count(result.objects, 'object')} copied, read back and checked.`}{' '}
              This computer uses it from now on.
              {result.uploadAgain > 0 ? ` ${count(result.uploadAgain, 'file')} changed here meanwhile and will be uploaded again.` : ''}
            </p>
            {result.otherComputers > 0 && (
              <p>
                {result.otherComputers === 1 ? 'Another computer uses' : `${result.otherComputers} other computers use`} this vault and still{' '}
                {result.otherComputers === 1 ? 'syncs' : 'sync'} to the old place. On each, open Settings, &ldquo;Move the cloud copy&rdquo;, and choose the
                same new place (a Dropbox folder may sit at another path on that computer). Delete the old copy only after that.
              </p>
            )}
          </div>
        )}
        {status?.oldCopy && (
          <div>
            <h3>The old copy</h3>
            <p>
              The old copy in {place(status.oldCopy.cloud)} (moved on {shortWhen(status.oldCopy.movedAt)}) is kept. Once every computer of the vault uses the
              new place, delete it: only what Casevault wrote there is deleted, and it cannot be undone.
            </p>
            <label>
              <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} /> Every computer uses the new place: delete the old
              copy
            </label>
            <button type="button" onClick={deleteOld} disabled={!confirmed || busy}>
              Delete the old copy
            </button>
          </div>
        )}
        {done && <p role="status">{done}</p>}
        {message && (
          <p className="error" role="alert">
            {message}
          </p>
        )}
      </section>
    </>
  );
}
