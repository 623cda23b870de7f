// The one place failures become exit codes and messages (DESIGN.md's
// contract): 0 done, 1 failed, 2 usage or missing input, 3 damaged or
// tampered data found, 4 wrong passphrase or recovery key. The code follows
// the failure's kind; the sentence is the engine's, followed by its next
// step worded as a command (cli/next-steps.ts).
import type { ErrorKind } from '../contract/index.js';
import { failureOf } from '../engine/index.js';
import { nextStepText } from './next-steps.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, damaged: 3, wrongSecret: 4 } as const;

const CODE_OF: Record<ErrorKind, number> = {
  usage: EXIT.usage,
  'no-vault': EXIT.usage,
  locked: EXIT.usage,
  'wrong-secret': EXIT.wrongSecret,
  damaged: EXIT.damaged,
  busy: EXIT.failed,
  unreachable: EXIT.failed,
  'signed-out': EXIT.failed,
  refused: EXIT.failed,
  partial: EXIT.failed,
  unsupported: EXIT.failed,
  failed: EXIT.failed,
};

/** Exit code and one plain sentence for any failure. Never a stack trace, a path from inside the vault or key material. */
export function describeError(e: unknown): { code: number; message: string } {
  const f = failureOf(e);
  const message = f.next ? `${f.message.replace(/[.;:,\s]+$/, '')}; ${nextStepText(f.next)}` : f.message;
  return { code: CODE_OF[f.kind], message };
}

export function errorLine(message: string): string {
  const m = message.replace(/\s+/g, ' ').trim();
  return `casevault: ${m.charAt(0).toLowerCase()}${m.slice(1)}${/[.!?]$/.test(m) ? '' : '.'}\n`;
}
