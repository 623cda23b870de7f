// A recovery key, shown once, the same careful way wherever one is shown
// (first run, a new key in Settings, a key rotation, the successor's key at
// handover): the words numbered, a recovery kit to save as a file or print
// (contract/recovery-kit.ts), and the key typed back before going on. A
// wrong word is named ("Word 7 is not the one shown"). The vault's own key
// is then confirmed by the engine (it must open the key file), which the
// vault's health reads; the successor's is checked against the words shown.
// Leaving the page meanwhile asks first. Spec: docs/desktop-app.md.
import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { call } from './api.js';
import { useOutcome } from './Outcome.js';
import { andList, keyWords, numberedGroups, recoveryKit, type KitKind, type RecoveryKitFacts } from '../../contract/index.js';

/** Typed and shown words match as the engine reads them: a word's first four letters are enough. */
const same = (typed: string, shown: string) => typed === shown || (typed.length >= 4 && typed.slice(0, 4) === shown.slice(0, 4));

const listed = (ns: number[]) => {
  const named = ns.slice(0, 5).map(String);
  const rest = ns.length - named.length;
  if (rest > 0) return `${named.join(', ')} and ${rest} more`;
  return andList(named);
};

/** What is wrong with the words typed back, in a sentence that names the word; undefined when they match. */
export function typedBackProblem(typed: string, shown: string): string | undefined {
  const t = keyWords(typed);
  const s = keyWords(shown);
  if (t.length === 0) return `Type the ${s.length} words of the recovery key first.`;
  if (t.length !== s.length) {
    const first = s.findIndex((w, i) => i >= t.length || !same(t[i]!, w));
    return `There are ${t.length} words here, not ${s.length}: ${first === -1 ? 'the extra ones are at the end' : `the first that differs is word ${first + 1}`}.`;
  }
  const wrong = s.flatMap((w, i) => (same(t[i]!, w) ? [] : [i + 1]));
  if (wrong.length === 0) return undefined;
  return wrong.length === 1 ? `Word ${wrong[0]} is not the one shown.` : `Words ${listed(wrong)} are not the ones shown.`;
}

/** The key's words, numbered, three to a line. */
function Words({ words, testId }: { words: string; testId?: string }) {
  return (
    <ol className="recovery-key" data-testid={testId} aria-label="The recovery key, word by word">
      {numberedGroups(words).map((g) => (
        <li key={g[0]!.n}>
          {g.map(({ n, word }) => (
            <span key={n}>
              <small>{n}</small> {word}
            </span>
          ))}
        </li>
      ))}
    </ol>
  );
}

/** The printed kit: only this is on paper while a key is shown (styles.css, print). */
function PrintKit({ facts, words }: { facts: RecoveryKitFacts; words: string }) {
  const kit = recoveryKit(facts, words);
  return createPortal(
    <article className="print-kit">
      <h1>{kit.title}</h1>
      <p>{kit.made}</p>
      {kit.about.map((p) => (
        <p key={p}>{p}</p>
      ))}
      <h2>The recovery key</h2>
      <Words words={words} />
      <h2>On a new laptop</h2>
      <ol>
        {kit.steps.map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ol>
    </article>,
    document.body,
  );
}

/** Save the kit as a file: the engine writes it, and refuses the vault, cloud and backup folders. */
function SaveKit({ kit, words }: { kit: KitKind; words: string }) {
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const outcome = useOutcome();
  const id = useId();
  const save = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    outcome.clear();
    call('saveRecoveryKit', { kit, recoveryKey: words, to: to.trim() })
      .then(
        (r) => outcome.ok(`Saved as ${r.path}. Keep that file away from this computer (a USB stick in a safe place), or print it and delete the file.`),
        outcome.fail,
      )
      .finally(() => setBusy(false));
  };
  return (
    <form className="stack" onSubmit={save} aria-label="Save the recovery kit as a file">
      <label htmlFor={`${id}-to`}>Save the recovery kit as a file (not in the vault, cloud or backup folder)</label>
      <input
        id={`${id}-to`}
        value={to}
        onChange={(e) => setTo(e.target.value)}
        placeholder="/media/you/USB/Casevault recovery kit.txt"
        spellCheck={false}
        required
      />
      <button type="submit" disabled={busy}>
        {busy ? 'Saving…' : 'Save as a file'}
      </button>
      {outcome.view}
    </form>
  );
}

export function RecoveryKey({
  words,
  kit,
  title,
  testId,
  doneLabel,
  onDone,
  nested = false,
  children,
}: {
  words: string;
  /** The vault's own key (confirmed by the engine), or the successor's key of a handover copy. */
  kit: KitKind;
  title: string;
  testId: string;
  doneLabel: string;
  onDone: () => void;
  /** Inside another card (the handover's step): no card of its own. */
  nested?: boolean;
  children: ReactNode;
}) {
  const [typed, setTyped] = useState('');
  const [facts, setFacts] = useState<RecoveryKitFacts | undefined>();
  const [busy, setBusy] = useState(false);
  const checked = useOutcome();
  const id = useId();
  useEffect(() => {
    call('recoveryKitFacts', { kit }).then(setFacts, () => {}); // no facts: the words are still shown and typed back; printing waits
  }, [kit]);
  // Leaving now loses the only sight of the key: the browser asks first.
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, []);

  const done = (e: FormEvent) => {
    e.preventDefault();
    const problem = typedBackProblem(typed, words);
    if (problem) return checked.fail(problem);
    if (kit === 'handover') return onDone();
    setBusy(true);
    call('confirmRecoveryKey', { recoveryKey: typed }).then(onDone, (err: unknown) => {
      checked.fail(err);
      setBusy(false);
    });
  };
  const Heading = nested ? 'h3' : 'h2';
  return (
    <section className={nested ? 'stack' : 'card'} aria-labelledby={`${id}-h`}>
      <Heading id={`${id}-h`}>{title}</Heading>
      {children}
      <Words words={words} testId={testId} />
      <p className="muted">Keep it apart from the computer: save the recovery kit on a USB stick or print it, and put it somewhere safe.</p>
      <SaveKit kit={kit} words={words} />
      <button type="button" onClick={() => window.print()} disabled={!facts}>
        Print the recovery kit
      </button>
      {facts && <PrintKit facts={facts} words={words} />}
      <form className="stack" onSubmit={done} aria-label="Type the recovery key back">
        <label htmlFor={`${id}-confirm`}>To check you have it, type the recovery key here</label>
        <textarea
          id={`${id}-confirm`}
          value={typed}
          onChange={(e) => {
            setTyped(e.target.value);
            checked.clear();
          }}
          rows={3}
          autoComplete="off"
          spellCheck={false}
        />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Checking…' : doneLabel}
        </button>
        {checked.view}
      </form>
    </section>
  );
}
