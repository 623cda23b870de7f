import { useEffect, useState } from 'react';
import { call } from './api.js';
import { Backups } from './Backups.js';
import { FirstRun } from './FirstRun.js';
import { Handover } from './Handover.js';
import { Home } from './Home.js';
import { Settings } from './Settings.js';

const TABS = { home: 'Home', backups: 'Backups', settings: 'Settings', handover: 'Leaving the role' } as const;
type Tab = keyof typeof TABS;

export function App() {
  const [hasVault, setHasVault] = useState<boolean | undefined>();
  const [tab, setTab] = useState<Tab>('home');
  useEffect(() => {
    call('hasVault').then(setHasVault, () => setHasVault(false));
  }, []);
  return (
    <div className="app">
      <header className="bar">
        <svg className="logo" aria-hidden="true" width="22" height="22" viewBox="0 0 24 24"><rect x="4" y="10" width="16" height="12" rx="2" fill="#1f5fbf" /><path d="M8 10V7a4 4 0 0 1 8 0v3" stroke="#1f5fbf" strokeWidth="2.5" fill="none" /></svg>
        <h1>Casevault</h1>
        {hasVault && (
          <nav aria-label="Sections">
            {(Object.keys(TABS) as Tab[]).map((t) => (
              <button key={t} type="button" className="tab" aria-current={tab === t ? 'page' : undefined} onClick={() => setTab(t)}>{TABS[t]}</button>
            ))}
          </nav>
        )}
      </header>
      <main>
        {hasVault === undefined ? <p>Loading…</p> : !hasVault ? <FirstRun onDone={() => setHasVault(true)} /> : tab === 'home' ? <Home /> : tab === 'backups' ? <Backups /> : tab === 'handover' ? <Handover onRemoved={() => setHasVault(false)} /> : <Settings />}
      </main>
    </div>
  );
}
