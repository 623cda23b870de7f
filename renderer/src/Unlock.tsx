import { useEffect, useId, useRef, useState, useSyncExternalStore, type FormEvent } from 'react';
import { ApiError, call } from './api.js';
import { explain } from './failures.js';

/** The passphrase field, which can switch to the recovery key's 27 words. */
export function useSecretField() {
  const [useKey, setUseKey] = useState(false);
  const [secret, setSecret] = useState('');
  const id = useId();
  const field = (
    <>
      <label htmlFor={`${id}-secret`}>{useKey ? 'Recovery key (the 27 words)' : 'Passphrase'}</label>
      {useKey ? (
        <textarea id={`${id}-secret`} value={secret} onChange={(e) => setSecret(e.target.value)} rows={3} autoComplete="off" spellCheck={false} required />
      ) : (
        <input id={`${id}-secret`} type="password" value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="current-password" required />
      )}
      <button
        type="button"
        className="link"
        onClick={() => {
          setUseKey(!useKey);
          setSecret('');
        }}
      >
        {useKey ? 'Use the passphrase instead' : 'Forgot the passphrase? Use the recovery key'}
      </button>
    </>
  );
  return {
    field,
    value: (): { passphrase: string } | { recoveryKey: string } => (useKey ? { recoveryKey: secret } : { passphrase: secret }),
    clear: () => setSecret(''),
  };
}

/** The unlock forms on screen now: while one is open, the header offers no second way to unlock. */
const openForms = new Set<symbol>();
const watchers = new Set<() => void>();
const changed = () => watchers.forEach((w) => w());

/** Whether an unlock form is on screen. */
export function useUnlockFormOpen(): boolean {
  return useSyncExternalStore(
    (w) => (watchers.add(w), () => void watchers.delete(w)),
    () => openForms.size > 0,
  );
}

/** Asks for the passphrase (or the recovery key) when something needs the vault unlocked. */
export function Unlock({ reason, onUnlocked, onCancel }: { reason: string; onUnlocked: () => void; onCancel: () => void }) {
  const secret = useSecretField();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useId();
  const form = useRef<HTMLFormElement>(null);
  // The prompt appears in answer to an action: take the keyboard to it.
  useEffect(() => form.current?.querySelector<HTMLElement>('input, textarea')?.focus(), []);
  useEffect(() => {
    const me = Symbol('unlock form');
    openForms.add(me);
    changed();
    return () => {
      openForms.delete(me);
      changed();
    };
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await call('unlock', secret.value());
      secret.clear();
      onUnlocked();
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={form} className="card unlock" onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Unlock the vault</h2>
      <p>{reason}</p>
      {secret.field}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Unlocking…' : 'Unlock'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Runs an API call; if the vault is locked, asks to unlock first and then runs it again. */
export function useUnlocked() {
  const [pending, setPending] = useState<{ reason: string; retry: () => void; cancel: () => void } | undefined>();
  const run = async <T,>(reason: string, f: () => Promise<T>, done: (v: T) => void, failed: (message: string) => void) => {
    try {
      done(await f());
    } catch (e) {
      if (e instanceof ApiError && e.kind === 'locked') {
        setPending({ reason, retry: () => void run(reason, f, done, failed), cancel: () => failed('Nothing was done: the vault stayed locked.') });
        return;
      }
      failed(explain(e));
    }
  };
  const prompt = pending ? (
    <Unlock
      reason={pending.reason}
      onUnlocked={() => {
        const retry = pending.retry;
        setPending(undefined);
        retry();
      }}
      onCancel={() => {
        pending.cancel();
        setPending(undefined);
      }}
    />
  ) : null;
  return { run, prompt };
}
