import { useRef, useState, type DragEvent } from 'react';
import { addFile } from './api.js';
import { explain } from './failures.js';
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
  const [message, setMessage] = useState('');
  /** The files the last drop added, which can be sent securely at once. */
  const [added, setAdded] = useState<string[]>([]);
  const [sending, setSending] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const add = async (files: { path: string; file: File }[]) => {
    let done = 0;
    const failed: string[] = [];
    const paths: string[] = [];
    setAdded([]);
    setSending(false);
    for (const { path, file } of files) {
      setMessage(`Adding ${done + 1} of ${files.length}…`);
      try {
        paths.push((await addFile(path, file)).path);
        done++;
      } catch (e) {
        failed.push(explain(e));
      }
    }
    setMessage(
      failed.length
        ? `${done} added; ${failed.length} could not be added: ${failed[0]}`
        : `${done === 1 ? '1 file' : `${done} files`} added to the vault; ${done === 1 ? 'it is' : 'they are'} being encrypted and uploaded.`,
    );
    setAdded(paths);
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
      {message && <p role="status">{message}</p>}
      {added.length > 0 &&
        (sending ? (
          <SendSecurely paths={added} onClose={() => setSending(false)} />
        ) : (
          <button type="button" onClick={() => setSending(true)}>
            Send {added.length === 1 ? 'it' : 'them'} securely…
          </button>
        ))}
    </section>
  );
}
