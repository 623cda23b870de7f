// The audit trail as the shells see it: its entries, the chain check, other
// computers' trails, and the filters and exports of an access review (CSV,
// or a printable HTML page the browser's "Save as PDF" makes a PDF of).
// Pure functions: the CLI, the engine and the app's filters all use these,
// so what a person sees is what they export.
import { defuseFormula, escapeHtml } from './escape.js';

/** One entry of the audit trail, decrypted. */
export interface AuditRow {
  at: string;
  event: string;
  detail?: string;
}

export interface AuditVerifyReport {
  ok: boolean;
  entries: number;
  /** What is wrong, in a sentence, with the line number. */
  problem?: string;
}

/** Another computer's trail, mirrored to the cloud: checked and decrypted. */
export interface OtherTrail {
  device: string;
  /** The chain checks out (a mirrored trail has no separate head, so entries cut off its end cannot be told). */
  ok: boolean;
  problem?: string;
  /** Written under the vault's keys from before a key rotation (that computer has not taken the new keys on). */
  earlierKeys: boolean;
  entries: AuditRow[];
}

export interface AuditFilter {
  /** Only these kinds of event (the entries' `event`); all when absent or empty. */
  events?: string[];
  /** First and last day to show (YYYY-MM-DD, this computer's time zone), each optional. */
  from?: string;
  to?: string;
  /** Words that must appear in the event or its detail (any case). */
  text?: string;
}

export interface ExportHeader {
  vault: string;
  exportedAt: string;
  check: AuditVerifyReport;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Local midnight of a YYYY-MM-DD day, plus `days` (the date inputs are in the person's time zone). */
function midnight(day: string, days = 0): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + days).getTime();
}

/** The entries matching the filter, newest first. */
export function filterAudit<T extends AuditRow>(entries: readonly T[], f: AuditFilter = {}): T[] {
  const from = f.from && DAY.test(f.from) ? midnight(f.from) : -Infinity;
  const toEnd = f.to && DAY.test(f.to) ? midnight(f.to, 1) : Infinity;
  const words = (f.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const kinds = f.events && f.events.length > 0 ? new Set(f.events) : undefined;
  return entries
    .map((e, i) => ({ e, i, t: Date.parse(e.at) }))
    .filter(({ e, t }) => {
      if (kinds && !kinds.has(e.event)) return false;
      if (t < from || t >= toEnd) return false;
      const hay = `${e.event} ${e.detail ?? ''}`.toLowerCase();
      return words.every((w) => hay.includes(w));
    })
    .sort((a, b) => b.t - a.t || b.i - a.i)
    .map(({ e }) => e);
}

/** The kinds of event present, for the filter's choices. */
export function auditEventKinds(entries: readonly AuditRow[]): string[] {
  return [...new Set(entries.map((e) => e.event))].sort();
}

/**
 * One CSV field: quoted, quotes doubled, and a leading = + - @ tab or CR
 * defused with an apostrophe, so a spreadsheet shows a detail as text rather
 * than running it as a formula.
 */
function csvField(v: string): string {
  return `"${defuseFormula(v).replace(/"/g, '""')}"`;
}

export function auditCsv(entries: readonly AuditRow[]): string {
  const rows = [['time', 'event', 'detail'], ...entries.map((e) => [e.at, e.event, e.detail ?? ''])];
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The chain check in one sentence, as the app and the exports say it. */
export function describeCheck(c: AuditVerifyReport): string {
  return c.ok
    ? `The audit trail is intact: ${c.entries} ${c.entries === 1 ? 'entry' : 'entries'}.`
    : `Warning: the audit trail has been changed or damaged (${c.problem ?? 'unknown problem'}).`;
}

/** A self-contained page (no scripts, no outside resources) to print or save as PDF. */
export function auditHtml(entries: readonly AuditRow[], h: ExportHeader): string {
  const rows = entries.map((e) => `<tr><td>${escapeHtml(e.at)}</td><td>${escapeHtml(e.event)}</td><td>${escapeHtml(e.detail ?? '')}</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Casevault audit trail</title>
<style>
body { font-family: system-ui, sans-serif; color: #1d2433; margin: 2rem; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #9aa3b5; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #eef1f6; }
.ok { color: #1e7a45; font-weight: 700; }
.bad { color: #b3261e; font-weight: 700; }
@media print { body { margin: 0; } tr { break-inside: avoid; } }
</style>
</head>
<body>
<h1>Casevault audit trail</h1>
<p>Vault: ${escapeHtml(h.vault)}<br>Exported: ${escapeHtml(h.exportedAt)}<br>Entries in this export: ${entries.length}</p>
<p class="${h.check.ok ? 'ok' : 'bad'}">${escapeHtml(describeCheck(h.check))}</p>
<table>
<thead><tr><th>Time</th><th>Event</th><th>Detail</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}
