import { lazy, Suspense, useEffect, useRef, useState, type ComponentType } from 'react';
import { call } from './api.js';
import { AuditTrail } from './AuditTrail.js';
import { Backups } from './Backups.js';
import { FirstRun } from './FirstRun.js';
import { Handover } from './Handover.js';
import { Home } from './Home.js';
import { Housekeeping } from './Housekeeping.js';
import { LockIndicator, useLockState } from './LockState.js';
import { NavigateContext, NewKeyContext, VaultRemovedContext, type NewKey } from './nav.js';
import { usePolling } from './polling.js';
import { Settings } from './Settings.js';
import { SubjectAccess } from './SubjectAccess.js';

interface Section {
  id: string;
  label: string;
  Screen: ComponentType;
}

/** A screen loaded when first opened: `screen(() => import('./Handover.js'), 'Handover')`. */
export function screen<M>(load: () => Promise<M>, name: keyof M & string): ComponentType {
  return lazy(() => load().then((m) => ({ default: m[name] as ComponentType })));
}

/**
 * The side list, in order. Registering a screen is one line here, e.g.
 * { id: 'handover', label: 'Handover', Screen: screen(() => import('./Handover.js'), 'Handover') },
 */
const SECTIONS: Section[] = [
  { id: 'home', label: 'Home', Screen: Home },
  { id: 'backups', label: 'Backups & restore', Screen: Backups },
  { id: 'audit', label: 'Audit trail', Screen: AuditTrail },
  { id: 'housekeeping', label: 'Housekeeping', Screen: Housekeeping },
  { id: 'sar', label: 'Subject access', Screen: SubjectAccess },
  { id: 'handover', label: 'Leaving the role', Screen: Handover },
  { id: 'settings', label: 'Settings', Screen: Settings },
];

/** The person's keys, clicks and scrolling count as use for auto-lock: told to the engine at most this often. */
const STILL_HERE_EVERY_MS = 30_000;

function useStillHere(active: boolean) {
  useEffect(() => {
    if (!active) return;
    let last = -Infinity;
    const seen = () => {
      const now = Date.now();
      if (now - last < STILL_HERE_EVERY_MS) return;
      last = now;
      call('stillHere').catch(() => {}); // the engine unreachable: nothing to keep unlocked
    };
    const kinds = ['keydown', 'pointerdown', 'wheel', 'touchstart'] as const;
    for (const k of kinds) document.addEventListener(k, seen, { passive: true, capture: true });
    return () => {
      for (const k of kinds) document.removeEventListener(k, seen, { capture: true });
    };
  }, [active]);
}

export function App() {
  const [hasVault, setHasVault] = useState<boolean | undefined>();
  const [current, setCurrent] = useState(SECTIONS[0]!.id);
  const [lock, refreshLock] = useLockState();
  const [newKey, setNewKey] = useState<NewKey | undefined>();
  // A key held on screen is checked against the key file: one replaced since (another window made a newer one) is withdrawn.
  usePolling(
    () =>
      newKey &&
      !newKey.replaced &&
      call('recoveryKeyState').then(
        (s) => s.id !== newKey.id && setNewKey((k) => (k && k.id === newKey.id ? { ...k, replaced: true } : k)),
        () => {},
      ),
    5000,
    !!newKey && !newKey.replaced,
  );
  /** Bumped each time the vault locks: the screen starts afresh, so nothing read with the keys stays on it (nor a new key not yet typed back). */
  const [locks, setLocks] = useState(0);
  const wasLocked = useRef<boolean | undefined>(undefined);
  useEffect(() => {
    call('hasVault').then(setHasVault, () => setHasVault(false));
  }, []);
  useEffect(() => {
    if (lock?.locked && wasLocked.current === false) {
      setLocks((n) => n + 1);
      setNewKey(undefined);
    }
    wasLocked.current = lock?.locked;
  }, [lock?.locked]);
  useStillHere(!!hasVault);
  const section = SECTIONS.find((s) => s.id === current) ?? SECTIONS[0]!;
  return (
    <div className={hasVault ? 'app with-nav' : 'app'}>
      <header className="bar">
        <svg className="logo" aria-hidden="true" width="22" height="22" viewBox="0 0 24 24">
          <rect x="4" y="10" width="16" height="12" rx="2" fill="#1f5fbf" />
          <path d="M8 10V7a4 4 0 0 1 8 0v3" stroke="#1f5fbf" strokeWidth="2.5" fill="none" />
        </svg>
        <h1>Casevault</h1>
        {hasVault && lock && <LockIndicator state={lock} refresh={refreshLock} />}
      </header>
      {hasVault && (
        <nav aria-label="Sections" className="side">
          <ul>
            {SECTIONS.map((s) => (
              <li key={s.id}>
                <button type="button" className="tab" aria-current={s.id === section.id ? 'page' : undefined} onClick={() => setCurrent(s.id)}>
                  {s.label}
                </button>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <main>
        {hasVault === undefined ? (
          <p>Loading…</p>
        ) : !hasVault ? (
          <FirstRun onDone={() => setHasVault(true)} />
        ) : (
          <NavigateContext.Provider value={setCurrent}>
            <VaultRemovedContext.Provider value={() => setHasVault(false)}>
              <NewKeyContext.Provider value={{ key: newKey, hold: setNewKey }}>
                {newKey && !newKey.replaced && section.id !== 'settings' && (
                  <p className="card notice" role="status">
                    A new recovery key is waiting to be saved and typed back.{' '}
                    <button type="button" className="link" onClick={() => setCurrent('settings')}>
                      Go back to it in Settings
                    </button>
                  </p>
                )}
                <Suspense fallback={<p>Loading…</p>}>
                  <section.Screen key={`${section.id}-${locks}`} />
                </Suspense>
              </NewKeyContext.Provider>
            </VaultRemovedContext.Provider>
          </NavigateContext.Provider>
        )}
      </main>
    </div>
  );
}
