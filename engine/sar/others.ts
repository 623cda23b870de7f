// Which files found by a subject access search may hold other members' data,
// so that the app leaves them unticked and the command leaves them out until
// the officer chooses them. The rule, kept simple so it can be explained:
//   1. a spreadsheet or table (by its type), since those usually list people;
//   2. text holding 5 or more different e-mail addresses;
//   3. text holding 10 or more different names, a name being two capitalised
//      words in a row ("Bob Smith", "Siobhán O'Neill").
// The member's own terms do not count towards 2 and 3. It errs towards
// flagging: a flagged file costs the officer one tick; a file of other
// people's data sent to a member is a breach. Spec: docs/subject-access.md.
import { fold } from './fold.js';

/** File types that hold tables. */
const TABLES = new Set(['csv', 'tsv', 'xls', 'xlsx', 'xlsm', 'ods', 'numbers']);
export const MANY_ADDRESSES = 5;
export const MANY_NAMES = 10;

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
/** A capitalised word: an upper-case letter, then letters, apostrophes or hyphens, ending in a lower-case letter. */
const WORD = String.raw`\p{Lu}[\p{L}'’-]*\p{Ll}`;
const NAME = new RegExp(String.raw`(?<![\p{L}\p{N}])${WORD}[ \u00a0]${WORD}(?![\p{L}\p{N}])`, 'gu');

function distinct(text: string, pattern: RegExp, own: readonly string[]): number {
  const seen = new Set<string>();
  for (const m of text.matchAll(pattern)) {
    const f = fold(m[0]);
    if (!own.some((t) => t.includes(f) || f.includes(t))) seen.add(f);
  }
  return seen.size;
}

/**
 * Why the file at `path` (with `text`, when its text was read) may hold
 * other people's data, as a phrase to show; undefined when nothing says so.
 * `terms`: the search terms, folded.
 */
export function othersDataReason(path: string, text: string | undefined, terms: readonly string[]): string | undefined {
  const dot = path.lastIndexOf('.');
  if (dot > path.lastIndexOf('/') && TABLES.has(path.slice(dot + 1).toLowerCase())) return 'it is a spreadsheet or table, which usually lists many people';
  if (text === undefined) return undefined;
  const addresses = distinct(text, EMAIL, terms);
  if (addresses >= MANY_ADDRESSES) return `it holds ${addresses} different e-mail addresses`;
  const names = distinct(text, NAME, terms);
  if (names >= MANY_NAMES) return `it holds ${names} different names`;
  return undefined;
}
