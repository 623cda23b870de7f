// Engine failures, in the user's terms. Each maps to one exit code and one
// message in cli/exit-codes.ts; the crypto errors live in crypto/errors.ts.
import { CasevaultError } from '../crypto/errors.js';

/** Missing or contradictory input: a usage problem the person can fix (exit 2). */
export class UsageError extends CasevaultError {
  override name = 'UsageError';
}

/** The operation was refused to keep data safe (exit 1). */
export class Refused extends CasevaultError {
  override name = 'Refused';
}

/** No vault is set up in this CASEVAULT_HOME. */
export class NoVault extends CasevaultError {
  override name = 'NoVault';
}

/** The vault must be unlocked (passphrase or recovery key) for this. */
export class Locked extends CasevaultError {
  override name = 'Locked';
}

/** Some files failed; the rest was done. */
export class PartialFailure extends CasevaultError {
  override name = 'PartialFailure';
}

/**
 * Errors from outside the Casevault hierarchy whose messages are written to
 * be shown as they are (no names, keys or server text in them).
 */
const SHOWABLE = new Set(['RemoteNotFound', 'RemoteUnavailable', 'RemoteAuthFailed', 'RemotePermanent', 'DropboxSignInError', 'DropboxHashMismatch']);

/** Whether `e`'s message may be shown to the person: one of ours, or one of the showable ones above. */
export function isShowable(e: unknown): e is Error {
  return e instanceof CasevaultError || (e instanceof Error && SHOWABLE.has(e.name));
}
