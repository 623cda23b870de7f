// A worker thread that reads files for subject access search (extractor.ts
// runs it). Its console is silenced: a parser's warning could quote a
// member's text, and nothing of a case file may reach a log.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { extractText } from './extract.js';
import type { TextKind } from './kinds.js';

export interface ExtractRequest {
  id: number;
  full: string;
  kind: TextKind;
}

export type ExtractReply = { id: number; text: string } | { id: number; reason: string };

// eslint-disable-next-line no-console -- silencing the console is the point: a parser's warning could quote a member's text
for (const k of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) console[k] = () => {};
// pdf.js can reject a promise of its own after a damaged file's answer has
// gone back; that belongs to a file already reported, so it must not stop
// the worker (and fail the next file).
process.on('unhandledRejection', () => {});

/** Why a file could not be read, in a person's words: never the parser's message, which may quote the file. */
function reasonOf(e: unknown, kind: TextKind): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'it was moved or deleted during the search';
  if (code === 'ELOOP') return 'it is a link, not a file';
  if (e instanceof Error && e.name === 'PasswordException') return 'the PDF is password-protected';
  return `it is damaged or not a real ${kind === 'text' ? 'text' : kind === 'eml' ? 'e-mail' : kind.toUpperCase()} file`;
}

async function read(full: string): Promise<Uint8Array> {
  // O_NOFOLLOW: a file swapped for a link after the scan is not followed out of the vault.
  const fh = await open(full, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return new Uint8Array(await fh.readFile());
  } finally {
    await fh.close();
  }
}

parentPort!.on('message', (req: ExtractRequest) => {
  read(req.full)
    .then((bytes) => extractText(bytes, req.kind))
    .then(
      (text) => parentPort!.postMessage({ id: req.id, text } satisfies ExtractReply),
      (e: unknown) => parentPort!.postMessage({ id: req.id, reason: reasonOf(e, req.kind) } satisfies ExtractReply),
    );
});
