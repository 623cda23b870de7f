// How the S3 SDK's failures become the Remote failure classes (remote.ts).
// classifyS3() tells the retry wrapper what one failed attempt means, by the
// HTTP status and S3's error code: 5xx (503 SlowDown among them), 429 and
// the throttling codes, timeouts and dropped connections are worth another
// try; refused keys (InvalidAccessKeyId, SignatureDoesNotMatch, an expired
// token) are a sign-in to renew; the rest is permanent. asS3RemoteError()
// maps whatever is left at a method's boundary. Messages carry S3's error
// code at most: never a key name, an access key or a response body.
import { RemoteAuthFailed, RemoteError, RemoteNotFound, RemotePermanent, RemoteUnavailable, SourceFailed } from '../remote.js';
import type { Classified } from '../retry.js';

/** Refused keys, told apart from a refused Dropbox sign-in so the next step names the right thing to renew. */
export class S3AuthFailed extends RemoteAuthFailed {
  constructor() {
    super('the S3 storage refused the access key'); // its next step (connect-s3) says to check the key: said once
  }
}

export const s3AuthFailed = () => new S3AuthFailed();

interface SdkError {
  name?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

const AUTH = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'TokenRefreshRequired', 'CredentialsProviderError']);
const BUSY = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException', 'RequestThrottled']);
const TRANSIENT = new Set(['InternalError', 'ServiceUnavailable', 'RequestTimeout', 'TimeoutError', 'RequestTimeoutException', 'AbortError']);
const INTEGRITY = new Set(['BadDigest', 'InvalidDigest', 'XAmzContentSHA256Mismatch', 'IncompleteBody', 'S3ContentMismatch']);
const NETWORK_CODE = /^(ECONNRESET|ECONNREFUSED|ECONNABORTED|EPIPE|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|ENETUNREACH|EHOSTUNREACH|UND_ERR_\w+)$/;

/** S3's error code (e.g. 'NoSuchKey'), where the error has one. */
export function s3Code(e: unknown): string | undefined {
  const err = e as SdkError | undefined;
  return err?.Code ?? err?.name;
}

export function s3Status(e: unknown): number | undefined {
  return (e as SdkError | undefined)?.$metadata?.httpStatusCode;
}

function retryAfterMs(e: unknown): number | undefined {
  const h = (e as SdkError).$response?.headers?.['retry-after'];
  if (h === undefined || h.trim() === '') return undefined;
  const secs = Number(h);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(h);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** What one failed attempt means. */
export function classifyS3(e: unknown): Classified {
  if (e instanceof RemoteError) return { failure: e.failure };
  if (e instanceof SourceFailed) return { failure: 'permanent' };
  const code = s3Code(e);
  const status = s3Status(e);
  const sys = (e as SdkError | undefined)?.code;
  if ((code && BUSY.has(code)) || status === 429) return { failure: 'unavailable', retryAfterMs: retryAfterMs(e) };
  if ((status !== undefined && status >= 500) || (code && TRANSIENT.has(code))) {
    return { failure: 'unavailable', uncertain: true, retryAfterMs: retryAfterMs(e) };
  }
  if (code && AUTH.has(code)) return { failure: 'auth' };
  // A refused HEAD (HeadBucket, HeadObject: how backups first reach the bucket) has no body, so no S3 code: a bare 403 there is the key refused.
  if (status === 403 && (!code || code === 'Unknown' || code === 'Forbidden' || code === '403')) return { failure: 'auth' };
  if (status === 404 && code !== 'NoSuchBucket') return { failure: 'not-found' };
  if (status === undefined && ((typeof sys === 'string' && NETWORK_CODE.test(sys)) || (code && NETWORK_CODE.test(code)))) {
    return { failure: 'unavailable', uncertain: true };
  }
  return { failure: 'permanent' };
}

/** A failure at a method's boundary, as one of the Remote classes; `name` is the object concerned (for RemoteNotFound only). A failure of put()'s own data passes as it is. */
export function asS3RemoteError(e: unknown, name?: string): unknown {
  if (e instanceof SourceFailed) return e.cause;
  if (e instanceof RemoteError) return e;
  const c = classifyS3(e);
  if (c.failure === 'auth') return s3AuthFailed();
  if (c.failure === 'unavailable') return new RemoteUnavailable('the S3 storage is not answering or is busy; Casevault will try again later', c.retryAfterMs);
  if (c.failure === 'not-found' && name !== undefined) return new RemoteNotFound(name);
  const code = s3Code(e);
  const status = s3Status(e);
  if (code === 'NoSuchBucket') {
    return new RemoteUnavailable("the S3 bucket is not there; ask the union's storage administrator whether it was moved or removed");
  }
  if (code === 'QuotaExceeded' || code === 'EntityTooLarge' || code === 'InsufficientCapacity') {
    return new RemotePermanent('full', "the S3 storage is full for this account (its quota is reached); ask the union's storage administrator for more space");
  }
  if (code && INTEGRITY.has(code))
    return new RemotePermanent('integrity', 'the S3 storage received different bytes than were sent; the upload must be repeated');
  if (code === 'AccessDenied' || code === 'AllAccessDisabled' || code === 'AccountProblem') {
    return new RemotePermanent(
      'permission',
      "the S3 storage does not let this access key do that (AccessDenied); ask the union's storage administrator to check the key's policy",
    );
  }
  if (status === undefined && !code) return new RemotePermanent('refused', 'the S3 request failed unexpectedly');
  const safeCode = code && /^[A-Za-z0-9]{1,64}$/.test(code) ? `, ${code}` : '';
  return new RemotePermanent('refused', `the S3 storage refused the request (HTTP ${status ?? '?'}${safeCode})`);
}
