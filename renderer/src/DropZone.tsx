// Files dropped on the window (or chosen) go into the vault folder. A name
// already in the vault is never renamed behind the person's back: the app
// asks (keep both, replace, or skip; once for all of them if they like), and
// the message afterwards says what became of each such file.
import { useId, useRef, useState, type DragEvent } from 'react';
import { addFile, call } from './api.js';
import { explain } from './failures.js';
import { fileCount, type AddFileChoice } from '../../contract/index.js';

type Choice = AddFileChoice | 'skip';

interface Question {
  path: string;
  /** How many more files after this one have a name already in the vault. */
  more: number;
  answer: (choice: Choice, forAll: boolean) => void;
}
import { SendSecurely } from './SendSecurely.js';

interface Entry {
  isFile: boolean;
  isDirectory: boolean;
  fullPath: string;
  file?: (ok: (f: File) => void, fail: (e: unknown) => void) => void;
  createReader?: () => { readEntries: (ok: (e: Entry[]) => void, fail: (e: unknown) => void) => void };
}

/** Every file under a dropped entry, with its path relative to the drop. */
async function filesOf(entry: Entry): Promise<{ path: string; file: File }[]> {
  if (entry.isFile && entry.file) {
    const file = await new Promise<File>((ok, fail) => entry.file!(ok, fail));
    return [{ path: entry.fullPath.replace(/^\/+/, ''), file }];
  }
  if (!entry.isDirectory || !entry.createReader) return [];
  const reader = entry.createReader();
  const out: { path: string; file: File }[] = [];
  for (;;) {
    const batch = await new Promise<Entry[]>((ok, fail) => reader.readEntries(ok, fail));
    if (batch.length === 0) return out;
    for (const e of batch) out.push(...(await filesOf(e)));
  }
}

/** Drag files or folders onto it (or choose them) to put them in the vault folder. */
export function DropZone({ onAdded }: { onAdded: () => void }) {
  const [over, setOver] = useState(false);
  const [message, setMessage] = useState<string[]>([]);
  const [question, setQuestion] = useState<Question | undefined>();
  const [forAll, setForAll] = useState(false);
  /** The files the last drop put in the vault, which can be sent securely at once. */
  const [sendable, setSendable] = useState<string[]>([]);
  const [sending, setSending] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();

  const ask = (path: string, more: number) =>
    new Promise<{ choice: Choice; forAll: boolean }>((resolve) => {
      setForAll(false);
      setQuestion({ path, more, answer: (choice, all) => resolve({ choice, forAll: all }) });
    });

  const add = async (files: { path: string; file: File }[]) => {
    if (files.length === 0) return;
    setMessage([]);
    let taken = new Set<string>();
    try {
      taken = new Set((await call('addFileCheck', { paths: files.map((f) => f.path) })).existing);
    } catch (e) {
      setMessage([explain(e)]);
      return;
    }
    let added = 0;
    const said: string[] = [];
    const failed: string[] = [];
    let always: Choice | undefined;
    let left = files.filter((f) => taken.has(f.path)).length;
    const paths: string[] = [];
    setSendable([]);
    setSending(false);
    for (const { path, file } of files) {
      let choice: Choice = 'refuse';
      if (taken.has(path)) {
        left--;
        if (!always) {
          const a = await ask(path, left);
          setQuestion(undefined);
          choice = a.choice;
          if (a.forAll) always = a.choice;
        } else choice = always;
      }
      if (choice === 'skip') {
        said.push(`Skipped "${path}": the vault's file of that name is unchanged.`);
        continue;
      }
      setMessage([`Adding ${added + said.length + failed.length + 1} of ${files.length}…`]);
      try {
        const r = await addFile(path, file, choice);
        if (r.outcome === 'added') added++;
        else if (r.outcome === 'kept-both') said.push(`"${path}" was already in the vault, so the new one was added beside it as "${r.path}".`);
        else if (r.outcome === 'replaced')
          said.push(
            `Replaced "${path}" with the new one. The version it replaced is kept in the cloud copy's trash for ${r.trashDays ?? 30} days, and in any backup taken before now.`,
          );
        else said.push(`Not added: a file named "${path}" appeared in the vault meanwhile, so nothing was written. Drop it again to choose what to do.`);
        if (r.outcome !== 'exists') paths.push(r.path);
      } catch (e) {
        failed.push(explain(e));
      }
    }
    setMessage([
      ...(added ? [`${fileCount(added)} added to the vault; ${added === 1 ? 'it is' : 'they are'} being encrypted and uploaded.`] : []),
      ...said,
      ...(failed.length ? [`${fileCount(failed.length)} could not be added: ${failed[0]}`] : []),
    ]);
    setSendable(paths);
    onAdded();
  };

  const onDrop = async (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const entries = [...e.dataTransfer.items]
      .map((i) => (i as unknown as { webkitGetAsEntry(): Entry | null }).webkitGetAsEntry())
      .filter((x): x is Entry => !!x);
    const files = entries.length ? (await Promise.all(entries.map(filesOf))).flat() : [...e.dataTransfer.files].map((f) => ({ path: f.name, file: f }));
    await add(files);
  };

  return (
    <section
      className={`card dropzone${over ? ' over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => void onDrop(e)}
      aria-labelledby="drop-h"
    >
      <h2 id="drop-h">Add case files</h2>
      <p>Drag files or folders here. They are copied into your vault folder, then encrypted and uploaded.</p>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        aria-label="Choose files to add"
        onChange={(e) => void add([...(e.target.files ?? [])].map((f) => ({ path: f.name, file: f })))}
      />
      <button type="button" onClick={() => input.current?.click()}>
        Choose files…
      </button>
      {question && (
        <div className="card notice" role="alertdialog" aria-labelledby={`${id}-q`} aria-describedby={`${id}-qd`}>
          <h3 id={`${id}-q`}>"{question.path}" is already in the vault</h3>
          <p id={`${id}-qd`}>What should happen to the file you dropped?</p>
          <div className="row">
            <button type="button" className="primary" onClick={() => question.answer('keep-both', forAll)}>
              Keep both
            </button>
            <button type="button" onClick={() => question.answer('replace', forAll)}>
              Replace the one in the vault
            </button>
            <button type="button" onClick={() => question.answer('skip', forAll)}>
              Skip this file
            </button>
          </div>
          <p className="muted">
            Keep both adds the new one beside it, with the day in its name. Replace keeps the old version in the cloud copy's trash for 30 days and in the
            backups already taken.
          </p>
          {question.more > 0 && (
            <label>
              <input type="checkbox" checked={forAll} onChange={(e) => setForAll(e.target.checked)} /> Do the same for the other {question.more}{' '}
              {question.more === 1 ? 'file' : 'files'} whose names are already in the vault
            </label>
          )}
        </div>
      )}
      {message.length > 0 && (
        <div role="status">
          {message.map((m) => (
            <p key={m}>{m}</p>
          ))}
        </div>
      )}
      {sendable.length > 0 &&
        (sending ? (
          <SendSecurely paths={sendable} onClose={() => setSending(false)} />
        ) : (
          <button type="button" onClick={() => setSending(true)}>
            Send {sendable.length === 1 ? 'it' : 'them'} securely…
          </button>
        ))}
    </section>
  );
}
