// The settings a person chooses: auto-lock, the backup schedule, how many
// backups are kept, the access-review reminder. The engine validates and
// records each change in the audit trail.
import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { call, desktopShell, type DesktopShell } from './api.js';
import { type ApiResult } from '../../contract/index.js';
import { explain } from './failures.js';

type Settings = ApiResult<'settings'>;
type Update = Partial<Omit<Settings, 'lastAccessReview'>>;

const RETENTION: [keyof Settings['retention'], string][] = [
  ['last', 'The newest backups'],
  ['daily', 'One a day, for this many days'],
  ['weekly', 'One a week, for this many weeks'],
  ['monthly', 'One a month, for this many months'],
  ['yearly', 'One a year, for this many years'],
];

function NumberField({
  label,
  value,
  min,
  max,
  onChange,
  hint,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  onChange: (n: number) => void;
  hint?: string;
}) {
  const id = useId();
  return (
    <>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <span className="muted" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        step={1}
        value={Number.isNaN(value) ? '' : value}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(e) => onChange(e.target.valueAsNumber)}
        required
      />
    </>
  );
}

function SettingsForm({ title, children, onSave }: { title: string; children: ReactNode; onSave: () => Promise<string> }) {
  const [message, setMessage] = useState('');
  const id = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSave().then(setMessage, (err: unknown) => setMessage(explain(err)));
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{title}</h2>
      {children}
      <button type="submit">Save</button>
      {message && <p role="status">{message}</p>}
    </form>
  );
}

export function Preferences() {
  const [s, setS] = useState<Settings | undefined>();
  const [shell, setShell] = useState<DesktopShell | undefined>();
  useEffect(() => {
    void call('settings').then(setS, () => {});
    // A browser tab has no shell to ask; a shell that cannot answer says nothing rather than something untrue.
    void desktopShell().then(setShell, () => {});
  }, []);
  if (!s) return null;
  const save = (u: Update) => async () => {
    setS(await call('updateSettings', u));
    return 'Saved. The change is recorded in the audit trail.';
  };
  const set = (patch: Partial<Settings>) => setS({ ...s, ...patch });
  return (
    <>
      <SettingsForm title="Auto-lock" onSave={save({ autoLockMinutes: s.autoLockMinutes })}>
        <NumberField
          label="Lock after this many idle minutes"
          hint="0 locks only on sleep, screen lock and quit. Syncing and backups carry on while locked."
          value={s.autoLockMinutes}
          min={0}
          max={1440}
          onChange={(n) => set({ autoLockMinutes: n })}
        />
      </SettingsForm>
      <SettingsForm title="Start with the computer" onSave={save({ startAtLogin: s.startAtLogin })}>
        <label className="tick">
          <input type="checkbox" checked={s.startAtLogin} onChange={(e) => set({ startAtLogin: e.target.checked })} />
          <span>Start Casevault in the tray when I log in, so files sync and backups run without opening it (the desktop app)</span>
        </label>
        {shell?.closeQuits && (
          <p className="muted">
            This desktop shows no tray icon, so closing the Casevault window quits it: syncing stops (after the file in hand) and the vault locks. Files added
            meanwhile are synced when Casevault is opened again. With "Start with the computer", it opens its window at login.
          </p>
        )}
      </SettingsForm>
      <SettingsForm title="Backup schedule" onSave={save({ backupEveryHours: s.backupEveryHours, backupWarnAfterDays: s.backupWarnAfterDays })}>
        <NumberField
          label="Back up every this many hours"
          hint="A backup missed while the computer was off runs as soon as it is back."
          value={s.backupEveryHours}
          min={1}
          max={744}
          onChange={(n) => set({ backupEveryHours: n })}
        />
        <NumberField
          label="Warn when no backup has worked for this many days"
          value={s.backupWarnAfterDays}
          min={1}
          max={90}
          onChange={(n) => set({ backupWarnAfterDays: n })}
        />
      </SettingsForm>
      <SettingsForm title="Backups kept" onSave={save({ retention: s.retention })}>
        <p className="muted">When old backups are cleared away, these are kept. The newest backup is always kept.</p>
        {RETENTION.map(([k, label]) => (
          <NumberField key={k} label={label} value={s.retention[k]} min={0} max={1000} onChange={(n) => set({ retention: { ...s.retention, [k]: n } })} />
        ))}
      </SettingsForm>
      <SettingsForm title="Access review reminder" onSave={save({ accessReviewMonths: s.accessReviewMonths })}>
        <NumberField
          label="Remind me to review access every this many months"
          value={s.accessReviewMonths}
          min={1}
          max={24}
          onChange={(n) => set({ accessReviewMonths: n })}
        />
      </SettingsForm>
    </>
  );
}
