// The S3 client every S3 remote and storage uses: the SDK's own client,
// path-style (a union's server rarely has a DNS name per bucket), with the
// SDK's retries off so that every request goes through the shared retry
// wrapper (../retry.ts) instead, and a Content-MD5 on every request that
// carries a body, so the server refuses a body that did not arrive intact
// (BadDigest). MD5 rather than the SDK's newer CRC32 checksums: every
// S3-compatible server checks Content-MD5, while some (Ceph before Reef)
// ignore the x-amz-checksum headers. This module loads the SDK; the S3
// remote imports it (and so the SDK) only at its first request, so a vault
// whose cloud and backups are folders never loads it.
import { createHash } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { Retry } from '../retry.js';
import type { S3Connection } from './location.js';
import { classifyS3, s3AuthFailed } from './errors.js';

// The SDK warns on every first use under Node 20 (its releases from 2027 on need Node 22); the pinned version runs on 20, and the warning would reach the command line's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface S3ClientOptions {
  /** Attempts per request before RemoteUnavailable. Default 8. */
  maxAttempts?: number;
  /** First backoff delay; doubles each attempt (with jitter). Default 500 ms. */
  baseDelayMs?: number;
  /** Cap on one backoff delay. Default 30 s. */
  maxDelayMs?: number;
  /** Timeout of one request without an answer. Default 2 minutes. */
  requestTimeoutMs?: number;
}

/** The keys, as the SDK asks for them: a function, called again once `expiration` is near (a test changes them under a running client so). */
export type Credentials = () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }>;

/** An S3Client whose send() retries through Retry. */
export function makeS3Client(conn: S3Connection, o: S3ClientOptions = {}, credentials?: Credentials): S3Client {
  const client = new S3Client({
    ...(conn.endpoint ? { endpoint: conn.endpoint } : {}),
    region: conn.region,
    forcePathStyle: true,
    credentials:
      credentials ??
      (async () => ({
        accessKeyId: conn.accessKeyId,
        secretAccessKey: conn.secretAccessKey,
        ...(conn.sessionToken ? { sessionToken: conn.sessionToken } : {}),
      })),
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { requestTimeout: o.requestTimeoutMs ?? 120_000, connectionTimeout: 30_000 },
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      const req = args.request as { body?: unknown; headers?: Record<string, string> };
      if (req.body instanceof Uint8Array && req.headers && !Object.keys(req.headers).some((h) => h.toLowerCase() === 'content-md5')) {
        req.headers['content-md5'] = createHash('md5').update(req.body).digest('base64');
      }
      return next(args);
    },
    { step: 'build', name: 'casevaultContentMd5' },
  );
  const retry = new Retry({
    service: 'the S3 storage',
    classify: classifyS3,
    authFailed: s3AuthFailed,
    maxAttempts: o.maxAttempts,
    baseDelayMs: o.baseDelayMs,
    maxDelayMs: o.maxDelayMs,
  });
  const send = client.send.bind(client) as (cmd: unknown) => Promise<unknown>;
  (client as { send: unknown }).send = (cmd: unknown) => retry.run(() => send(cmd));
  return client;
}
