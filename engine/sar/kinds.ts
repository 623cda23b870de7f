// Which files subject access search reads the text of, by name. Apart from
// extract.ts so that the engine can decide without loading the parsers
// (they load on the worker thread only).
export type TextKind = 'text' | 'eml' | 'docx' | 'pdf';

const KINDS: Record<string, TextKind> = { txt: 'text', md: 'text', csv: 'text', eml: 'eml', docx: 'docx', pdf: 'pdf' };

/** The kind of text a file name promises, or undefined when only its name is searched. */
export function kindOf(name: string): TextKind | undefined {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? undefined : KINDS[name.slice(dot + 1).toLowerCase()];
}
