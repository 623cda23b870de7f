// "Send securely": the chosen vault files into one passphrase-protected
// page the recipient opens in any browser (docs/send-format.md). Everything
// has a default, so writing the package is one click: Casevault makes a
// five-word passphrase, the package goes to the Desktop. The passphrase it
// made is shown once, with what to do with it; the app never sends e-mail
// itself, the person attaches the file.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { call } from './api.js';
import { count, size } from './text.js';
import { useUnlocked } from './Unlock.js';
import { type ApiResult } from '../../contract/index.js';

type Sent = ApiResult<'sendFiles'>;

/** "2026-12-05 14.30", in the person's own time: a name that sorts and that no file manager refuses. */
function stamp(d = new Date()): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}.${two(d.getMinutes())}`;
}

/** A place to save to that the person can change; the engine understands ~. */
const suggestion = () => `~/Desktop/Files sent securely ${stamp()}.html`;

/** Today as the date field writes it, in the person's own time. */
const today = () => stamp().slice(0, 10);

export function SendSecurely({ paths, onClose }: { paths: string[]; onClose: () => void }) {
  const [to, setTo] = useState('');
  const [own, setOwn] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [expires, setExpires] = useState('');
  const [out, setOut] = useState(suggestion);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const [sent, setSent] = useState<Sent | undefined>();
  const { run, prompt } = useUnlocked();
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  // The dialog opens in answer to a click: take the keyboard (and a screen reader) to it.
  useEffect(() => heading.current?.focus(), [sent]);

  const write = (e: FormEvent) => {
    e.preventDefault();
    setMessage('');
    setBusy(true);
    void run(
      "Sending reads members' files, so it needs the passphrase (or the recovery key).",
      () =>
        call('sendFiles', {
          paths,
          out,
          ...(to.trim() ? { to: to.trim() } : {}),
          ...(expires ? { expires } : {}),
          ...(own ? { passphrase } : {}),
        }),
      (r) => {
        setPassphrase('');
        setSent(r);
        setBusy(false);
      },
      (m) => {
        setMessage(m);
        setBusy(false);
      },
    );
  };

  if (sent) {
    const bytes = sent.files.reduce((n, f) => n + f.size, 0);
    return (
      <section className="card send" role="dialog" aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`} ref={heading} tabIndex={-1}>
          Package written
        </h2>
        <p>
          {count(sent.files.length, 'file')} ({size(bytes)}) in <strong>{sent.out}</strong> ({size(sent.bytes)}). Attach it to an e-mail yourself: Casevault
          never sends e-mail.
        </p>
        {sent.linksSkipped > 0 && <p>{count(sent.linksSkipped, 'link')} in the folders chosen were left out: links are never sent.</p>}
        {sent.passphrase ? (
          <>
            <p>The passphrase that opens it (shown only now):</p>
            <p className="send-passphrase" aria-label="The package's passphrase">
              {sent.passphrase}
            </p>
          </>
        ) : (
          <p>It opens with the passphrase you chose.</p>
        )}
        <p>
          <strong>Tell the passphrase to the recipient by phone or text message, never in the same e-mail as the package.</strong>
        </p>
        <p className="muted">The record of packages sent (for subject access requests and breach reports) and the audit trail now list it.</p>
        <button type="button" className="primary" onClick={onClose}>
          Done
        </button>
      </section>
    );
  }

  return (
    <>
      {prompt}
      <form className="card send" role="dialog" aria-labelledby={`${id}-h`} onSubmit={write}>
        <h2 id={`${id}-h`} ref={heading} tabIndex={-1}>
          Send {count(paths.length, 'file')} securely
        </h2>
        <p>
          Casevault writes one file the recipient opens in any browser, on a computer or a phone, with a passphrase you tell them separately. Nothing needs to
          be installed.
        </p>
        <label htmlFor={`${id}-to`}>To whom (for the records, optional)</label>
        <input id={`${id}-to`} value={to} onChange={(e) => setTo(e.target.value)} maxLength={200} placeholder="J. Patel, Thompsons Solicitors" />
        <fieldset className="export">
          <legend>Passphrase</legend>
          <label>
            <input type="radio" name={`${id}-pass`} checked={!own} onChange={() => setOwn(false)} /> Let Casevault make one (five words, easy to read out)
          </label>
          <label>
            <input type="radio" name={`${id}-pass`} checked={own} onChange={() => setOwn(true)} /> Use my own
          </label>
          {own && (
            <>
              <label htmlFor={`${id}-own`}>Your passphrase for this package</label>
              <input id={`${id}-own`} type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} autoComplete="new-password" required />
            </>
          )}
        </fieldset>
        <label htmlFor={`${id}-exp`}>Last day to open it (optional, shown to the recipient)</label>
        <input id={`${id}-exp`} type="date" min={today()} value={expires} onChange={(e) => setExpires(e.target.value)} />
        <p className="muted">A reminder, not a lock: the recipient keeps the file and can still open it later.</p>
        <label htmlFor={`${id}-out`}>Save the package as</label>
        <input id={`${id}-out`} value={out} onChange={(e) => setOut(e.target.value)} required />
        {message && (
          <p className="error" role="alert">
            {message}
          </p>
        )}
        <div className="row">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Writing the package…' : 'Write the package'}
          </button>
          <button type="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
    </>
  );
}
