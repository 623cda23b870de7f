// How search terms and text are compared: "Siobhán  O’Neill" finds
// "SIOBHAN O'NEILL". Case, accents, compatibility forms (ligatures, full-width
// letters), curly apostrophes and runs of white space are all folded away.

const MARKS = /\p{M}+/gu;
const SPACES = /\s+/gu;
const APOSTROPHES = /[\u2018\u2019\u201B\u02BC\u2032\uFF07`]/gu;
const QUOTES = /[\u201C\u201D\u201F\u2033\uFF02]/gu;

/** The comparable form of `s`. Upper- then lower-casing folds ß to ss, as full case folding does. */
export function fold(s: string): string {
  return s.toUpperCase().toLowerCase().normalize('NFKD').replace(MARKS, '').replace(APOSTROPHES, "'").replace(QUOTES, '"').replace(SPACES, ' ');
}

/** A vault path as a name is searched: also with _ - . as spaces, so "Siobhan_ONeill.docx" matches "siobhan". */
export function foldName(path: string): string[] {
  const plain = fold(path);
  return [plain, plain.replace(/[_.-]+/g, ' ')];
}

const CHUNK = 4096;

/**
 * The index in `original` of the character that produced position `at` of
 * fold(original), near enough for a snippet (folding piece by piece can
 * differ by a character or two from folding the whole text). Whole chunks
 * first, then one character at a time: fast on a long text.
 */
function originalIndex(original: string, at: number): number {
  let folded = 0;
  let i = 0;
  while (i < original.length) {
    let end = Math.min(original.length, i + CHUNK);
    if (end < original.length && /[\uD800-\uDBFF]/.test(original[end - 1]!)) end++;
    const n = fold(original.slice(i, end)).length;
    if (folded + n > at) break;
    folded += n;
    i = end;
  }
  let space = false;
  for (const ch of original.slice(i, i + CHUNK + 1)) {
    const isSpace = /\s/u.test(ch);
    folded += isSpace && space ? 0 : fold(ch).length;
    space = isSpace;
    if (folded > at) return i;
    i += ch.length;
  }
  return Math.min(i, original.length);
}

const SNIPPET_SIDE = 60;

/** A short piece of `original` around the folded match at `at`, white space collapsed, with … where it was cut. */
export function snippet(original: string, at: number, length: number): string {
  const start = originalIndex(original, at);
  const end = originalIndex(original, at + length);
  const from = Math.max(0, start - SNIPPET_SIDE);
  const to = Math.min(original.length, end + SNIPPET_SIDE);
  // Control characters in a snippet are exactly what is replaced.
  // eslint-disable-next-line no-control-regex
  const blanks = /[\s\u0000-\u001f]+/gu;
  const piece = original.slice(from, to).replace(blanks, ' ').trim();
  return `${from > 0 ? '…' : ''}${piece}${to < original.length ? '…' : ''}`;
}
