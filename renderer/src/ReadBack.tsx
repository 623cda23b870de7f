// A "Check ..." card: read something back and check it (the backups, the
// cloud copy), after the passphrase since it decrypts; "Reading back 3 of
// 40 packs" while it runs; then what was found, in the caller's words
// (CheckBackups.tsx, CheckCloud.tsx). The steps the app names for damage
// ("Check the backups", "Check the cloud copy") are these buttons.
import { useId, useState, type ReactNode } from 'react';
import { useTaskProgress } from './TaskProgress.js';
import { count } from './text.js';
import { useUnlocked } from './Unlock.js';

/** Problems listed one by one in an outcome; the rest are counted. */
export const LISTED = 10;

export function ReadBackCard<T>(props: {
  title: string;
  about: string;
  /** What is read back, counted in the progress line: "pack", "object". */
  unit: string;
  check: () => Promise<T>;
  outcome: (r: T) => ReactNode;
  onChecked?: () => void;
}) {
  const [report, setReport] = useState<T | undefined>();
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const progress = useTaskProgress('verify');
  const { run, prompt } = useUnlocked();
  const id = useId();

  const start = async () => {
    setBusy(true);
    setMessage('');
    setReport(undefined);
    progress.reset();
    await run(`${props.title} decrypts what it reads, which needs the passphrase.`, props.check, setReport, setMessage);
    progress.reset();
    setBusy(false);
    props.onChecked?.();
  };

  const last = progress.run?.last;
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      {prompt}
      <h2 id={`${id}-h`}>{props.title}</h2>
      <p className="muted">{props.about}</p>
      {busy ? (
        <p className="muted" aria-live="polite">
          {last && last.filesTotal > 0 ? `Reading back ${last.filesDone} of ${count(last.filesTotal, props.unit)}…` : 'Checking…'}
        </p>
      ) : (
        <button type="button" onClick={() => void start()}>
          {props.title}
        </button>
      )}
      {report !== undefined && props.outcome(report)}
      {message && <p role="alert">{message}</p>}
    </section>
  );
}

/** The first LISTED problems, then how many more. */
export function Problems({ items }: { items: { key: string; text: string }[] }) {
  return (
    <ul>
      {items.slice(0, LISTED).map((p) => (
        <li key={p.key}>{p.text}</li>
      ))}
      {items.length > LISTED && <li>and {count(items.length - LISTED, 'more problem')}</li>}
    </ul>
  );
}
