// A health item's fix, where the app has one, right beside it: the
// passphrase field when the keys were changed on another computer, "Check
// again" for a drive or cloud folder that is away, "Back up now", the
// recovery key typed back, or the screen that does it (Housekeeping, the
// audit trail, Settings). Otherwise the fix in words (failures.ts). After a
// fix the caller reads the status again: the engine says whether it worked.
import { useId, useState, type FormEvent } from 'react';
import { call } from './api.js';
import { explain, nextStepText } from './failures.js';
import { useNavigate } from './nav.js';
import type { HealthItem } from '../../contract/index.js';

type Fixed = () => Promise<void>;

/** An action that may fail: its outcome is shown beside its button. */
function useAction(onFixed: Fixed) {
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState('');
  const act = async (work: () => Promise<unknown>, after = '') => {
    setBusy(true);
    setNote('');
    try {
      await work();
      setNote(after);
    } catch (e) {
      setNote(explain(e));
    }
    await onFixed();
    setBusy(false);
  };
  return { busy, note, act };
}

/** A secret typed right here: the (new) passphrase to unlock with, or the recovery key to type back. */
function SecretFix({ label, button, multiline, submit }: { label: string; button: string; multiline?: boolean; submit: (value: string) => Promise<void> }) {
  const [value, setValue] = useState('');
  const id = useId();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void submit(value).then(() => setValue(''));
  };
  return (
    <form className="stack" onSubmit={onSubmit} aria-label={label}>
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea id={id} value={value} onChange={(e) => setValue(e.target.value)} rows={3} autoComplete="off" spellCheck={false} required />
      ) : (
        <input id={id} type="password" value={value} onChange={(e) => setValue(e.target.value)} autoComplete="current-password" required />
      )}
      <button type="submit">{button}</button>
    </form>
  );
}

/** What Home knows that some fixes need: where this computer keeps its key file, and whether a backup can put the vault folder back. */
export interface FixContext {
  settingsFolder: string;
  hasBackup: boolean;
}

/** A folder path typed here, and the button that uses it. */
function FolderFix({ label, button, submit, optional }: { label: string; button: string; submit: (dir: string) => Promise<void>; optional?: boolean }) {
  const [value, setValue] = useState('');
  const id = useId();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void submit(value.trim());
  };
  return (
    <form className="stack" onSubmit={onSubmit} aria-label={button}>
      <label htmlFor={id}>{label}</label>
      <input id={id} value={value} onChange={(e) => setValue(e.target.value)} spellCheck={false} required={!optional} />
      <button type="submit">{button}</button>
    </form>
  );
}

export function HealthFix({ item, onFixed, context }: { item: HealthItem; onFixed: Fixed; context: FixContext }) {
  const navigate = useNavigate();
  const { busy, note, act } = useAction(onFixed);
  if (item.ok || !item.next) return null;
  const words = <p className="muted">{nextStepText(item.next)}</p>;
  const go = (section: string, label: string) => (
    <button type="button" onClick={() => navigate(section)}>
      {label}
    </button>
  );
  const run = (label: string, work: () => Promise<unknown>, after?: string) => (
    <button type="button" disabled={busy} onClick={() => void act(work, after)}>
      {busy ? 'Working…' : label}
    </button>
  );
  let control;
  switch (item.next) {
    case 'unlock-with-new-passphrase':
    case 'unlock':
      control = (
        <SecretFix
          label={item.next === 'unlock' ? 'Passphrase' : 'Type the new passphrase (the one chosen on the other computer)'}
          button={item.next === 'unlock' ? 'Unlock' : 'Take on the new keys'}
          submit={(passphrase) => act(() => call('unlock', { passphrase }), 'Unlocked.')}
        />
      );
      break;
    case 'confirm-recovery-key':
      control = (
        <>
          <SecretFix
            label="Type the recovery key (the 27 words)"
            button="Check the recovery key"
            multiline
            submit={(recoveryKey) => act(() => call('confirmRecoveryKey', { recoveryKey }), 'That is the recovery key: keep it safe.')}
          />
          {go('settings', 'Make a new recovery key in Settings')}
        </>
      );
      break;
    // The cloud: live sync tries a pass now, and the status says what it found.
    case 'reconnect-cloud':
    case 'retry':
      control = run('Check again', () => call('sync').catch(() => undefined));
      break;
    case 'restore-cloud-key-file':
      control = (
        <>
          <p className="muted">
            This computer keeps its copy of the key file (casevault.key) in Casevault&apos;s settings folder,{' '}
            <span className="path" data-testid="settings-folder">
              {context.settingsFolder}
            </span>
            . If the cloud copy was emptied or reset, putting it back lets this computer send every file there again.
          </p>
          {run(
            "Put this computer's key file back into the cloud, then sync",
            async () => {
              await call('putBackCloudKeyFile');
              await call('sync');
            },
            'The key file is back in the cloud copy, and this computer sent its files there again.',
          )}
          {run('Check again', () => call('sync').catch(() => undefined))}
        </>
      );
      break;
    case 'put-vault-folder-back':
      control = (
        <>
          <FolderFix
            label="Put the vault folder back from the cloud copy into a new or empty folder (leave it empty: where it was)"
            button="Put the vault folder back from the cloud copy"
            optional
            submit={(to) => act(() => call('putVaultBack', to ? { to } : {}), 'The vault folder is back from the cloud copy.')}
          />
          <FolderFix
            label="Or use another folder as the vault (the folder the vault's files were moved to)"
            button="Use this folder as the vault"
            submit={(dir) => act(() => call('useVaultFolder', { dir }), 'That folder is the vault folder now.')}
          />
          {context.hasBackup && (
            <>
              <p className="muted">Or put it back from a backup: Backups &amp; restore, Everything, into the vault.</p>
              {go('backups', 'Go to Backups & restore')}
            </>
          )}
        </>
      );
      break;
    case 'plug-in-backup-drive':
      control = run('Check again', () => Promise.resolve());
      break;
    case 'take-backup':
      control = run('Back up now', () => call('backup'), 'Backup taken.');
      break;
    case 'sync-now':
      break; // Home's own "Sync now" is on the same card: a second one would only be a copy of it
    case 'change-backup-folder':
      control = go('settings', 'Change the backup folder');
      break;
    case 'set-backup-folder':
      control = go('backups', 'Set up backups');
      break;
    case 'verify-backup':
      control = go('backups', 'Check the backups');
      break;
    case 'prune-backups':
      control = go('backups', 'Go to Backups');
      break;
    case 'review-retention':
      control = go('housekeeping', 'Review cases');
      break;
    case 'finish-case-removal':
      control = go('housekeeping', 'Finish it in Housekeeping');
      break;
    case 'finish-removal':
      control = go('handover', 'Finish it under Leaving the role');
      break;
    case 'review-access':
      control = go('audit', 'Review access');
      break;
    case 'finish-key-rotation':
    case 'reconnect-dropbox':
    case 'connect-s3':
      control = go('settings', 'Go to Settings');
      break;
  }
  return (
    <div className="stack">
      {words}
      {control}
      {note && <p role="status">{note}</p>}
    </div>
  );
}
