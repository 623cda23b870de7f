import { defuseFormula, escapeHtml } from '../../contract/index.js';
// The manifest that goes with a subject access export: for each file, the
// name in the export, where it came from in the vault, its size, when it was
// last changed and its SHA-256 (so the member can check nothing was altered);
// and the request it answers. MANIFEST.csv for a spreadsheet, MANIFEST.html
// to read or print.

export interface ManifestEntry {
  /** The file's name inside the export ('/'-separated). */
  exportedAs: string;
  /** The file's path in the vault. */
  path: string;
  size: number;
  /** Last modified (ISO time). */
  mtime: string;
  sha256: string;
}

export interface RequestInfo {
  reference?: string;
  terms: string[];
}

export interface Manifest extends RequestInfo {
  exportedAt: string;
  entries: ManifestEntry[];
}

export const MANIFEST_CSV = 'MANIFEST.csv';
export const MANIFEST_HTML = 'MANIFEST.html';
export const CSV_COLUMNS = ['Exported file', 'Original path in the vault', 'Size (bytes)', 'Last modified', 'SHA-256'] as const;

/** A CSV cell; one a spreadsheet would run as a formula (= + - @) is made plain text first. */
function cell(value: string | number): string {
  const s = defuseFormula(String(value));
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function row(cells: (string | number)[]): string {
  return `${cells.map(cell).join(',')}\r\n`;
}

/** The request first (label, value), a blank line, then one row per file. */
export function manifestCsv(m: Manifest): string {
  return [
    row(['Request reference', m.reference ?? '']),
    row(['Search terms', m.terms.join('; ')]),
    row(['Exported at', m.exportedAt]),
    row(['Number of files', m.entries.length]),
    '\r\n',
    row([...CSV_COLUMNS]),
    ...m.entries.map((e) => row([e.exportedAs, e.path, e.size, e.mtime, e.sha256])),
  ].join('');
}

export function manifestHtml(m: Manifest): string {
  const title = `Subject access request${m.reference ? ` ${m.reference}` : ''}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em}table{border-collapse:collapse}th,td{border:1px solid #999;padding:4px 8px;text-align:left;vertical-align:top}td.n{text-align:right}code{font-size:11px;word-break:break-all}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>Reference: ${escapeHtml(m.reference ?? '(none given)')}<br>Searched for: ${escapeHtml(m.terms.join('; '))}<br>Exported: ${escapeHtml(m.exportedAt)}<br>Number of files: ${m.entries.length}</p>
<p>Each file is in the <code>files</code> folder at the path it had. The SHA-256 is a fingerprint of the file's exact contents: any change to the file would change it.</p>
<table><thead><tr>${CSV_COLUMNS.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>
${m.entries.map((e) => `<tr><td>${escapeHtml(e.exportedAs)}</td><td>${escapeHtml(e.path)}</td><td class="n">${e.size}</td><td>${escapeHtml(e.mtime)}</td><td><code>${e.sha256}</code></td></tr>`).join('\n')}
</tbody></table>
</body></html>
`;
}

/** What the audit trail says about a request: its reference, or (only without one) the terms. */
export function requestLabel(r: RequestInfo): string {
  return r.reference ? `reference ${r.reference}` : `search terms ${r.terms.map((t) => JSON.stringify(t)).join(', ')}`;
}
