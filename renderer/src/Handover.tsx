// Leaving the role, as a wizard: the successor's passphrase (checked for
// strength at once, not two steps later; and, if wanted, the union's key),
// where the copy goes, making and checking the copy with the handover sheet
// for the successor (who opens the copy in the app, never at a terminal),
// then removing the vault from this computer behind a confirmation.
// Spec: docs/handover.md.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { call, onEvent } from './api.js';
import { StrengthMeter } from './FirstRun.js';
import { RecoveryKey } from './RecoveryKey.js';
import { useUnlocked } from './Unlock.js';
import { useVaultRemoved } from './nav.js';
import { byteSize, fileCount, type ApiResult } from '../../contract/index.js';
import { explain } from './failures.js';
import { shortWhen } from './text.js';

type Report = ApiResult<'handover'>;
type Choice = 'keep' | 'delete';

export function Handover() {
  const onRemoved = useVaultRemoved();
  const [step, setStep] = useState(1);
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [withUnion, setWithUnion] = useState(false);
  const [publicKeyFile, setPublicKeyFile] = useState('');
  const [fingerprint, setFingerprint] = useState('');
  const [to, setTo] = useState('');
  const [progress, setProgress] = useState('');
  const [report, setReport] = useState<Report | undefined>();
  const [verified, setVerified] = useState<ApiResult<'handoverStatus'>['verified']>(null);
  const [cloud, setCloud] = useState<Choice>('keep');
  const [backups, setBackups] = useState<Choice>('keep');
  const [confirmed, setConfirmed] = useState(false);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [madeBy, setMadeBy] = useState('');
  const [sheetSaved, setSheetSaved] = useState(false);
  const { run, prompt } = useUnlocked();
  const id = useId();

  useEffect(() => {
    call('handoverStatus').then(
      (s) => setVerified(s.verified),
      () => {},
    );
  }, [report]);
  useEffect(() => onEvent('progress', (p) => setProgress(`${p.task === 'verify' ? 'Checking' : 'Copying'}: ${p.filesDone} of ${p.filesTotal} files`)), []);

  const who = async (e: FormEvent) => {
    e.preventDefault();
    if (passphrase !== again) return setMessage('The two passphrases are different.');
    try {
      const s = await call('passphraseStrength', { passphrase });
      if (!s.ok) return setMessage(`That passphrase is too weak: ${s.reason}. Choose a longer one (several unrelated words work well).`);
    } catch (err) {
      return setMessage(explain(err));
    }
    setMessage('');
    setStep(2);
  };
  const saveSheet = async () => {
    try {
      const { html } = await call('handoverSheet', madeBy.trim() ? { madeBy: madeBy.trim() } : {});
      const url = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = 'casevault-handover-sheet.html';
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setSheetSaved(true);
    } catch (err) {
      setMessage(explain(err));
    }
  };
  const where = (e: FormEvent) => {
    e.preventDefault();
    setMessage('');
    setBusy(true);
    call('handoverFolderCheck', { to: to.trim() })
      .then(
        () => setStep(3),
        (err: unknown) => setMessage(explain(err)),
      )
      .finally(() => setBusy(false));
  };
  const makeCopy = () => {
    setBusy(true);
    setMessage('');
    void run(
      'Making the copy reads the vault, so it needs your passphrase (or the recovery key).',
      () => call('handover', { to, passphrase, ...(withUnion ? { escrow: { publicKeyFile, fingerprint } } : {}) }),
      (r) => {
        setReport(r);
        setPassphrase('');
        setAgain('');
        setBusy(false);
      },
      (m) => {
        setMessage(m);
        setBusy(false);
      },
    );
  };
  const remove = () => {
    setBusy(true);
    setMessage('');
    // Deleting the cloud copy first reads which computers still use it (their records are sealed): it may ask to unlock.
    void run(
      'Deleting the cloud copy first checks that no other computer still uses it, so it needs your passphrase (or the recovery key).',
      () => call('removeVault', { yes: true, cloud, backups }),
      onRemoved,
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
        <h2 id={`${id}-h`}>Leaving the role</h2>
        <p>Hand the vault to your successor (or the union) as a copy with its own passphrase, check the copy, then remove the vault from this computer.</p>
        <ol>
          {['Passphrase for your successor', 'Where to write the copy', 'Make and check the copy', 'Remove from this computer'].map((s, i) => (
            <li key={s} aria-current={step === i + 1 ? 'step' : undefined}>
              {s}
            </li>
          ))}
        </ol>
        {verified && step < 4 && (
          <p>
            A checked copy was made on {shortWhen(verified.at)} in {verified.to} ({fileCount(verified.files)}).{' '}
            <button type="button" className="link" onClick={() => setStep(4)}>
              Go to removing the vault from this computer
            </button>
          </p>
        )}
      </section>

      {step === 1 && (
        <form className="card" onSubmit={(e) => void who(e)} aria-labelledby={`${id}-1`}>
          <h2 id={`${id}-1`}>1. A passphrase for your successor</h2>
          <p>The copy gets its own passphrase: choose one and give it to your successor in person. Your own passphrase will not open the copy.</p>
          <label htmlFor={`${id}-pass`}>Successor's passphrase</label>
          <input id={`${id}-pass`} type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} autoComplete="new-password" required />
          <StrengthMeter passphrase={passphrase} />
          <label htmlFor={`${id}-again`}>Type it again</label>
          <input id={`${id}-again`} type="password" value={again} onChange={(e) => setAgain(e.target.value)} autoComplete="new-password" required />
          <label>
            <input type="checkbox" checked={withUnion} onChange={(e) => setWithUnion(e.target.checked)} /> Also let the union open the copy with its escrow key
          </label>
          {withUnion && (
            <>
              <label htmlFor={`${id}-pub`}>The union's escrow public key file</label>
              <input
                id={`${id}-pub`}
                value={publicKeyFile}
                onChange={(e) => setPublicKeyFile(e.target.value)}
                placeholder="/path/to/union-escrow.key.pub"
                required
              />
              <label htmlFor={`${id}-fp`}>Its fingerprint, as the union told you (by phone or in person)</label>
              <input
                id={`${id}-fp`}
                value={fingerprint}
                onChange={(e) => setFingerprint(e.target.value)}
                placeholder="xxxx-xxxx-xxxx-xxxx-xxxx-xxxx-xxxx-xxxx"
                spellCheck={false}
                required
              />
            </>
          )}
          <button type="submit" className="primary">
            Next
          </button>
        </form>
      )}

      {step === 2 && (
        <form className="card" onSubmit={where} aria-labelledby={`${id}-2`}>
          <h2 id={`${id}-2`}>2. Where to write the copy</h2>
          <p>A new or empty folder, for instance on a USB drive you will give your successor. It must not be inside the vault folder or its cloud folder.</p>
          <label htmlFor={`${id}-to`}>Folder for the copy</label>
          <input id={`${id}-to`} value={to} onChange={(e) => setTo(e.target.value)} placeholder="/media/usb/handover" required />
          <div className="row">
            <button type="submit" className="primary">
              Next
            </button>
            <button type="button" onClick={() => setStep(1)}>
              Back
            </button>
          </div>
        </form>
      )}

      {step === 3 && (
        <section className="card" aria-labelledby={`${id}-3`}>
          <h2 id={`${id}-3`}>3. Make and check the copy</h2>
          {!report ? (
            <>
              <p>Every file is encrypted into {to || 'the folder'}, then read back with the new passphrase and compared with the vault.</p>
              {busy && <p role="status">{progress || 'Starting…'}</p>}
              <div className="row">
                <button type="button" className="primary" onClick={makeCopy} disabled={busy}>
                  {busy ? 'Working…' : 'Make the copy'}
                </button>
                <button type="button" onClick={() => setStep(2)} disabled={busy}>
                  Back
                </button>
              </div>
            </>
          ) : (
            <>
              <p role="status">
                The copy is made and checked: {fileCount(report.files)} ({byteSize(report.bytes)}) in {report.to}.
                {report.escrowFingerprint ? ` The union's key (${report.escrowFingerprint}) opens it too.` : ''}
              </p>
              <p>
                Your successor opens the copy in the Casevault app, on its first screen: &ldquo;Already have a vault? Recover it on this computer&rdquo;, with
                the copy's folder and the passphrase. The handover sheet says so step by step, with the date, the folder and what they receive; it holds no
                passphrase or key, so it can go with the copy.
              </p>
              <label htmlFor={`${id}-by`}>Your name, printed on the sheet (optional)</label>
              <input id={`${id}-by`} value={madeBy} onChange={(e) => setMadeBy(e.target.value)} autoComplete="name" />
              <div className="row">
                <button type="button" onClick={() => void saveSheet()}>
                  Save the handover sheet
                </button>
              </div>
              {sheetSaved && <p role="status">Saved as casevault-handover-sheet.html in your downloads: open it and print it for your successor.</p>}
              <RecoveryKey
                words={report.recoveryKey}
                kit="handover"
                nested
                title="Your successor's recovery key"
                testId="successor-recovery-key"
                doneLabel="Next: remove from this computer"
                onDone={() => setStep(4)}
              >
                <p>Shown only now. Save or print the recovery kit and give it to your successor in person, apart from the copy and the passphrase.</p>
              </RecoveryKey>
            </>
          )}
        </section>
      )}

      {step === 4 && (
        <section className="card" aria-labelledby={`${id}-4`}>
          <h2 id={`${id}-4`}>4. Remove the vault from this computer</h2>
          {!verified ? (
            <p>There is no checked copy yet: make one first.</p>
          ) : (
            <>
              <p>
                This deletes the vault folder's files from this computer, and this computer's keys and settings for the vault. The copy in {verified.to} is not
                touched.
              </p>
              <fieldset>
                <legend>The encrypted cloud copy</legend>
                <label>
                  <input type="radio" name={`${id}-cloud`} checked={cloud === 'keep'} onChange={() => setCloud('keep')} /> Keep it (it is handed over with the
                  account)
                </label>
                <label>
                  <input type="radio" name={`${id}-cloud`} checked={cloud === 'delete'} onChange={() => setCloud('delete')} /> Delete it
                </label>
              </fieldset>
              <fieldset>
                <legend>The backups</legend>
                <label>
                  <input type="radio" name={`${id}-backups`} checked={backups === 'keep'} onChange={() => setBackups('keep')} /> Keep them (they are handed over
                  with the drive)
                </label>
                <label>
                  <input type="radio" name={`${id}-backups`} checked={backups === 'delete'} onChange={() => setBackups('delete')} /> Delete them
                </label>
              </fieldset>
              <label>
                <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} /> My successor has the copy, its passphrase and its
                recovery key. Remove the vault from this computer.
              </label>
              <button type="button" className="primary" onClick={remove} disabled={!confirmed || busy}>
                {busy ? 'Removing…' : 'Remove from this computer'}
              </button>
            </>
          )}
        </section>
      )}
      {message && (
        <p className="card error" role="alert">
          {message}
        </p>
      )}
    </>
  );
}
