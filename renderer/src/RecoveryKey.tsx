// A new recovery key, shown once: save or print it, then type it back
// before going on, so nobody leaves with a key they never wrote down.
import { useId, useState, type ReactNode } from 'react';
import { call } from './api.js';

/** Words as typed back: case, spacing, dashes and line breaks do not matter. */
const norm = (t: string) =>
  t
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean)
    .join(' ');

export function RecoveryKey({
  words,
  title,
  testId,
  doneLabel,
  onDone,
  children,
}: {
  words: string;
  title: string;
  testId: string;
  doneLabel: string;
  onDone: () => void;
  children: ReactNode;
}) {
  const [typed, setTyped] = useState('');
  const id = useId();
  const save = () => {
    const blob = new Blob(
      [`Casevault recovery key\n\n${words}\n\nKeep this somewhere safe, away from the computer. It opens the vault if the passphrase is forgotten.\n`],
      { type: 'text/plain' },
    );
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'casevault-recovery-key.txt';
    a.click();
    URL.revokeObjectURL(a.href);
  };
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{title}</h2>
      {children}
      <p className="recovery-key" data-testid={testId}>
        {words}
      </p>
      <div className="row">
        <button type="button" onClick={save}>
          Save as a file
        </button>
        <button type="button" onClick={() => window.print()}>
          Print
        </button>
      </div>
      <label htmlFor={`${id}-confirm`}>To check you have it, type the recovery key here</label>
      <textarea id={`${id}-confirm`} value={typed} onChange={(e) => setTyped(e.target.value)} rows={3} autoComplete="off" spellCheck={false} />
      <button type="button" className="primary" disabled={norm(typed) !== norm(words)} onClick={onDone}>
        {doneLabel}
      </button>
    </section>
  );
}

/**
 * The key typed back, recorded by the engine (it opens the vault's key file
 * with it), so the vault's health stops asking for it. Should that fail, the
 * person goes on all the same and Home says the key still needs typing back.
 */
export async function confirmKey(words: string): Promise<void> {
  await call('confirmRecoveryKey', { recoveryKey: words }).catch(() => undefined);
}
