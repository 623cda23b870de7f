// Counts in plain words, for messages, reports and the audit trail.

/** "1 file", "3 files". */
export function fileCount(n: number): string {
  return `${n} ${n === 1 ? 'file' : 'files'}`;
}
