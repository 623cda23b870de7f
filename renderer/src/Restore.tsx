// Restore from a backup: pick a date (the latest backup, never an archive,
// and the latest again once a newer backup is taken; archives of closed
// cases listed apart), browse or search that backup's folders and tick files
// and folders (or everything), or pick one file and see its versions by when
// it changed; restore into the vault (beside any file of the same name,
// never over it) or elsewhere. Live progress shows in place of the button;
// the result names the file it wrote and offers its folder.
import { useId, useMemo, useState } from 'react';
import { call, canOpenRestoredFolder, openRestoredFolder } from './api.js';
import { explain } from './failures.js';
import { TaskProgress, useTaskProgress } from './TaskProgress.js';
import { count, exactAndAgo, exactWhen, shortWhen, size } from './text.js';
import { buildTree, coveredByFolder, searchTree, toggle, type Folder } from './tree.js';
import { useUnlocked } from './Unlock.js';
import { restoredSentence, type ApiResult } from '../../contract/index.js';

type Snapshots = ApiResult<'snapshots'>;
type Tree = ApiResult<'snapshotTree'>;
type Report = ApiResult<'restoreBackup'>;
type Versions = ApiResult<'fileVersions'>;

/** The latest backup that is not an archive: what a restore starts from. */
export function latestBackup(snapshots: Snapshots): string | undefined {
  return snapshots.filter((s) => !s.archive).at(-1)?.id;
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const folderOf = (path: string) => path.slice(0, Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'))) || path;

function Tick({ path, label, chosen, onToggle }: { path: string; label: string; chosen: ReadonlySet<string>; onToggle: (p: string) => void }) {
  const covered = coveredByFolder(chosen, path);
  return (
    <label className="tick">
      <input type="checkbox" checked={covered || chosen.has(path)} disabled={covered} onChange={() => onToggle(path)} />
      <span>{label}</span>
    </label>
  );
}

/** A file's tick, its size and date, and the way to its versions. */
function FileRow({ path, label, detail, p }: { path: string; label: string; detail: string; p: Picking }) {
  return (
    <li className="tree-row">
      <Tick path={path} label={label} chosen={p.chosen} onToggle={p.onToggle} />
      <span className="muted">{detail}</span>
      <button type="button" className="link" aria-label={`Versions of ${path}`} onClick={() => p.onVersions(path)}>
        Versions
      </button>
    </li>
  );
}

interface Picking {
  chosen: ReadonlySet<string>;
  onToggle: (p: string) => void;
  open: ReadonlySet<string>;
  onOpen: (p: string) => void;
  onVersions: (path: string) => void;
}

function FolderItem({ folder, p }: { folder: Folder; p: Picking }) {
  const isOpen = p.open.has(folder.path);
  return (
    <li>
      <div className="tree-row">
        <button
          type="button"
          className="disclose"
          aria-expanded={isOpen}
          aria-label={`${isOpen ? 'Close' : 'Open'} folder ${folder.name}`}
          onClick={() => p.onOpen(folder.path)}
        >
          {isOpen ? '▾' : '▸'}
        </button>
        <Tick path={folder.path} label={`${folder.name}/`} chosen={p.chosen} onToggle={p.onToggle} />
        <span className="muted">
          {count(folder.count, 'file')}, {size(folder.bytes)}
        </span>
      </div>
      {isOpen && <FolderContents folder={folder} p={p} />}
    </li>
  );
}

function FolderContents({ folder, p }: { folder: Folder; p: Picking }) {
  return (
    <ul className="tree">
      {folder.folders.map((f) => (
        <FolderItem key={f.path} folder={f} p={p} />
      ))}
      {folder.files.map((f) => (
        <FileRow key={f.path} path={f.path} label={baseName(f.path)} detail={`${size(f.size)}, changed ${shortWhen(f.mtimeMs)}`} p={p} />
      ))}
    </ul>
  );
}

/** The files of one backup, to tick, or to see one file's versions. */
function TreePicker({
  tree,
  chosen,
  setChosen,
  onVersions,
}: {
  tree: Tree;
  chosen: ReadonlySet<string>;
  setChosen: (s: Set<string>) => void;
  onVersions: (path: string) => void;
}) {
  const root = useMemo(() => buildTree(tree.files), [tree]);
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState<Set<string>>(new Set());
  const id = useId();
  const p: Picking = { chosen, onToggle: (path) => setChosen(toggle(chosen, path)), open, onOpen: (path) => setOpen((o) => toggle(o, path)), onVersions };
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
            {hits.map((h) =>
              h.folder ? (
                <li key={h.path} className="tree-row">
                  <Tick path={h.path} label={`${h.path}/`} chosen={chosen} onToggle={p.onToggle} />
                  <span className="muted">{size(h.size)}</span>
                </li>
              ) : (
                <FileRow key={h.path} path={h.path} label={h.path} detail={size(h.size)} p={p} />
              ),
            )}
          </ul>
        )
      ) : (
        <div role="group" aria-label="Files and folders in this backup">
          <FolderContents folder={root} p={p} />
        </div>
      )}
    </div>
  );
}

/** One file's versions, most recently changed first, each restorable from the newest backup that holds it. */
function VersionList({ versions, busy, onRestore, onBack }: { versions: Versions; busy: boolean; onRestore: (snapshot: string) => void; onBack: () => void }) {
  const id = useId();
  return (
    <section aria-labelledby={`${id}-h`} className="versions">
      <h3 id={`${id}-h`}>
        Versions of <span className="path">{versions.path}</span>
      </h3>
      {versions.versions.length === 0 ? (
        <p>No backup holds this file.</p>
      ) : (
        <ol className="hits">
          {versions.versions.map((v) => {
            const from = v.snapshots[0]!;
            return (
              <li key={`${v.mtimeMs}-${from.id}`}>
                <strong>Changed {exactAndAgo(v.mtimeMs)}</strong>
                <br />
                <span className="muted">
                  {size(v.size)}; in {count(v.snapshots.length, 'backup')}, the newest {from.archive ? 'an archive ' : ''}from {exactWhen(from.time)}
                </span>
                <br />
                <button type="button" disabled={busy} onClick={() => onRestore(from.id)} aria-label={`Restore the version changed ${exactWhen(v.mtimeMs)}`}>
                  Restore this version
                </button>
              </li>
            );
          })}
        </ol>
      )}
      {versions.unreadable.length > 0 && (
        <p className="error">{count(versions.unreadable.length, 'backup')} could not be read, so a version may be missing here; check the backups.</p>
      )}
      <button type="button" className="link" onClick={onBack}>
        Back to the files in this backup
      </button>
    </section>
  );
}

/** The desktop app opens the folder; a browser tab cannot, so it offers the path to copy. */
function ShowFolder({ path }: { path: string }) {
  const [note, setNote] = useState('');
  const show = () =>
    canOpenRestoredFolder()
      ? openRestoredFolder().then(
          () => setNote(''),
          (e: unknown) => setNote(explain(e)),
        )
      : navigator.clipboard.writeText(path).then(
          () => setNote('Copied.'),
          () => setNote('Select the path and copy it.'),
        );
  return (
    <p className="row wrap">
      <span className="path">{path}</span>
      <button type="button" onClick={() => void show()}>
        {canOpenRestoredFolder() ? 'Open folder' : 'Copy the folder\u2019s path'}
      </button>
      {note && <span role="status">{note}</span>}
    </p>
  );
}

/** What was restored: the one file by name and where it went, or the counts; what could not be restored and why. */
function RestoreResult({ report }: { report: Report }) {
  const one = report.restored === 1 && report.written.length === 1 ? report.written[0]! : undefined;
  let text: string;
  if (one && report.identical === 1) {
    text = `${one.path} is already there with the same content: nothing needed writing.`;
  } else if (one) {
    text = `Restored ${one.path} as ${one.writtenAs}${report.renamed.length === 1 ? ', beside the file of the same name that was there (nothing was overwritten)' : ''}.`;
  } else {
    text = `${restoredSentence(report, `into ${report.to}`, size)}${
      report.renamed.length > 0 ? ` ${report.renamed.length} went beside a different file of the same name (nothing was overwritten).` : ''
    }`;
  }
  return (
    <div role="status">
      <p data-testid="restore-result">{text}</p>
      {report.restored > 0 && <ShowFolder path={one ? folderOf(one.writtenAs) : report.to} />}
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
  );
}

export function Restore({ snapshots, vaultDir }: { snapshots: Snapshots; vaultDir: string }) {
  const latest = latestBackup(snapshots);
  /** What the person picked, and which backup was the latest then: a newer backup since brings the default back. */
  const [picked, setPicked] = useState<{ id: string; latest: string | undefined } | undefined>();
  const [tree, setTree] = useState<Tree | undefined>();
  const [versions, setVersions] = useState<Versions | undefined>();
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [everything, setEverything] = useState(false);
  const [elsewhere, setElsewhere] = useState(false);
  const [folder, setFolder] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const [report, setReport] = useState<Report | undefined>();
  const progress = useTaskProgress('restore');
  const { run, prompt } = useUnlocked();
  const id = useId();

  const stillPicked = picked && picked.latest === latest && snapshots.some((s) => s.id === picked.id) ? picked.id : undefined;
  // Unless the person picked another, an open file list stays with its backup: it is what they are ticking in.
  const snapshot = stillPicked ?? tree?.snapshot ?? latest ?? '';
  const backups = [...snapshots].filter((s) => !s.archive).reverse();
  const archives = [...snapshots].filter((s) => s.archive).reverse();

  const browse = (snap: string) => {
    setMessage('');
    void run(
      'The list of files in a backup is encrypted: unlock to see it.',
      () => call('snapshotTree', { snapshot: snap }),
      (t) => {
        setTree(t);
        setVersions(undefined);
        setChosen(new Set());
      },
      setMessage,
    );
  };
  const pick = (snap: string) => {
    setPicked({ id: snap, latest });
    setReport(undefined);
    if (!tree) return;
    setChosen(new Set()); // ticks belong to the list they were made in
    browse(snap);
  };
  const showVersions = (path: string) => {
    setMessage('');
    setReport(undefined);
    void run(
      "Every backup's list of files is read to find this file's versions: unlock to read them.",
      () => call('fileVersions', { path }),
      setVersions,
      setMessage,
    );
  };

  const to = elsewhere ? folder.trim() : vaultDir;
  const ready = (everything || chosen.size > 0) && to !== '' && tree?.snapshot === snapshot;
  const restore = (params: { snapshot: string; paths?: string[] }) => {
    setBusy(true);
    setMessage('');
    setReport(undefined);
    progress.reset();
    void run(
      'Restoring reads the backup, so it needs the passphrase (or the recovery key).',
      () => call('restoreBackup', { ...params, to }),
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

  const destination = (
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
  );

  return (
    <>
      {prompt}
      <section className="card" aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>Restore</h2>
        <label htmlFor={`${id}-snap`}>Restore from the backup of</label>
        <select id={`${id}-snap`} value={snapshot} onChange={(e) => pick(e.target.value)}>
          {!latest && <option value="">Choose a backup</option>}
          <optgroup label="Backups">
            {backups.map((s, i) => (
              <option key={s.id} value={s.id}>
                {exactAndAgo(s.time)}
                {i === 0 ? ' (latest)' : ''}: {count(s.files, 'file')}, {size(s.bytes)}
              </option>
            ))}
          </optgroup>
          {archives.length > 0 && (
            <optgroup label="Archives of closed cases">
              {archives.map((s) => (
                <option key={s.id} value={s.id}>
                  Archive of {exactAndAgo(s.time)}: {count(s.files, 'file')}, {size(s.bytes)}
                </option>
              ))}
            </optgroup>
          )}
        </select>
        {!tree ? (
          <button type="button" onClick={() => browse(snapshot)} disabled={!snapshot}>
            Show the files in this backup
          </button>
        ) : versions ? (
          <>
            {destination}
            <VersionList
              versions={versions}
              busy={busy || to === ''}
              onRestore={(snap) => restore({ snapshot: snap, paths: [versions.path] })}
              onBack={() => setVersions(undefined)}
            />
          </>
        ) : (
          <>
            <label className="tick">
              <input type="checkbox" checked={everything} onChange={(e) => setEverything(e.target.checked)} />
              <span>Everything in this backup ({count(tree.files.length, 'file')})</span>
            </label>
            {!everything && <TreePicker tree={tree} chosen={chosen} setChosen={setChosen} onVersions={showVersions} />}
            {!everything && (
              <p className="muted" data-testid="chosen">
                {chosen.size === 0 ? 'Tick the files and folders to restore, or open a file\u2019s versions.' : `${count(chosen.size, 'item')} ticked.`}
              </p>
            )}
          </>
        )}
        {tree && !versions && destination}
        {busy ? (
          <TaskProgress verb="Restoring" run={progress.run} now={progress.now} testId="restore-progress" />
        ) : (
          tree &&
          !versions && (
            <button type="button" className="primary" onClick={() => restore({ snapshot, ...(everything ? {} : { paths: [...chosen] }) })} disabled={!ready}>
              Restore
            </button>
          )
        )}
        {report && <RestoreResult report={report} />}
        {message && <p role="status">{message}</p>}
      </section>
    </>
  );
}
