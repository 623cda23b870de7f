// Engine failures, in the person's words. Each carries a kind and, where
// there is one, a next step (contract/errors.ts); its message says what
// happened and names no command or button, because the CLI and the app each
// word the next step their own way. failureOf() is the one place where any
// other error (crypto's, a remote's, the system's) gets its kind. A message
// that ends with its own advice ("…; choose a new or empty folder") has no
// next step: each shell appends the next step's words, which said it twice.
import { BadRecoveryKey, DamagedData, FileChanged, UnsafePath, UnsupportedFormat, WrongSecret } from '../crypto/index.js';
import { Failure, type FailureInfo, type NextStep } from '../contract/index.js';
import { DropboxSignInError } from './remotes/dropbox/auth.js';
import { RemoteAuthFailed, RemoteNotFound, RemotePermanent, RemoteUnavailable } from './remotes/remote.js';
import { S3AuthFailed } from './remotes/s3/errors.js';

/** Missing or contradictory input: a usage problem the person can fix. */
export class UsageError extends Failure {
  constructor(message: string, next?: NextStep) {
    super('usage', message, next);
    this.name = 'UsageError';
  }
}

/** The operation was refused to keep data safe. */
export class Refused extends Failure {
  constructor(message: string, next?: NextStep) {
    super('refused', message, next);
    this.name = 'Refused';
  }
}

/** No vault is set up in this CASEVAULT_HOME. */
export class NoVault extends Failure {
  constructor(message: string, next: NextStep = 'set-up-vault') {
    super('no-vault', message, next);
    this.name = 'NoVault';
  }
}

/** The vault must be unlocked (passphrase or recovery key) for this. */
export class Locked extends Failure {
  constructor(message: string, next: NextStep = 'unlock') {
    super('locked', message, next);
    this.name = 'Locked';
  }
}

/** Some files failed; the rest was done. */
export class PartialFailure extends Failure {
  constructor(message: string, next?: NextStep) {
    super('partial', message, next);
    this.name = 'PartialFailure';
  }
}

/** Something the vault needs cannot be reached now (the backup drive, the cloud folder); nothing was changed. */
export class Unreachable extends Failure {
  constructor(message: string, next?: NextStep) {
    super('unreachable', message, next);
    this.name = 'Unreachable';
  }
}

/** Damaged or tampered-with data the engine itself found (crypto's DamagedData covers the formats). */
export class Damaged extends Failure {
  constructor(message: string, next?: NextStep) {
    super('damaged', message, next);
    this.name = 'Damaged';
  }
}

/** Why a file was not written (ENAMETOOLONG): its vault path fits where it was made, not under the folder it goes into now (Linux allows 4,096 bytes in all). */
export const TOO_LONG = 'its path is too long for the folder it goes into; use a folder with a shorter path';

/** A fault of the data itself (damaged, tampered, unsafe, a newer format), which reading it again will not cure, unlike a dropped connection or a busy disk. */
export function isDataDefect(e: unknown): e is Error {
  return e instanceof DamagedData || e instanceof UnsafePath || e instanceof UnsupportedFormat;
}

const UNEXPECTED = 'something unexpected went wrong';

/** A system error's sentence, for the codes a person can do something about. */
function systemFailure(code: string | undefined): FailureInfo | undefined {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return { kind: 'failed', message: 'the disk is full', next: 'free-disk-space' };
    case 'EACCES':
    case 'EPERM':
      return { kind: 'failed', message: 'permission was denied on a file or folder Casevault needs', next: 'check-permissions' };
    case 'EROFS':
      return { kind: 'failed', message: 'a folder Casevault needs to write is read-only', next: 'check-permissions' };
    case 'ENOENT':
      return { kind: 'failed', message: 'a file or folder Casevault needs is missing', next: 'choose-other-folder' };
    case 'ENOTDIR':
      return { kind: 'failed', message: 'a path that should be a folder is a file', next: 'choose-other-folder' };
    default:
      return undefined;
  }
}

/** Remote failures by class (engine/remotes/remote.ts), and the Dropbox sign-in's own. */
function remoteFailure(e: Error): FailureInfo | undefined {
  if (e instanceof RemoteUnavailable) return { kind: 'unreachable', message: e.message }; // its sentence says what to do, or that Casevault retries by itself
  if (e instanceof RemoteNotFound) return { kind: 'failed', message: 'an object Casevault needs is missing from the cloud copy', next: 'verify-cloud' };
  if (e instanceof S3AuthFailed) return { kind: 'signed-out', message: e.message, next: 'connect-s3' };
  if (e instanceof RemoteAuthFailed || e instanceof DropboxSignInError) return { kind: 'signed-out', message: e.message, next: 'reconnect-dropbox' };
  // An object larger than any genuine one of its kind was planted or damaged in the cloud: the check of the cloud copy names it.
  if (e instanceof RemotePermanent)
    return {
      kind: e.reason === 'too-large' ? 'damaged' : 'failed',
      message: e.message,
      ...(PERMANENT_NEXT[e.reason] ? { next: PERMANENT_NEXT[e.reason] } : {}),
    };
  return undefined;
}

/** No permission and no space have no next step: each remote's sentence says what to do about them there (make the folder writable, free space, ask the storage's administrator), and a next step said it a second time. */
const PERMANENT_NEXT: Record<RemotePermanent['reason'], NextStep | undefined> = {
  permission: undefined,
  full: undefined,
  integrity: 'retry',
  refused: undefined,
  'too-large': 'verify-cloud',
};

/**
 * Any error as the shells show it: its kind, one sentence and the next step.
 * Never a stack, a key, or a path from inside the vault: an error that is not
 * one of Casevault's gets a generic sentence.
 */
export function failureOf(e: unknown): FailureInfo {
  if (e instanceof Failure) return e.toJSON();
  if (e instanceof WrongSecret || e instanceof BadRecoveryKey) return { kind: 'wrong-secret', message: e.message };
  if (e instanceof DamagedData || e instanceof UnsafePath) return { kind: 'damaged', message: e.message };
  if (e instanceof UnsupportedFormat) return { kind: 'unsupported', message: e.message, next: 'update-casevault' };
  if (e instanceof FileChanged) return { kind: 'busy', message: e.message, next: 'retry' };
  if (e instanceof Error) {
    const remote = remoteFailure(e);
    if (remote) return remote;
  }
  const code = e && typeof e === 'object' && 'code' in e ? String((e as NodeJS.ErrnoException).code) : undefined;
  return systemFailure(code) ?? { kind: 'failed', message: UNEXPECTED, next: 'retry-or-report' };
}
