// The vault's lock in the header of every screen: Locked or Unlocked, with
// Lock or Unlock beside it, and why it locked when it did so by itself
// ("Locked after 15 minutes without use"). The engine says when the state
// changes (its `lock` event); the state is asked for again when the window
// comes back into focus and every few seconds, in case an event was missed.
import { useCallback, useEffect, useState } from 'react';
import { call, onEvent } from './api.js';
import { explain } from './failures.js';
import { Unlock, useUnlockFormOpen } from './Unlock.js';
import { lockCauseText, type LockState } from '../../contract/index.js';

const RECHECK_MS = 5000;

/** The lock state as the engine last told it; undefined until known. */
export function useLockState(): [LockState | undefined, () => void] {
  const [state, setState] = useState<LockState | undefined>();
  const refresh = useCallback(() => void call('lockState').then(setState, () => {}), []);
  useEffect(() => {
    refresh();
    const off = onEvent('lock', setState);
    window.addEventListener('focus', refresh);
    // And asked again now and then: an event lost while the stream reconnected must not leave "Unlocked" shown on a locked vault.
    const timer = window.setInterval(refresh, RECHECK_MS);
    return () => {
      off();
      window.removeEventListener('focus', refresh);
      window.clearInterval(timer);
    };
  }, [refresh]);
  return [state, refresh];
}

function Padlock({ open }: { open: boolean }) {
  return (
    <svg aria-hidden="true" width="16" height="16" viewBox="0 0 24 24">
      <rect x="4" y="10" width="16" height="12" rx="2" fill="currentColor" />
      <path d={open ? 'M8 10V7a4 4 0 0 1 7.5-2' : 'M8 10V7a4 4 0 0 1 8 0v3'} stroke="currentColor" strokeWidth="2.5" fill="none" />
    </svg>
  );
}

export function LockIndicator({ state, refresh }: { state: LockState; refresh: () => void }) {
  const [unlocking, setUnlocking] = useState(false);
  const [error, setError] = useState('');
  const formOpen = useUnlockFormOpen();
  const lock = () => {
    setError('');
    call('lock').then(refresh, (e: unknown) => setError(explain(e)));
  };
  return (
    <div className="lock-state">
      <span className={`lock-badge ${state.locked ? 'locked' : 'unlocked'}`} role="status" data-testid="lock-state">
        <Padlock open={!state.locked} />
        {state.locked ? 'Locked' : 'Unlocked'}
      </span>
      {state.locked && state.autoLocked && (
        <span className="muted" data-testid="auto-locked">
          {lockCauseText(state.autoLocked)}
        </span>
      )}
      {state.locked ? (
        !formOpen && (
          <button type="button" onClick={() => setUnlocking(true)}>
            Unlock
          </button>
        )
      ) : (
        <button type="button" onClick={lock}>
          Lock
        </button>
      )}
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
      {unlocking && state.locked && (
        <div className="lock-panel">
          <Unlock
            reason="Unlocking lets Casevault read the vault: restore, the audit trail, subject access. Syncing and backups carry on either way."
            onUnlocked={() => {
              setUnlocking(false);
              refresh();
            }}
            onCancel={() => setUnlocking(false)}
          />
        </div>
      )}
    </div>
  );
}
