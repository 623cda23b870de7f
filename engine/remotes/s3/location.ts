// Where a vault's cloud copy or backups live on S3-compatible object storage
// (an `s3://BUCKET/PREFIX` location), and the connection to the server: its
// endpoint, region and the caseworker's access key. The location is a
// setting (no secret in it); the connection comes from the environment
// (CASEVAULT_S3_* or the standard AWS_* variables) or from this computer's
// sealed store (open-cloud.ts). This module loads no SDK.
import { parseS3Url, s3Url } from '../../../contract/index.js';

export type { S3Location } from '../../../contract/index.js';

export interface S3Connection {
  /** The server's base URL, e.g. https://s3.union.example; absent: AWS's own endpoint for the region. */
  endpoint?: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** A temporary session's token (AWS STS), where the keys are temporary. */
  sessionToken?: string;
}

export { parseS3Url, s3Url };

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
