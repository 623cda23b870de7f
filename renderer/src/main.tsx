import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { call } from './api.js';
import { setLocale } from './text.js';
import './styles.css';

// Dates follow the computer's locale (text.ts): asked for before the first screen; without an answer, day-month-year.
void call('locale')
  .then(
    (r) => setLocale(r.locale),
    () => {},
  )
  .finally(() =>
    createRoot(document.getElementById('root')!).render(
      <StrictMode>
        <App />
      </StrictMode>,
    ),
  );
