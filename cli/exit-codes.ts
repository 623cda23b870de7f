// The one place failures become exit codes and messages (DESIGN.md's
// contract): 0 done, 1 failed, 2 usage or missing input, 3 damaged or
// tampered data found, 4 wrong passphrase or recovery key.
import { isShowable } from '../engine/errors.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, damaged: 3, wrongSecret: 4 } as const;

const CODE_OF: Record<string, number> = {
  UsageError: EXIT.usage,
  NoVault: EXIT.usage,
  Locked: EXIT.usage,
  WrongSecret: EXIT.wrongSecret,
  BadRecoveryKey: EXIT.wrongSecret,
  DamagedData: EXIT.damaged,
  UnsafePath: EXIT.damaged,
  UnsupportedFormat: EXIT.failed,
  Refused: EXIT.failed,
  PartialFailure: EXIT.failed,
  FileChanged: EXIT.failed,
  RemoteNotFound: EXIT.failed,
  RemoteUnavailable: EXIT.failed,
  RemoteAuthFailed: EXIT.failed,
  RemotePermanent: EXIT.failed,
  DropboxSignInError: EXIT.failed,
  DropboxHashMismatch: EXIT.failed,
};

function systemMessage(e: NodeJS.ErrnoException): string | undefined {
  switch (e.code) {
    case 'ENOSPC': return 'the disk is full; free some space and try again';
    case 'EACCES':
    case 'EPERM': return 'permission denied on a file or folder Casevault needs; check its permissions and try again';
    case 'EROFS': return 'a folder Casevault needs to write is read-only; check the drive and try again';
    case 'ENOENT': return 'a file or folder Casevault needs is missing; check the paths and try again';
    case 'ENOTDIR': return 'a path that should be a folder is a file; check the paths and try again';
    default: return undefined;
  }
}

/** Exit code and one plain sentence for any failure. Never a stack trace, a path from inside the vault or key material. */
export function describeError(e: unknown): { code: number; message: string } {
  if (isShowable(e)) return { code: CODE_OF[e.name] ?? EXIT.failed, message: e.message };
  const sys = e && typeof e === 'object' && 'code' in e ? systemMessage(e as NodeJS.ErrnoException) : undefined;
  return { code: EXIT.failed, message: sys ?? 'something unexpected went wrong; try again, and if it keeps happening report it (no file names or keys are included in this message)' };
}

export function errorLine(message: string): string {
  const m = message.replace(/\s+/g, ' ').trim();
  return `casevault: ${m.charAt(0).toLowerCase()}${m.slice(1)}${/[.!?]$/.test(m) ? '' : '.'}\n`;
}
