import { useEffect, useId, useState, type FormEvent } from 'react';
import { ApiError, call } from './api.js';
import { CloudMove } from './CloudMove.js';
import { DropboxSignIn } from './DropboxSignIn.js';
import { Preferences } from './Preferences.js';
import { RotateKeys } from './RotateKeys.js';
import { useUnlocked } from './Unlock.js';

/** For a Dropbox vault: sign in again (a new computer's sign-in expired, or access was removed in Dropbox). */
function ReconnectDropbox() {
  const [shown, setShown] = useState(false);
  const { run, prompt } = useUnlocked();
  const id = useId();
  useEffect(() => {
    void call('status').then(
      (s) => setShown(s.cloud.startsWith('Dropbox')),
      () => {},
    );
  }, []);
  if (!shown) return null;
  const unlocked = <T,>(f: () => Promise<T>) =>
    new Promise<T>(
      (ok, fail) => void run('The Dropbox sign-in is kept encrypted: unlock to replace it.', f, ok, (m) => fail(new ApiError({ kind: 'failed', message: m }))),
    );
  return (
    <>
      {prompt}
      <section className="card" aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>Dropbox</h2>
        <p>If syncing says Dropbox is not connected, sign in again. Nothing in the cloud copy changes.</p>
        <DropboxSignIn label="Reconnect Dropbox" run={unlocked} onConnected={() => {}} />
      </section>
    </>
  );
}

export function Settings() {
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [message, setMessage] = useState('');
  const [words, setWords] = useState('');
  const { run, prompt } = useUnlocked();
  const id = useId();

  const change = (e: FormEvent) => {
    e.preventDefault();
    if (next !== again) return setMessage('The two passphrases are different.');
    void run(
      'Changing the passphrase needs the current one (or the recovery key).',
      () => call('changePassphrase', { newPassphrase: next }),
      () => {
        setNext('');
        setAgain('');
        setMessage('Passphrase changed. Nothing was re-encrypted, and the recovery key still works.');
      },
      setMessage,
    );
  };
  const newKey = () => {
    void run(
      'A new recovery key needs the passphrase.',
      () => call('newRecoveryKey'),
      (r) => {
        setWords(r.recoveryKey);
        setMessage('A new recovery key was made; the old one no longer works. Save this one now: it is shown only once.');
      },
      setMessage,
    );
  };
  const lock = () => void call('lock').then(() => setMessage('Locked: the keys that read the vault were wiped from memory. Syncing carries on.'));

  return (
    <>
      {prompt}
      <form className="card" onSubmit={change} aria-labelledby={`${id}-p`}>
        <h2 id={`${id}-p`}>Change the passphrase</h2>
        <label htmlFor={`${id}-new`}>New passphrase</label>
        <input id={`${id}-new`} type="password" value={next} onChange={(e) => setNext(e.target.value)} autoComplete="new-password" required />
        <label htmlFor={`${id}-again`}>Type it again</label>
        <input id={`${id}-again`} type="password" value={again} onChange={(e) => setAgain(e.target.value)} autoComplete="new-password" required />
        <button type="submit" className="primary">
          Change passphrase
        </button>
      </form>
      <section className="card" aria-labelledby={`${id}-k`}>
        <h2 id={`${id}-k`}>Recovery key</h2>
        <p>If the recovery key may have been seen by someone else, make a new one: the old one stops working.</p>
        {words && (
          <p className="recovery-key" data-testid="new-recovery-key">
            {words}
          </p>
        )}
        <button type="button" onClick={newKey}>
          Make a new recovery key
        </button>
      </section>
      <RotateKeys />
      <section className="card" aria-labelledby={`${id}-l`}>
        <h2 id={`${id}-l`}>Lock</h2>
        <p>The vault locks by itself when the computer sleeps or the screen locks, and after the idle time below.</p>
        <button type="button" onClick={lock}>
          Lock now
        </button>
      </section>
      <ReconnectDropbox />
      <CloudMove />
      <Preferences />
      {message && (
        <p className="card" role="status">
          {message}
        </p>
      )}
    </>
  );
}
