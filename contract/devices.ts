// The vault's computers (docs/devices.md): each one's record as the person
// sees it, marking one lost (and ordering its wipe) or found, and the
// breach report for a lost one. The HTML page of the report is built here,
// beside its data, so the app and the CLI print the same page.
import { z } from 'zod';
import { escapeHtml } from './escape.js';

/** A computer's name or device ID (or a unique start of it, 4+ characters). */
const deviceRef = z.string().min(1).max(200);

export const devicesMarkSchema = z
  .object({ device: deviceRef, action: z.enum(['lost', 'found']), wipe: z.boolean().optional(), confirm: z.literal(true).optional() })
  .strict();
export type DevicesMark = z.infer<typeof devicesMarkSchema>;

export const breachReportSchema = z.object({ device: deviceRef }).strict();

export type DeviceStatus = 'active' | 'lost' | 'wiped';

export interface DeviceInfo {
  id: string;
  name: string;
  /** The computer running this. */
  this: boolean;
  status: DeviceStatus;
  /** The wipe: none ordered, ordered and not yet carried out, or carried out (the lost computer said so). */
  wipe: 'none' | 'ordered' | 'done';
  version: string | null;
  firstSeen: string | null;
  lastSeen: string | null;
  lastSync: string | null;
  /** When it was marked lost (or the wipe ordered), while it is. */
  orderedAt: string | null;
  wipedAt: string | null;
  /** The cloud had lost or rolled back this computer's order; it was put back from the sealed record of the computer that gave it. */
  orderRestored: boolean;
  /** Its record is under the vault's keys from before a rotation (it has not synced since). */
  earlierKeys: boolean;
  /** Marked lost, and its record has gone from the cloud: listed from the copy this computer kept (RECORD_GONE). */
  recordGone: boolean;
  /** Marked lost, and the cloud holds an earlier record of it than this computer has seen: listed from the newer copy kept here (RECORD_ROLLED_BACK). */
  recordRolledBack: boolean;
  /** Marked lost, and a record of it under the vault's keys from before the rotation appeared after that (OLD_KEYS_RECORD): listed from the copy kept here. */
  oldKeysRecord: boolean;
}

/** The plain words for a lost computer's record that the cloud deleted, rolled back, or that someone with its old keys rewrote. */
export const RECORD_GONE = 'its record has gone from the cloud (deleted there); this is the copy this computer kept when it saw it last';
export const RECORD_ROLLED_BACK =
  'the cloud holds an earlier record of it than this computer has seen (put back to an earlier state); this is the newer copy this computer kept';
export const OLD_KEYS_RECORD =
  "a record written with the vault's keys from before the rotation appeared after this computer was marked lost: someone holding the lost computer's keys may have written it";

/** Those words for one computer, in the order said. */
export function recordNotes(d: Pick<DeviceInfo, 'recordGone' | 'recordRolledBack' | 'oldKeysRecord'>): string[] {
  return [d.recordGone ? RECORD_GONE : '', d.recordRolledBack ? RECORD_ROLLED_BACK : '', d.oldKeysRecord ? OLD_KEYS_RECORD : ''].filter(Boolean);
}

export interface BreachCase {
  name: string;
  files: number;
  newest: string | null;
}

export interface BreachReport {
  device: { id: string; name: string; version: string | null; firstSeen: string | null; lastSeen: string | null; lastSync: string | null };
  /** The case names (top-level folders) on it at its last sync. */
  cases: string[];
  caseDetails: BreachCase[];
  /** More cases than a record lists were there (the list stops at its limit). */
  casesCut: boolean;
  files: number;
  newestChange: string | null;
  /** Whether the operating system encrypted the vault folder at rest, as far as that computer could tell. */
  encryptedAtRest: string;
  status: DeviceStatus;
  keysRotatedAt: string | null;
  markedLostAt: string | null;
  wipeOrderedAt: string | null;
  wipedAt: string | null;
  /** That computer's audit entries that reached the cloud (its mirrored trail), oldest first. */
  audit: { at: string; event: string; detail?: string }[];
  /** Its trail in the cloud failed its check (or none was there). */
  auditProblem: string | null;
  madeAt: string;
  /** As in DeviceInfo: the report is made from the record this computer kept, joined with the cloud's (never fewer cases or files). */
  recordGone: boolean;
  recordRolledBack: boolean;
  oldKeysRecord: boolean;
  /** Those, in plain words (empty when the cloud's record is the newest this computer has seen). */
  recordNotes: string[];
}

const row = (k: string, v: string) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`;

/** The breach report as a printable page: no script, no external resource. */
export function breachReportHtml(r: BreachReport): string {
  const cases = r.caseDetails.map((c) => `<tr><td>${escapeHtml(c.name)}</td><td>${c.files}</td><td>${escapeHtml(c.newest ?? '')}</td></tr>`).join('');
  const audit = r.audit.map((a) => `<tr><td>${escapeHtml(a.at)}</td><td>${escapeHtml(a.event)}</td><td>${escapeHtml(a.detail ?? '')}</td></tr>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Breach report: ${escapeHtml(r.device.name)}</title>
<style>body{font:14px/1.4 sans-serif;margin:2em;color:#111}table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #999;padding:.25em .5em;text-align:left;vertical-align:top}th{background:#eee}</style>
</head><body>
<h1>Breach report: the computer ${escapeHtml(r.device.name)}</h1>
<p>What was on this computer at its last sync, for the data-protection lead (personal-data breach procedure). Made ${escapeHtml(r.madeAt)}.</p>
<table>
${row('Computer', `${r.device.name} (device ${r.device.id})`)}
${row('Status', r.status)}
${row('First seen', r.device.firstSeen ?? 'unknown')}
${row('Last seen', r.device.lastSeen ?? 'unknown')}
${row('Last sync', r.device.lastSync ?? 'never')}
${row('Casevault version', r.device.version ?? 'unknown')}
${row('Cases', `${r.cases.length}${r.casesCut ? ' (more than listed)' : ''}`)}
${row('Files', String(r.files))}
${row('Newest change', r.newestChange ?? 'none')}
${row('Vault folder encrypted at rest by the operating system', r.encryptedAtRest)}
${row('Keys rotated', r.keysRotatedAt ?? 'not since it was marked lost')}
${row('Marked lost', r.markedLostAt ?? 'no')}
${row('Wipe ordered', r.wipeOrderedAt ?? 'no')}
${row('Wipe carried out', r.wipedAt ?? (r.wipeOrderedAt ? 'not yet' : 'no'))}
</table>
${r.recordNotes.length ? `<h2>Its record in the cloud</h2>\n${r.recordNotes.map((n) => `<p><strong>${escapeHtml(n.charAt(0).toUpperCase() + n.slice(1))}.</strong></p>`).join('\n')}\n` : ''}<h2>Cases on it</h2>
<table><tr><th>Case</th><th>Files</th><th>Newest change</th></tr>${cases}</table>
<h2>Its audit entries that reached the cloud</h2>
${r.auditProblem ? `<p>${escapeHtml(r.auditProblem)}</p>` : ''}
<table><tr><th>When</th><th>Event</th><th>Detail</th></tr>${audit}</table>
</body></html>
`;
}
