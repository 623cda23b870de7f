// Connecting Dropbox: the engine starts a sign-in and answers Dropbox's
// page to open; the person allows Casevault there, in their browser, and
// Dropbox sends them back to Casevault, which then carries on here.
import { useState } from 'react';
import { call } from './api.js';
import { explain } from './failures.js';

type Step = { at: 'idle' } | { at: 'waiting'; url: string } | { at: 'connected' } | { at: 'failed'; message: string };

/** `run` wraps each call (Settings passes its unlock-if-needed runner). */
export function DropboxSignIn({ label, onConnected, run }: { label: string; onConnected: () => void; run?: <T>(f: () => Promise<T>) => Promise<T> }) {
  const [step, setStep] = useState<Step>({ at: 'idle' });
  const via = run ?? (<T,>(f: () => Promise<T>) => f());
  const begin = async () => {
    try {
      const { url } = await via(() => call('startDropboxSignIn'));
      setStep({ at: 'waiting', url });
      await via(() => call('finishDropboxSignIn'));
      setStep({ at: 'connected' });
      onConnected();
    } catch (e) {
      setStep({ at: 'failed', message: explain(e) });
    }
  };
  return (
    <div className="dropbox" aria-live="polite">
      {step.at === 'connected' && <p className="banner-ok">Dropbox is connected.</p>}
      {(step.at === 'idle' || step.at === 'failed') && (
        <button type="button" onClick={() => void begin()}>
          {label}
        </button>
      )}
      {step.at === 'waiting' && (
        <p>
          <a className="button-link" href={step.url} target="_blank" rel="noopener noreferrer">
            Open Dropbox&apos;s sign-in page
          </a>
          <br />
          It opens in your browser: allow Casevault to use its own Dropbox folder there, then come back here.
        </p>
      )}
      {step.at === 'failed' && (
        <p className="error" role="alert">
          {step.message}
        </p>
      )}
    </div>
  );
}
