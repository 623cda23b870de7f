// The text of a file, by type, for subject access search: bytes in, text
// out, nothing else. No file system, no logging, no temporary files: the text
// of a member's case file exists only in memory, and only while it is searched.
// Runs on a worker thread (extractor.ts), so a hostile file that hangs a
// parser or exhausts memory costs that worker, never the engine.
import mammoth from 'mammoth';
import PostalMime, { type Address } from 'postal-mime';
import { kindOf, type TextKind } from './kinds.js';

/** Enough for any real case file; a PDF claiming more pages is read up to here. */
export const MAX_PDF_PAGES = 5000;
/** Text beyond this (characters) is not searched: a PDF or e-mail can expand far beyond its size. */
export const MAX_TEXT_CHARS = 64 * 1024 * 1024;
/** An e-mail attached to an e-mail is read; one attached inside that is not. */
const MAX_EML_DEPTH = 1;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf16le = new TextDecoder('utf-16le');
// The WHATWG 'latin1' label is windows-1252: the superset that old Windows exports use.
const latin1 = new TextDecoder('latin1');

/** UTF-8 (with or without a byte-order mark), UTF-16 with its mark, otherwise Latin-1. */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return utf16le.decode(bytes.subarray(2));
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return utf8.decode(body);
  } catch {
    return latin1.decode(body);
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** An HTML body's visible text, near enough to search: tags become spaces, entities characters. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (m, e: string) => {
      if (e[0] !== '#') return ENTITIES[e.toLowerCase()] ?? m;
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    });
}

function addresses(list: (Address | undefined)[]): string[] {
  return list.flatMap((a) => (!a ? [] : 'group' in a && a.group ? [a.name, ...addresses(a.group)] : [a.name, 'address' in a ? (a.address ?? '') : '']));
}

async function emlText(bytes: Uint8Array, depth: number): Promise<string> {
  const mail = await PostalMime.parse(bytes, { attachmentEncoding: 'arraybuffer' });
  const parts = [
    mail.subject ?? '',
    ...addresses([mail.from, mail.sender, ...(mail.replyTo ?? []), ...(mail.to ?? []), ...(mail.cc ?? []), ...(mail.bcc ?? [])]),
    mail.text ?? '',
    mail.html ? htmlToText(mail.html) : '',
  ];
  for (const a of mail.attachments) {
    parts.push(a.filename ?? '');
    const kind = a.filename ? kindOf(a.filename) : a.mimeType === 'message/rfc822' ? 'eml' : undefined;
    if (!kind || (kind === 'eml' && depth >= MAX_EML_DEPTH) || typeof a.content === 'string') continue;
    // An unreadable attachment leaves the e-mail itself searchable.
    parts.push(await extractText(new Uint8Array(a.content), kind, depth + 1).catch(() => ''));
  }
  return parts.filter(Boolean).join('\n');
}

async function docxText(bytes: Uint8Array): Promise<string> {
  const r = await mammoth.extractRawText({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
  return r.value;
}

/** The part of pdf.js read here: unpdf ships pdf.js's own types under paths that NodeNext resolution cannot follow. */
interface PdfJs {
  getDocument(params: Record<string, unknown>): { promise: Promise<PdfDocument>; destroy(): Promise<void> };
}
interface PdfDocument {
  numPages: number;
  getPage(n: number): Promise<{ getTextContent(): Promise<{ items: ({ str: string; hasEOL: boolean } | object)[] }> }>;
}

async function pdfText(bytes: Uint8Array): Promise<string> {
  // unpdf's serverless build of pdf.js: text and structure only, with no native canvas addon to ship (docs/dependencies.md).
  const pdfjs = (await import('unpdf/pdfjs')) as unknown as PdfJs;
  // pdf.js takes ownership of (and detaches) the buffer it is given.
  const task = pdfjs.getDocument({
    data: bytes.slice(),
    verbosity: 0,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
  });
  const doc = await task.promise;
  try {
    const pages: string[] = [];
    let chars = 0;
    for (let n = 1; n <= Math.min(doc.numPages, MAX_PDF_PAGES) && chars < MAX_TEXT_CHARS; n++) {
      const content = await (await doc.getPage(n)).getTextContent();
      const text = content.items.map((i) => ('str' in i ? i.str + (i.hasEOL ? '\n' : ' ') : '')).join('');
      chars += text.length;
      pages.push(text);
    }
    return pages.join('\n');
  } finally {
    await task.destroy();
  }
}

/** The searchable text of `bytes` read as `kind`. Throws on a damaged file. */
export async function extractText(bytes: Uint8Array, kind: TextKind, depth = 0): Promise<string> {
  const text =
    kind === 'text' ? decodeText(bytes) : kind === 'eml' ? await emlText(bytes, depth) : kind === 'docx' ? await docxText(bytes) : await pdfText(bytes);
  return text.length > MAX_TEXT_CHARS ? text.slice(0, MAX_TEXT_CHARS) : text;
}
