import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { call } from './api.js';
import { attachedText, BackupFolderCard } from './BackupFolder.js';
import { DropboxSignIn } from './DropboxSignIn.js';
import { RecoveryKey } from './RecoveryKey.js';
import { useS3Connection } from './S3Connection.js';
import { useSecretField } from './Unlock.js';
import { explain } from './failures.js';
import { count, lastChangedText } from '../../contract/index.js';
import { when } from './text.js';

interface Strength {
  ok: boolean;
  score: number;
  reason: string;
}

const LABELS = ['Very weak', 'Weak', 'Fair', 'Good', 'Strong'];

export function StrengthMeter({ passphrase }: { passphrase: string }) {
  const [s, setS] = useState<Strength | undefined>();
  useEffect(() => {
    if (!passphrase) return setS(undefined);
    const t = setTimeout(() => call('passphraseStrength', { passphrase }).then(setS, () => setS(undefined)), 150);
    return () => clearTimeout(t);
  }, [passphrase]);
  if (!s) return null;
  return (
    <div className="strength" aria-live="polite">
      <meter min={0} max={4} value={s.score} aria-label="Passphrase strength" />
      <span>
        {LABELS[s.score]}
        {s.ok ? '' : `: ${s.reason}`}
      </span>
    </div>
  );
}

const S3_CHOICE = "The union's object storage (S3)";

/** Whether the form needs the S3 connection: the cloud copy, or the backups at an s3:// address, on the union's object storage. */
function needsS3(cloudKind: string, backupDir: string): boolean {
  return cloudKind === 's3' || backupDir.trim().startsWith('s3://');
}

/** One place the encrypted copy can go, as a radio button with its words. */
function CloudChoice<K extends string>({
  group,
  kind,
  current,
  pick,
  children,
}: {
  group: string;
  kind: K;
  current: K;
  pick: (k: K) => void;
  children: ReactNode;
}) {
  return (
    <label className="tick">
      <input type="radio" name={group} checked={current === kind} onChange={() => pick(kind)} />
      <span>{children}</span>
    </label>
  );
}

/** On a new computer: rebuild the vault from the cloud copy with the passphrase or the recovery key. */
function Recover({ onDone, onBack }: { onDone: () => void; onBack: () => void }) {
  const [cloudKind, setCloudKind] = useState<'folder' | 's3'>('folder');
  const [cloudDir, setCloudDir] = useState('');
  const s3 = useS3Connection({ bucket: cloudKind === 's3' });
  const [vaultDir, setVaultDir] = useState('');
  const [backupDir, setBackupDir] = useState('');
  const secret = useSecretField();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<{ text: string; backup: boolean } | undefined>();
  const id = useId();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    const location = cloudKind === 's3' ? s3.location() : undefined;
    if (typeof location === 'string') return setError(`${location[0]!.toUpperCase()}${location.slice(1)}.`);
    setBusy(true);
    try {
      const r = await call('recover', {
        cloud: location ? { kind: 's3', ...location } : { kind: 'folder', dir: cloudDir },
        vaultDir,
        secret: secret.value(),
        ...(backupDir.trim() ? { backupDir: backupDir.trim() } : {}),
        ...(needsS3(cloudKind, backupDir) ? { s3: s3.connection() } : {}),
      });
      secret.clear();
      s3.clear();
      // Damage in the cloud copy apart from what this computer could not do (a path too long for the folder, a full disk): each says its reason.
      const damaged = r.failed.filter((f) => f.damaged).length;
      const other = r.failed.find((f) => !f.damaged);
      const others = r.failed.length - damaged;
      setDone({
        text: `${r.restored === 1 ? '1 file is' : `${r.restored} files are`} back in ${vaultDir}.${damaged ? ` ${count(damaged, 'damaged item')} in the cloud copy could not be recovered; your backups may hold ${damaged === 1 ? 'it' : 'them'}.` : ''}${other ? ` ${count(others, 'item')} could not be recovered here (${other.reason}).` : ''}${r.lastChanged ? ` ${lastChangedText(r.lastChanged, when(r.lastChanged.at))}` : ''}${r.backup ? ` ${attachedText(r.backup)}` : ''}`,
        backup: r.backup !== undefined,
      });
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };
  if (done) {
    return (
      <>
        <section className="card">
          <h2>Your vault is back</h2>
          <p role="status">{done.text}</p>
          <button type="button" className="primary" onClick={onDone}>
            Continue
          </button>
        </section>
        {!done.backup && (
          <BackupFolderCard title="Do you have a backup drive from before?" current={null}>
            <p>
              Attach it, and its older versions of your files can be restored here, and new backups go there too. Or choose an empty folder on a USB drive or a
              network share to start backing up this computer.
            </p>
          </BackupFolderCard>
        )}
      </>
    );
  }
  return (
    <form className="card" onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Recover a vault on this computer</h2>
      <p>Use this on a new computer: Casevault rebuilds your vault folder from the encrypted cloud copy.</p>
      <fieldset className="fields">
        <legend>Where the encrypted copy is</legend>
        <CloudChoice group={`${id}-kind`} kind="folder" current={cloudKind} pick={setCloudKind}>
          A folder that syncs, or a share
        </CloudChoice>
        <CloudChoice group={`${id}-kind`} kind="s3" current={cloudKind} pick={setCloudKind}>
          {S3_CHOICE}
        </CloudChoice>
        {cloudKind === 'folder' && (
          <>
            <label htmlFor={`${id}-cloud`}>Cloud folder that holds the encrypted copy</label>
            <input id={`${id}-cloud`} value={cloudDir} onChange={(e) => setCloudDir(e.target.value)} required />
          </>
        )}
        {cloudKind === 's3' && s3.fields}
      </fieldset>
      <label htmlFor={`${id}-vault`}>New (or empty) folder for the vault</label>
      <input id={`${id}-vault`} value={vaultDir} onChange={(e) => setVaultDir(e.target.value)} required />
      <label htmlFor={`${id}-backup`}>Backup drive from before (optional)</label>
      <span className="muted" id={`${id}-backup-hint`}>
        The backup folder on the USB drive or share this vault was backed up to, or its s3:// address: its backups can then be restored here, and new ones go
        there.
      </span>
      <input id={`${id}-backup`} value={backupDir} onChange={(e) => setBackupDir(e.target.value)} aria-describedby={`${id}-backup-hint`} />
      {cloudKind !== 's3' && needsS3(cloudKind, backupDir) && s3.fields}
      {secret.field}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Recovering…' : 'Recover my vault'}
        </button>
        <button type="button" onClick={onBack}>
          Back
        </button>
      </div>
    </form>
  );
}

export function FirstRun({ onDone }: { onDone: () => void }) {
  const [recovering, setRecovering] = useState(false);
  const [vaultDir, setVaultDir] = useState('');
  const [cloudDir, setCloudDir] = useState('');
  const [cloudKind, setCloudKind] = useState<'folder' | 'dropbox' | 's3'>('folder');
  const s3 = useS3Connection({ bucket: cloudKind === 's3' });
  const [dropboxReady, setDropboxReady] = useState(false);
  const [backupDir, setBackupDir] = useState('');
  const [everyHours, setEveryHours] = useState(24);
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [words, setWords] = useState('');
  const id = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    if (passphrase !== again) return setError('The two passphrases are different.');
    const location = cloudKind === 's3' ? s3.location() : undefined;
    if (typeof location === 'string') return setError(`${location[0]!.toUpperCase()}${location.slice(1)}.`);
    setBusy(true);
    try {
      const cloud = location
        ? { kind: 's3' as const, ...location }
        : cloudKind === 'dropbox'
          ? { kind: 'dropbox' as const, root: '' }
          : { kind: 'folder' as const, dir: cloudDir };
      const r = await call('init', {
        vaultDir,
        cloud,
        ...(backupDir.trim() ? { backupDir: backupDir.trim() } : {}),
        passphrase,
        ...(needsS3(cloudKind, backupDir) ? { s3: s3.connection() } : {}),
      });
      setPassphrase('');
      setAgain('');
      s3.clear();
      if (backupDir.trim() && everyHours !== 24) await call('updateSettings', { backupEveryHours: everyHours }).catch(() => {});
      setWords(r.recoveryKey);
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };

  if (words) {
    return (
      <RecoveryKey words={words} kit="vault" title="Save your recovery key" testId="recovery-key" doneLabel="I have saved it: continue" onDone={onDone}>
        <p>
          This is shown only once. If the passphrase is ever forgotten, these words are the only way back into the vault: nobody else, not even the union, can
          open it.
        </p>
      </RecoveryKey>
    );
  }
  if (recovering) return <Recover onDone={onDone} onBack={() => setRecovering(false)} />;
  return (
    <form className="card" onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Set up your vault</h2>
      <p>Casevault keeps an encrypted copy of your case files in the cloud. Only you can read it.</p>
      <label htmlFor={`${id}-vault`}>Vault folder (where you keep case files on this computer)</label>
      <input id={`${id}-vault`} value={vaultDir} onChange={(e) => setVaultDir(e.target.value)} placeholder="/home/you/Cases" required />
      <fieldset className="fields">
        <legend>Where the encrypted copy goes</legend>
        <CloudChoice group={`${id}-kind`} kind="folder" current={cloudKind} pick={setCloudKind}>
          A folder that syncs (a Dropbox, OneDrive or Nextcloud sync folder, or a share)
        </CloudChoice>
        <CloudChoice group={`${id}-kind`} kind="dropbox" current={cloudKind} pick={setCloudKind}>
          Dropbox, signed in from here (no Dropbox app needed)
        </CloudChoice>
        <CloudChoice group={`${id}-kind`} kind="s3" current={cloudKind} pick={setCloudKind}>
          {S3_CHOICE}
        </CloudChoice>
        {cloudKind === 'folder' && (
          <>
            <label htmlFor={`${id}-cloud`}>Cloud folder</label>
            <input id={`${id}-cloud`} value={cloudDir} onChange={(e) => setCloudDir(e.target.value)} placeholder="/home/you/Dropbox/Casevault" required />
          </>
        )}
        {cloudKind === 'dropbox' && <DropboxSignIn label="Sign in to Dropbox" onConnected={() => setDropboxReady(true)} />}
        {cloudKind === 's3' && s3.fields}
      </fieldset>
      <label htmlFor={`${id}-backup`}>Backup folder on a separate drive (a USB drive or NAS share), or an s3:// address</label>
      <input id={`${id}-backup`} value={backupDir} onChange={(e) => setBackupDir(e.target.value)} placeholder="/media/you/USB/Casevault backups" />
      {cloudKind !== 's3' && needsS3(cloudKind, backupDir) && s3.fields}
      {!backupDir.trim() && (
        <p className="warning" data-testid="no-backup-warning">
          Without a backup folder, a file deleted or damaged by mistake (or by ransomware) in the cloud copy cannot be brought back from an earlier date. You
          can leave it empty and add one later in Settings.
        </p>
      )}
      {backupDir.trim() && (
        <>
          <label htmlFor={`${id}-every`}>How often to back up</label>
          <select id={`${id}-every`} value={everyHours} onChange={(e) => setEveryHours(Number(e.target.value))}>
            <option value={1}>Every hour</option>
            <option value={6}>Every 6 hours</option>
            <option value={24}>Every day (recommended)</option>
            <option value={168}>Every week</option>
          </select>
          <span className="muted">A backup missed while the computer was off runs as soon as it is back on. Settings can change this later.</span>
        </>
      )}
      <label htmlFor={`${id}-pass`}>Passphrase (four or more unrelated words work well)</label>
      <input
        id={`${id}-pass`}
        type="password"
        value={passphrase}
        onChange={(e) => {
          setPassphrase(e.target.value);
          setError('');
        }}
        autoComplete="new-password"
        required
      />
      <StrengthMeter passphrase={passphrase} />
      <label htmlFor={`${id}-again`}>Type the passphrase again</label>
      <input id={`${id}-again`} type="password" value={again} onChange={(e) => setAgain(e.target.value)} autoComplete="new-password" required />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy || (cloudKind === 'dropbox' && !dropboxReady)}>
        {busy ? 'Creating…' : 'Create vault'}
      </button>
      <button type="button" className="link" onClick={() => setRecovering(true)}>
        Already have a vault? Recover it on this computer
      </button>
    </form>
  );
}
