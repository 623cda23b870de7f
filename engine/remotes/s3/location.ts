// Where a vault's cloud copy or backups live on S3-compatible object storage
// (an `s3://BUCKET/PREFIX` location), and the connection to the server: its
// endpoint, region and the caseworker's access key. The location is a
// setting (no secret in it); the connection comes from the environment
// (CASEVAULT_S3_* or the standard AWS_* variables) or from this computer's
// sealed store (open-cloud.ts). This module loads no SDK.
import { assertRemoteName } from '../remote.js';

export interface S3Location {
  bucket: string;
  /** '' or a safe relative name ("casevault/alice"), without a trailing '/'. */
  prefix: string;
}

export interface S3Connection {
  /** The server's base URL, e.g. https://s3.union.example; absent: AWS's own endpoint for the region. */
  endpoint?: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** A temporary session's token (AWS STS), where the keys are temporary. */
  sessionToken?: string;
}

// S3's bucket naming rules: 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `s3://BUCKET/PREFIX` as a location, or a sentence saying what is wrong with it. */
export function parseS3Url(url: string): S3Location | string {
  const m = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(url);
  if (!m) return 'an S3 location is written s3://BUCKET/PREFIX';
  const bucket = m[1]!;
  if (!BUCKET.test(bucket)) return 'the bucket name in an s3:// location must be 3 to 63 lower-case letters, digits, dots or hyphens';
  const prefix = (m[2] ?? '').replace(/\/+$/, '');
  if (prefix !== '') {
    try {
      assertRemoteName(prefix);
    } catch {
      return 'the prefix in an s3:// location may hold only letters, digits, dots, hyphens and underscores, in /-separated parts';
    }
  }
  return { bucket, prefix };
}

export function s3Url(l: S3Location): string {
  return `s3://${l.bucket}${l.prefix ? `/${l.prefix}` : ''}`;
}

/**
 * The connection the environment gives: CASEVAULT_S3_ENDPOINT,
 * CASEVAULT_S3_ACCESS_KEY_ID, CASEVAULT_S3_SECRET_ACCESS_KEY and
 * CASEVAULT_S3_REGION, each falling back to its standard AWS variable
 * (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION,
 * AWS_DEFAULT_REGION); undefined without a key pair.
 */
export function s3FromEnv(env: NodeJS.ProcessEnv): S3Connection | undefined {
  const accessKeyId = env.CASEVAULT_S3_ACCESS_KEY_ID || env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.CASEVAULT_S3_SECRET_ACCESS_KEY || env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  const endpoint = env.CASEVAULT_S3_ENDPOINT || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  const sessionToken = env.CASEVAULT_S3_ACCESS_KEY_ID ? undefined : env.AWS_SESSION_TOKEN || undefined;
  return {
    ...(endpoint ? { endpoint } : {}),
    region: env.CASEVAULT_S3_REGION || env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
  };
}
