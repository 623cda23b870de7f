// How the Dropbox SDK's and node-fetch's failures become the Remote failure
// classes (remote.ts). classifyDropbox() tells the retry wrapper what one
// failed attempt means; the helpers below read a Dropbox API error's union
// tags ("path/not_found/..") where the remote settles a doubtful retry; and
// asRemoteError() maps whatever is left at a method's boundary. Messages
// carry Dropbox's tags at most: never a path, a token or a response body.
import { DropboxResponseError } from 'dropbox';
import { RemoteAuthFailed, RemoteError, RemotePermanent, SourceFailed } from '../remote.js';
import type { Classified } from '../retry.js';

export const dropboxAuthFailed = () => new RemoteAuthFailed('Dropbox refused the saved sign-in'); // its next step (reconnect-dropbox) says to connect again: said once;

/**
 * The bytes Dropbox stored or sent differ from the bytes expected: a
 * permanent failure ('integrity') rather than an unavailable cloud. After an
 * upload the object Dropbox holds is wrong, so the put has failed and the
 * engine puts it again at its next pass (the file is listed as failed, not
 * hidden behind "offline"); a download may be damage at rest that no retry
 * cures. Taken as "unavailable", either would be retried quietly for ever.
 */
export class DropboxHashMismatch extends RemotePermanent {
  constructor(direction: 'upload' | 'download') {
    super(
      'integrity',
      direction === 'upload'
        ? 'Dropbox stored different bytes than were sent (content hash mismatch); the upload must be repeated'
        : 'Dropbox sent different bytes than it stored (content hash mismatch)',
    );
    this.name = 'DropboxHashMismatch';
  }
}

function isResponseError(e: unknown): e is DropboxResponseError<unknown> {
  return e instanceof DropboxResponseError || (e as { name?: string })?.name === 'DropboxResponseError';
}

/** The union tags of a Dropbox API error, e.g. ['path', 'not_found']. */
function errorTags(e: DropboxResponseError<unknown>): string[] {
  const body = e.error as { error_summary?: unknown; error?: unknown } | string | undefined;
  if (body && typeof body === 'object') {
    if (typeof body.error_summary === 'string') {
      return body.error_summary.split('/').filter((s) => s !== '' && !/^\.+$/.test(s));
    }
    if (typeof body.error === 'string') return [body.error]; // OAuth errors: {"error": "invalid_grant"}
    const inner = body.error as { '.tag'?: unknown } | undefined;
    if (inner && typeof inner['.tag'] === 'string') return [inner['.tag']];
  }
  return [];
}

function retryAfterMs(e: DropboxResponseError<unknown>): number | undefined {
  const h: unknown = e.headers && typeof e.headers.get === 'function' ? e.headers.get('retry-after') : undefined;
  if (typeof h === 'string' && h.trim() !== '') {
    const secs = Number(h);
    if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
    const at = Date.parse(h);
    if (Number.isFinite(at)) return Math.max(0, at - Date.now());
  }
  const body = e.error as { error?: { retry_after?: unknown } } | undefined;
  const ra = body && typeof body === 'object' ? body.error?.retry_after : undefined;
  return typeof ra === 'number' ? ra * 1000 : undefined;
}

const NETWORK_CODE = /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|ENETUNREACH|EHOSTUNREACH|UND_ERR_\w+)$/;

/** What one failed attempt means; `refresh` forces a new access token (the SDK thought the old one still good). */
export function classifyDropbox(e: unknown, refresh: () => void): Classified {
  if (isResponseError(e)) {
    const tags = errorTags(e);
    if (e.status === 429) return { failure: 'unavailable', retryAfterMs: retryAfterMs(e) };
    if (e.status >= 500) return { failure: 'unavailable', uncertain: true, retryAfterMs: retryAfterMs(e) };
    if (e.status === 401) {
      if (tags[0] === 'expired_access_token' || tags[0] === 'invalid_access_token') return { failure: 'auth', refresh };
      return { failure: 'auth' };
    }
    if (e.status === 400 && (tags[0] === 'invalid_grant' || tags[0] === 'invalid_client')) return { failure: 'auth' };
    if (e.status === 409 && tags.includes('too_many_write_operations')) return { failure: 'unavailable', retryAfterMs: retryAfterMs(e) };
    return { failure: isPathNotFound(e) ? 'not-found' : 'permanent' };
  }
  const name = (e as { name?: unknown })?.name;
  const code = (e as { code?: unknown })?.code;
  // node-fetch: FetchError (system errors, timeouts, a body cut short), AbortError.
  if (name === 'FetchError' || name === 'AbortError' || (typeof code === 'string' && NETWORK_CODE.test(code))) {
    return { failure: 'unavailable', uncertain: true };
  }
  return { failure: 'permanent' };
}

function is409(e: unknown, ...tags: string[]): boolean {
  return isResponseError(e) && e.status === 409 && errorTags(e).some((t) => tags.includes(t));
}

export const isPathNotFound = (e: unknown) => is409(e, 'not_found', 'not_file');
export const isConflict = (e: unknown) => is409(e, 'conflict');
/** A listing cursor Dropbox no longer knows (list_folder/continue). */
export const isReset = (e: unknown) => isResponseError(e) && errorTags(e).includes('reset');

/** The offset Dropbox says an upload session is at, when it refused an append for a wrong one. */
export function correctOffset(e: unknown): number | undefined {
  if (!is409(e, 'incorrect_offset')) return undefined;
  const err = ((e as DropboxResponseError<unknown>).error as { error?: Record<string, unknown> })?.error;
  const off = (err?.correct_offset ?? (err?.lookup_failed as Record<string, unknown> | undefined)?.correct_offset) as unknown;
  return typeof off === 'number' ? off : undefined;
}

/** A failure at a method's boundary, as one of the Remote classes (a failure of put()'s own data passes as it is). */
export function asRemoteError(e: unknown): unknown {
  if (e instanceof SourceFailed) return e.cause;
  if (e instanceof RemoteError) return e;
  if (isResponseError(e)) {
    const tags = errorTags(e).filter((t) => /^[a-z_]+$/.test(t));
    if (tags.includes('insufficient_space') || tags.includes('insufficient_quota')) {
      return new RemotePermanent('full', 'the Dropbox account is full; free some space in Dropbox and try again');
    }
    if (tags.includes('no_write_permission')) {
      return new RemotePermanent(
        'permission',
        "Dropbox does not let Casevault write in the vault's folder; check the folder's sharing in Dropbox and try again",
      );
    }
    return new RemotePermanent('refused', `Dropbox refused the request (HTTP ${e.status}${tags.length > 0 ? `, ${tags.join('/')}` : ''})`);
  }
  return new RemotePermanent('refused', 'the Dropbox request failed unexpectedly');
}
