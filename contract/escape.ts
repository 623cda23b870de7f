// Text that leaves Casevault for a person to open elsewhere (the audit
// export, the records page, a subject access manifest, the benchmark chart):
// escaped for HTML, and defused for spreadsheets.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** A CSV value that a spreadsheet would run as a formula (a leading = + - @, tab or CR) gets an apostrophe first, so it shows as text. */
export function defuseFormula(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}
