// Settings: the passphrase, the recovery key, a lost computer's key
// rotation, Dropbox's sign-in, S3 storage's access key, checking and moving
// the cloud copy, and the person's
// preferences. Each card shows what its action did (and asks to unlock)
// right beside its button.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { ApiError, call } from './api.js';
import { BackupFolderCard } from './BackupFolder.js';
import { CheckCloud } from './CheckCloud.js';
import { CloudMove } from './CloudMove.js';
import { Computers } from './Computers.js';
import { DropboxSignIn } from './DropboxSignIn.js';
import { useNewKey } from './nav.js';
import { useOutcome } from './Outcome.js';
import { Preferences } from './Preferences.js';
import { RecoveryKey } from './RecoveryKey.js';
import { RotateKeys } from './RotateKeys.js';
import { S3ConnectionCard } from './S3Connection.js';
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
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Dropbox</h2>
      <p>If syncing says Dropbox is not connected, sign in again. Nothing in the cloud copy changes.</p>
      <DropboxSignIn label="Reconnect Dropbox" run={unlocked} onConnected={() => {}} />
      {prompt}
    </section>
  );
}

/** For a vault on S3 storage (its cloud copy, or its backups at an s3:// address): replace the access key. */
function S3Keys() {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    void Promise.all([call('status'), call('backupStatus')]).then(
      ([s, b]) => setShown(s.cloud.startsWith('S3 storage') || (b.folder ?? '').startsWith('s3://')),
      () => {},
    );
  }, []);
  return shown ? <S3ConnectionCard /> : null;
}

/** Where backups go: attach one, or change it (a folder holding this vault's backups from before is adopted). */
function BackupFolderSetting() {
  const [folder, setFolder] = useState<string | null | undefined>();
  useEffect(() => {
    void call('backupStatus').then(
      (s) => setFolder(s.folder),
      () => {},
    );
  }, []);
  if (folder === undefined) return null;
  return (
    <BackupFolderCard title="Backup folder" current={folder} onAttached={(r) => setFolder(r.folder)}>
      {!folder && (
        <p>No backup folder is set up: choose one on a USB drive or a network share, so a mistake that reaches the cloud cannot reach the backups.</p>
      )}
    </BackupFolderCard>
  );
}

/** A new passphrase: the key file is wrapped again, nothing re-encrypted. */
function ChangePassphrase() {
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const { run, prompt } = useUnlocked();
  const outcome = useOutcome();
  const id = useId();
  const change = (e: FormEvent) => {
    e.preventDefault();
    outcome.clear();
    if (next !== again) return outcome.fail('The two passphrases are different.');
    void run(
      'Changing the passphrase needs the current one (or the recovery key).',
      () => call('changePassphrase', { newPassphrase: next }),
      () => {
        setNext('');
        setAgain('');
        outcome.ok('Passphrase changed. Nothing was re-encrypted, and the recovery key still works.');
      },
      outcome.fail,
    );
  };
  return (
    <form className="card" onSubmit={change} aria-labelledby={`${id}-p`}>
      <h2 id={`${id}-p`}>Change the passphrase</h2>
      <label htmlFor={`${id}-new`}>New passphrase</label>
      <input id={`${id}-new`} type="password" value={next} onChange={(e) => setNext(e.target.value)} autoComplete="new-password" required />
      <label htmlFor={`${id}-again`}>Type it again</label>
      <input id={`${id}-again`} type="password" value={again} onChange={(e) => setAgain(e.target.value)} autoComplete="new-password" required />
      <button type="submit" className="primary">
        Change passphrase
      </button>
      {prompt}
      {outcome.view}
    </form>
  );
}

/**
 * The recovery key: type the one you have back (the vault's health asks
 * until someone has), or replace it, which asks first because the printed
 * key stops working. A new key stays on screen, held by the app, until it
 * is typed back.
 */
function RecoveryKeyCard() {
  const { key, hold } = useNewKey();
  const [mode, setMode] = useState<'idle' | 'checking' | 'asking'>('idle');
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const { run, prompt } = useUnlocked();
  const outcome = useOutcome();
  const id = useId();

  if (key?.replaced) {
    return (
      <section className="card" aria-labelledby={`${id}-k`}>
        <h2 id={`${id}-k`}>Recovery key</h2>
        <p role="alert" data-testid="recovery-key-replaced">
          A newer recovery key was made since this window showed one (in another window, or on another screen), so the key shown here no longer opens the vault
          and is taken off the screen. Use the newest key: save, print and type back the one shown where it was made; if that one is lost, make a new recovery
          key.
        </p>
        <button type="button" onClick={() => hold(undefined)}>
          Close
        </button>
      </section>
    );
  }
  if (key) {
    return (
      <RecoveryKey
        words={key.words}
        kit="vault"
        title="Your new recovery key"
        testId="new-recovery-key"
        doneLabel="I have saved it: done"
        onDone={() => {
          hold(undefined);
          outcome.ok('The new recovery key is saved and checked. The old one no longer opens the vault.');
        }}
      >
        <p role="status">A new recovery key was made: the old one no longer opens the vault. This one is shown only now.</p>
      </RecoveryKey>
    );
  }
  const check = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    outcome.clear();
    call('confirmRecoveryKey', { recoveryKey: typed })
      .then(() => {
        setTyped('');
        setMode('idle');
        outcome.ok("That is this vault's recovery key: it is recorded as kept.");
      }, outcome.fail)
      .finally(() => setBusy(false));
  };
  const replace = () => {
    setMode('idle');
    outcome.clear();
    void run(
      'A new recovery key needs the passphrase.',
      () => call('newRecoveryKey'),
      (r) => hold({ words: r.recoveryKey, id: r.id }),
      outcome.fail,
    );
  };
  return (
    <section className="card" aria-labelledby={`${id}-k`}>
      <h2 id={`${id}-k`}>Recovery key</h2>
      <p>
        The recovery key opens the vault if the passphrase is forgotten. Check the one you kept by typing it here; if it is lost, or someone else may have seen
        it, make a new one.
      </p>
      {mode === 'asking' ? (
        <div className="stack" role="group" aria-labelledby={`${id}-ask`}>
          <p id={`${id}-ask`} className="banner-bad">
            Your printed (or saved) recovery key stops working as soon as a new one is made, and the new one is shown only once. Make a new recovery key?
          </p>
          <div className="row">
            <button type="button" className="primary" onClick={replace}>
              Yes, make a new recovery key
            </button>
            <button type="button" onClick={() => setMode('idle')}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div className="row wrap">
          <button type="button" onClick={() => setMode('checking')} disabled={mode === 'checking'}>
            Check the recovery key I have
          </button>
          <button type="button" onClick={() => setMode('asking')}>
            Make a new recovery key…
          </button>
        </div>
      )}
      {mode === 'checking' && (
        <form className="stack" onSubmit={check} aria-label="Check the recovery key">
          <label htmlFor={`${id}-typed`}>The recovery key you kept (the 27 words)</label>
          <textarea id={`${id}-typed`} value={typed} onChange={(e) => setTyped(e.target.value)} rows={3} autoComplete="off" spellCheck={false} required />
          <div className="row">
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Checking…' : 'Check it'}
            </button>
            <button type="button" onClick={() => setMode('idle')}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {prompt}
      {outcome.view}
    </section>
  );
}

export function Settings() {
  return (
    <>
      <ChangePassphrase />
      <RecoveryKeyCard />
      <Computers />
      <RotateKeys />
      <ReconnectDropbox />
      <S3Keys />
      <BackupFolderSetting />
      <CheckCloud />
      <CloudMove />
      <Preferences />
    </>
  );
}
