// Attaching or changing the backup folder (the API's attachBackupFolder):
// one card for Settings, the Backups screen and the end of recovering on a
// new computer. A folder that holds this vault's backups is adopted (its
// backups restore from then on); the result, or why the folder was
// refused, shows beside the button. A folder from before a key rotation
// asks for the unlock that only can tell it is this vault's.
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { call } from './api.js';
import { count, exactAndAgo } from './text.js';
import { useUnlocked } from './Unlock.js';
import type { ApiResult } from '../../contract/index.js';

type Report = ApiResult<'attachBackupFolder'>;

/** What attaching did, in a sentence or two. */
export function attachedText(r: Report): string {
  if (r.state === 'unchanged') return 'That is the backup folder already.';
  const now =
    r.state === 'adopted'
      ? `This folder holds this vault's backups: ${count(r.snapshots, 'backup')}${r.latest ? `, the latest from ${exactAndAgo(r.latest)}` : ''}${r.archives ? `, and ${count(r.archives, 'archive')} of closed cases` : ''}. They can be restored from now on, and new backups go there too.${r.rewrapped ? " Its key was still under the vault's keys from before they were changed; it is under the current ones now." : ''}`
      : `Backups go to ${r.folder} from now on${r.state === 'new' ? ' (the folder is made at the first backup)' : ''}: the first is taken at the next scheduled time, or now with "Back up now".`;
  return r.previous ? `${now} Backups no longer go to ${r.previous}; the backups already there stay there.` : now;
}

export function BackupFolderCard({
  title,
  current,
  children,
  onAttached,
}: {
  title: string;
  current: string | null;
  children?: ReactNode;
  onAttached?: (r: Report) => void;
}) {
  const [dir, setDir] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const { run, prompt } = useUnlocked();
  const id = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setMessage('');
    void run(
      "This folder may hold the vault's backups from before its keys were changed: unlocking lets Casevault check them with the earlier keys.",
      () => call('attachBackupFolder', { dir: dir.trim() }),
      (r) => {
        setBusy(false);
        setDir('');
        setMessage(attachedText(r));
        onAttached?.(r);
      },
      (m) => {
        setBusy(false);
        setMessage(m);
      },
    );
  };
  return (
    <>
      {prompt}
      <form className="card" onSubmit={submit} aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>{title}</h2>
        {children}
        {current && (
          <p>
            Backups go to <span className="path">{current}</span>
          </p>
        )}
        <label htmlFor={`${id}-dir`}>{current ? 'Another backup folder' : 'Backup folder (on a USB drive or a network share)'}</label>
        <span className="muted" id={`${id}-hint`}>
          An empty folder, a new one, or the backup folder this vault used before (its backups can then be restored).
        </span>
        <input
          id={`${id}-dir`}
          value={dir}
          onChange={(e) => setDir(e.target.value)}
          placeholder="/media/you/USB/Casevault backups"
          aria-describedby={`${id}-hint`}
          required
        />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Checking the folder…' : current ? 'Change the backup folder' : 'Use this folder for backups'}
        </button>
        {message && <p role="status">{message}</p>}
      </form>
    </>
  );
}
