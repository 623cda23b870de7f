// The HTML carrier (docs/send-format.md, "The page"): the package's pieces
// (the header, then each message), each base64 in its own data element at
// the template's marker. Whole messages per element keep every element but
// the last a multiple of 3 bytes, so the page can insist on canonical
// base64 and a changed character is always a changed byte.
import { toBase64, utf8 } from '../bytes.js';

export const PACKAGE_MARKER = '<!--casevault-package-->';
export const PIECE_TYPE = 'application/x-casevault-send';

/** The page's bytes: the template up to its marker, one element per piece, the rest of the template. */
export async function* packageHtml(template: string, pieces: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const parts = template.split(PACKAGE_MARKER);
  if (parts.length !== 2) throw new Error('internal error: the send page template has no single package marker');
  yield utf8(parts[0]!);
  for await (const piece of pieces) yield utf8(`<script type="${PIECE_TYPE}">${toBase64(piece)}</script>\n`);
  yield utf8(parts[1]!);
}
