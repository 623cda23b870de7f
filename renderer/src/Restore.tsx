// Restore from a backup: pick a date, browse or search that backup's
// folders, tick files and folders (or everything), and restore them into
// the vault (beside any file of the same name, never over it) or elsewhere.
import { useEffect, useId, useMemo, useState } from 'react';
import { call, onEvent } from './api.js';
import { count, size, when } from './text.js';
import { buildTree, coveredByFolder, searchTree, toggle, type Folder } from './tree.js';
import { useUnlocked } from './Unlock.js';
import { type ApiResult, type ProgressEvent } from '../../contract/index.js';

type Snapshots = ApiResult<'snapshots'>;
type Tree = ApiResult<'snapshotTree'>;
type Report = ApiResult<'restoreBackup'>;

function Tick({ path, label, chosen, onToggle }: { path: string; label: string; chosen: ReadonlySet<string>; onToggle: (p: string) => void }) {
  const covered = coveredByFolder(chosen, path);
  return (
    <label className="tick">
      <input type="checkbox" checked={covered || chosen.has(path)} disabled={covered} onChange={() => onToggle(path)} />
      <span>{label}</span>
    </label>
  );
}

function FolderItem({
  folder,
  chosen,
  onToggle,
  open,
  onOpen,
}: {
  folder: Folder;
  chosen: ReadonlySet<string>;
  onToggle: (p: string) => void;
  open: ReadonlySet<string>;
  onOpen: (p: string) => void;
}) {
  const isOpen = open.has(folder.path);
  return (
    <li>
      <div className="tree-row">
        <button
          type="button"
          className="disclose"
          aria-expanded={isOpen}
          aria-label={`${isOpen ? 'Close' : 'Open'} folder ${folder.name}`}
          onClick={() => onOpen(folder.path)}
        >
          {isOpen ? '▾' : '▸'}
        </button>
        <Tick path={folder.path} label={`${folder.name}/`} chosen={chosen} onToggle={onToggle} />
        <span className="muted">
          {count(folder.count, 'file')}, {size(folder.bytes)}
        </span>
      </div>
      {isOpen && <FolderContents folder={folder} chosen={chosen} onToggle={onToggle} open={open} onOpen={onOpen} />}
    </li>
  );
}

function FolderContents(p: {
  folder: Folder;
  chosen: ReadonlySet<string>;
  onToggle: (p: string) => void;
  open: ReadonlySet<string>;
  onOpen: (p: string) => void;
}) {
  return (
    <ul className="tree">
      {p.folder.folders.map((f) => (
        <FolderItem key={f.path} {...p} folder={f} />
      ))}
      {p.folder.files.map((f) => (
        <li key={f.path} className="tree-row">
          <Tick path={f.path} label={f.path.slice(f.path.lastIndexOf('/') + 1)} chosen={p.chosen} onToggle={p.onToggle} />
          <span className="muted">
            {size(f.size)}, changed {new Date(f.mtimeMs).toLocaleDateString()}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** The files of one backup, to tick; `everything` restores it all. */
export function TreePicker({ tree, chosen, setChosen }: { tree: Tree; chosen: ReadonlySet<string>; setChosen: (s: Set<string>) => void }) {
  const root = useMemo(() => buildTree(tree.files), [tree]);
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState<Set<string>>(new Set());
  const id = useId();
  const onToggle = (p: string) => setChosen(toggle(chosen, p));
  const onOpen = (p: string) => setOpen((o) => toggle(o, p));
  const hits = searchTree(root, query);
  return (
    <div className="picker">
      <label htmlFor={`${id}-q`}>Search this backup by name</label>
      <input id={`${id}-q`} type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="grievance" />
      {query.trim() ? (
        hits.length === 0 ? (
          <p>Nothing in this backup has that in its name.</p>
        ) : (
          <ul className="tree" aria-label="Search results">
            {hits.map((h) => (
              <li key={h.path} className="tree-row">
                <Tick path={h.path} label={h.folder ? `${h.path}/` : h.path} chosen={chosen} onToggle={onToggle} />
                <span className="muted">{size(h.size)}</span>
              </li>
            ))}
          </ul>
        )
      ) : (
        <div role="group" aria-label="Files and folders in this backup">
          <FolderContents folder={root} chosen={chosen} onToggle={onToggle} open={open} onOpen={onOpen} />
        </div>
      )}
    </div>
  );
}

export function Restore({ snapshots, vaultDir }: { snapshots: Snapshots; vaultDir: string }) {
  const [snapshot, setSnapshot] = useState(snapshots.at(-1)?.id ?? '');
  const [tree, setTree] = useState<Tree | undefined>();
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [everything, setEverything] = useState(false);
  const [elsewhere, setElsewhere] = useState(false);
  const [folder, setFolder] = useState('');
  const [progress, setProgress] = useState<ProgressEvent | undefined>();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const [report, setReport] = useState<Report | undefined>();
  const { run, prompt } = useUnlocked();
  const id = useId();

  useEffect(() => onEvent('progress', (p) => p.task === 'restore' && setProgress(p)), []);

  const browse = (snap: string) => {
    setMessage('');
    void run(
      'The list of files in a backup is encrypted: unlock to see it.',
      () => call('snapshotTree', { snapshot: snap }),
      (t) => {
        setTree(t);
        setChosen(new Set());
      },
      setMessage,
    );
  };
  const pick = (snap: string) => {
    setSnapshot(snap);
    setReport(undefined);
    if (tree) browse(snap);
  };

  const to = elsewhere ? folder.trim() : vaultDir;
  const ready = (everything || chosen.size > 0) && to !== '';
  const restore = () => {
    setBusy(true);
    setMessage('');
    setReport(undefined);
    setProgress(undefined);
    void run(
      'Restoring reads the backup, so it needs the passphrase (or the recovery key).',
      () => call('restoreBackup', { snapshot, to, ...(everything ? {} : { paths: [...chosen] }) }),
      (r) => {
        setReport(r);
        setChosen(new Set());
        setBusy(false);
      },
      (m) => {
        setMessage(m);
        setBusy(false);
      },
    );
  };

  return (
    <>
      {prompt}
      <section className="card" aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>Restore</h2>
        <label htmlFor={`${id}-snap`}>Restore from the backup of</label>
        <select id={`${id}-snap`} value={snapshot} onChange={(e) => pick(e.target.value)}>
          {[...snapshots].reverse().map((s, i) => (
            <option key={s.id} value={s.id}>
              {when(s.time)}
              {i === 0 ? ' (latest)' : ''}: {count(s.files, 'file')}, {size(s.bytes)}
            </option>
          ))}
        </select>
        {!tree ? (
          <button type="button" onClick={() => browse(snapshot)}>
            Show the files in this backup
          </button>
        ) : (
          <>
            <label className="tick">
              <input type="checkbox" checked={everything} onChange={(e) => setEverything(e.target.checked)} />
              <span>Everything in this backup ({count(tree.files.length, 'file')})</span>
            </label>
            {!everything && <TreePicker tree={tree} chosen={chosen} setChosen={setChosen} />}
            {!everything && (
              <p className="muted" data-testid="chosen">
                {chosen.size === 0 ? 'Tick the files and folders to restore.' : `${count(chosen.size, 'item')} ticked.`}
              </p>
            )}
            <fieldset>
              <legend>Restore into</legend>
              <label className="tick">
                <input type="radio" name={`${id}-to`} checked={!elsewhere} onChange={() => setElsewhere(false)} />
                <span>The vault, where they were (a different file that is there already is kept, and the restored one goes beside it)</span>
              </label>
              <label className="tick">
                <input type="radio" name={`${id}-to`} checked={elsewhere} onChange={() => setElsewhere(true)} />
                <span>Another folder</span>
              </label>
              {elsewhere && (
                <>
                  <label htmlFor={`${id}-folder`}>Folder to restore into</label>
                  <input id={`${id}-folder`} value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="/home/me/Restored" />
                </>
              )}
            </fieldset>
            <button type="button" className="primary" onClick={restore} disabled={busy || !ready}>
              {busy ? 'Restoring…' : 'Restore'}
            </button>
          </>
        )}
        {busy && progress && progress.filesTotal > 0 && (
          <>
            <progress max={progress.bytesTotal || 1} value={progress.bytesDone} aria-label="Restore progress" />
            <p className="muted">
              {progress.filesDone} of {progress.filesTotal} files, {size(progress.bytesDone)} of {size(progress.bytesTotal)}
            </p>
          </>
        )}
        {report && (
          <div role="status">
            <p>
              Restored {count(report.restored, 'file')} ({size(report.bytes)}) into {to}.
              {report.identical > 0 && ` ${report.identical} were already there unchanged.`}
              {report.renamed.length > 0 && ` ${report.renamed.length} went beside a different file of the same name (nothing was overwritten).`}
            </p>
            {report.failed.length > 0 && (
              <>
                <p className="error">{report.failed.length} could not be restored:</p>
                <ul>
                  {report.failed.map((f) => (
                    <li key={f.path}>
                      <strong>{f.path}</strong>: {f.reason}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
        {message && <p role="status">{message}</p>}
      </section>
    </>
  );
}
