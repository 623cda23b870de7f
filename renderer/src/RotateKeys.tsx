// Lost or stolen computer: rotate the vault's keys (new keys, a new
// passphrase and recovery key, the cloud copy re-encrypted), or finish a
// rotation that stopped part-way on this computer. The screen: docs/desktop-app.md.
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { call, onEvent } from './api.js';
import { StrengthMeter } from './FirstRun.js';
import { RecoveryKey } from './RecoveryKey.js';
import { usePolling } from './polling.js';
import { count } from './text.js';
import { useUnlocked } from './Unlock.js';
import { type ApiResult, type ProgressEvent } from '../../contract/index.js';

type Switched = ApiResult<'rotateKeys'>;
type Finished = ApiResult<'finishKeyRotation'> & Pick<Switched, 'backups'>;

const BACKUPS: Record<Switched['backups'], string> = {
  rewrapped: 'The backup folder now opens with the new keys, and its older backups stay readable on this computer.',
  later: 'The backup drive was not connected: it moves to the new keys at the next backup, and its older backups stay readable on this computer.',
  none: 'There are no backups yet, so nothing there needed changing.',
};

function cloudOutcome(r: Finished): string {
  const head = `In the cloud copy, ${count(r.reencrypted, 'item')} ${r.reencrypted === 1 ? 'was' : 'were'} re-encrypted`;
  if (r.failed.length === 0) return `${head} and none failed.`;
  const left = r.failed.length - r.reuploaded;
  const leftAsWas = `left as ${left === 1 ? 'it was' : 'they were'} (your backups may hold ${left === 1 ? 'that file' : 'those files'})`;
  if (r.reuploaded === 0) return `${head}; ${count(r.failed.length, 'item')} could not be read and ${left === 1 ? 'was' : 'were'} ${leftAsWas}.`;
  const again = `${r.reuploaded} ${r.reuploaded === 1 ? 'holds a file' : 'hold files'} of this computer, uploaded again from the vault folder`;
  return `${head}; ${count(r.failed.length, 'item')} could not be read: ${again}${left > 0 ? `, and ${left} ${left === 1 ? 'was' : 'were'} ${leftAsWas}` : ''}.`;
}

export function RotateKeys() {
  const [vault, setVault] = useState<{ rotation: 'none' | 'interrupted' | 'running'; dropbox: boolean } | undefined>();
  const [open, setOpen] = useState(false);
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  /** switching: making the new keys (step 1); reencrypting: step 2. */
  const [phase, setPhase] = useState<'idle' | 'switching' | 'reencrypting'>('idle');
  const [progress, setProgress] = useState<ProgressEvent | undefined>();
  const [switched, setSwitched] = useState<Switched | undefined>();
  const [finished, setFinished] = useState<Finished | undefined>();
  const [message, setMessage] = useState('');
  const { run, prompt } = useUnlocked();
  const id = useId();

  const refresh = useCallback(
    () =>
      call('status').then(
        (s) => setVault({ rotation: s.keyRotation, dropbox: s.cloud.startsWith('Dropbox') }),
        () => {},
      ),
    [],
  );
  useEffect(() => void refresh(), [refresh]);
  // Re-encryption running in the background (started from another visit to this screen): check now and then whether it
  // is done, with the call that reads only that (status() walks the vault); when it is, the whole status again.
  const rotation = useCallback(
    () =>
      call('keyRotation').then(
        (k) => (k === 'running' ? undefined : refresh()),
        () => {},
      ),
    [refresh],
  );
  usePolling(rotation, 3000, vault?.rotation === 'running' && phase === 'idle');
  useEffect(() => onEvent('progress', (p) => p.task === 'rotate' && setProgress(p)), []);

  const failed = (m: string) => {
    setMessage(m);
    setPhase('idle');
    void refresh(); // a rotation that failed part-way is to be finished
  };
  // Step 2, once the new recovery key is saved: the cloud copy re-encrypted (the person may leave this screen meanwhile).
  const reencrypt = (s: Switched) => {
    setSwitched(undefined);
    setOpen(false);
    setPhase('reencrypting');
    setProgress(undefined);
    void run(
      'Finishing the rotation needs the new passphrase.',
      () => call('finishKeyRotation'),
      (f) => {
        setFinished({ ...f, backups: s.backups });
        setPhase('idle');
        void refresh();
      },
      failed,
    );
  };
  // Step 1: the new keys, and the new recovery key to save (none when picking up a rotation whose key was shown already).
  const rotate = (newPassphrase: string) => {
    setPhase('switching');
    setMessage('');
    setFinished(undefined);
    void run(
      'Rotating the keys needs the current passphrase (or the recovery key) first.',
      () => call('rotateKeys', { newPassphrase }),
      (r) => {
        setNext('');
        setAgain('');
        setPhase('idle');
        if (r.recoveryKey) setSwitched(r);
        else reencrypt(r);
      },
      failed,
    );
  };
  const start = (e: FormEvent) => {
    e.preventDefault();
    if (next !== again) return setMessage('The two passphrases are different.');
    rotate(next);
  };
  const finish = (e: FormEvent) => {
    e.preventDefault();
    if (next !== again) return setMessage('The two passphrases are different.');
    rotate(next);
  };

  if (switched?.recoveryKey) {
    return (
      <RecoveryKey
        words={switched.recoveryKey}
        kit="vault"
        title="New keys made: save the new recovery key"
        testId="rotated-recovery-key"
        doneLabel="I have saved it: re-encrypt the cloud copy"
        onDone={() => reencrypt(switched)}
      >
        <p role="status">The vault has new keys. The old passphrase and the old recovery key no longer open it.</p>
        <p>
          Write the new recovery key down (or print it) now and keep it away from the computer: it is shown only once. Then the cloud copy is re-encrypted with
          the new keys.
        </p>
      </RecoveryKey>
    );
  }

  const busy = phase !== 'idle';
  const making = phase === 'switching' && !prompt && <p role="status">Making the new keys…</p>;
  const reencrypting = phase === 'reencrypting' && !prompt && (
    <>
      {progress && progress.filesTotal > 0 && <progress max={progress.filesTotal} value={progress.filesDone} aria-label="Re-encryption progress" />}
      <p role="status">{progress ? `Re-encrypting the cloud copy: ${progress.filesDone} of ${progress.filesTotal}` : 'Re-encrypting the cloud copy…'}</p>
      <p className="muted">This carries on if you leave this screen; keep the computer on until it is done.</p>
    </>
  );
  const error = message && (
    <p className="error" role="alert">
      {message}
    </p>
  );

  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Lost or stolen computer</h2>
      {vault?.rotation === 'running' && !busy ? (
        <>
          {progress && progress.filesTotal > 0 && <progress max={progress.filesTotal} value={progress.filesDone} aria-label="Re-encryption progress" />}
          <p role="status">
            The cloud copy is being re-encrypted with the new keys{progress ? ` (${progress.filesDone} of ${progress.filesTotal})` : ''}. Keep the computer on
            until it is done.
          </p>
        </>
      ) : vault?.rotation === 'interrupted' && phase !== 'reencrypting' ? (
        <form className="stack" onSubmit={finish} aria-label="Finish rotating keys">
          <p className="banner-bad" role="alert">
            A key rotation on this computer did not finish. Type the new passphrase you chose then to finish it: until then, parts of the cloud copy may still
            open with the old keys.
          </p>
          <p className="muted">
            Forgotten it? If this computer never switched to the new keys, unlock with the current passphrase (Unlock in the header, or any action that asks for
            it) and type a new one here: the rotation starts again.
          </p>
          <label htmlFor={`${id}-then`}>The new passphrase chosen then</label>
          <input
            id={`${id}-then`}
            type="password"
            value={next}
            onChange={(e) => {
              setNext(e.target.value);
              setMessage('');
            }}
            autoComplete="current-password"
            required
          />
          <label htmlFor={`${id}-then-again`}>Type it again</label>
          <input id={`${id}-then-again`} type="password" value={again} onChange={(e) => setAgain(e.target.value)} autoComplete="current-password" required />
          {making}
          {error}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Finishing…' : 'Finish rotating keys'}
          </button>
        </form>
      ) : (
        <>
          <p>
            If a computer with this vault on it is lost or stolen, rotate the keys here. Casevault makes new keys, with a new passphrase and a new recovery key,
            so the lost computer's copy cannot read anything added or changed from now on. It cannot reach the lost computer itself: the files already on it
            stay there.
          </p>
          <ul>
            <li>The cloud copy is encrypted again with the new keys. A large vault takes a while: keep this computer on.</li>
            <li>Old backups stay readable on this computer.</li>
            <li>Any other computer that uses this vault asks once for the new passphrase.</li>
            {vault?.dropbox && (
              <li>
                Afterwards, in Dropbox's settings on the web (Connected apps), disconnect Casevault, so the lost computer's sign-in stops working. Then press
                "Reconnect Dropbox" on this page.
              </li>
            )}
          </ul>
          {finished && (
            <div className="banner-ok" role="status">
              <p>Done: this computer uses the new keys and the new passphrase from now on.</p>
              <p>{cloudOutcome(finished)}</p>
              <p>{BACKUPS[finished.backups]}</p>
            </div>
          )}
          {reencrypting}
          {!open ? (
            <>
              {error}
              <button
                type="button"
                onClick={() => {
                  setOpen(true);
                  setFinished(undefined);
                }}
                disabled={busy}
              >
                Rotate keys…
              </button>
            </>
          ) : (
            <form className="stack" onSubmit={start} aria-label="Rotate keys">
              <label htmlFor={`${id}-new`}>New passphrase (not the current one; four or more unrelated words work well)</label>
              <input
                id={`${id}-new`}
                type="password"
                value={next}
                onChange={(e) => {
                  setNext(e.target.value);
                  setMessage('');
                }}
                autoComplete="new-password"
                required
              />
              <StrengthMeter passphrase={next} />
              <label htmlFor={`${id}-again`}>Type the new passphrase again</label>
              <input id={`${id}-again`} type="password" value={again} onChange={(e) => setAgain(e.target.value)} autoComplete="new-password" required />
              {making}
              {error}
              <div className="row">
                <button type="submit" className="primary" disabled={busy}>
                  {busy ? 'Rotating…' : 'Rotate keys now'}
                </button>
                <button
                  type="button"
                  onClick={() => {
                    setOpen(false);
                    setNext('');
                    setAgain('');
                    setMessage('');
                  }}
                  disabled={busy}
                >
                  Cancel
                </button>
              </div>
            </form>
          )}
        </>
      )}
      {prompt}
    </section>
  );
}
