// Which remote a vault's settings name, and the credentials it needs. A
// Dropbox refresh token comes from the environment (unattended use, tests)
// or from this computer's store, sealed under the vault's local secrets key
// (so the stored one needs the vault unlocked once per run; the desktop app
// keeps it with the OS keychain instead). S3 storage's endpoint, region and
// access key come the same two ways: the environment (CASEVAULT_S3_* or the
// standard AWS_* variables), or this computer's store, sealed likewise.
import { join } from 'node:path';
import { z } from 'zod';
import { openLocalSecret, sealLocalSecret, type ReadKeys } from '../../crypto/index.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { homeFiles } from '../home.js';
import { FolderRemote } from './folder.js';
import type { Remote } from './remote.js';
import type { RetryOptions } from './retry.js';
import { type CloudSpec } from '../../contract/index.js';
import { readIfExists } from '../fsutil/read.js';
import { s3FromEnv, s3Url, type S3Connection } from './s3/location.js';

export interface DropboxCredentials {
  appKey: string;
  refreshToken: string;
}

const TOKEN_FILE = homeFiles.dropboxToken;
const LABEL = 'dropbox refresh token';
const stored = z.object({ appKey: z.string(), token: z.object({ v: z.literal(1), nonce: z.string(), sealed: z.string() }) });

export function describeCloud(cloud: CloudSpec): string {
  if (cloud.kind === 's3') return `S3 storage ${s3Url(cloud)}`;
  return cloud.kind === 'folder' ? `folder ${cloud.dir}` : `Dropbox (app folder${cloud.root ? `/${cloud.root}` : ''})`;
}

export function dropboxFromEnv(env: NodeJS.ProcessEnv): DropboxCredentials | undefined {
  const appKey = env.CASEVAULT_DROPBOX_APP_KEY;
  const refreshToken = env.CASEVAULT_DROPBOX_REFRESH_TOKEN;
  return appKey && refreshToken ? { appKey, refreshToken } : undefined;
}

/** A network remote's retries (tests shorten them; default: each backend's own). */
export type RetryTuning = Pick<RetryOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs'>;

/** The remote for `cloud`; Dropbox and S3 need credentials (S3's: `s3`, else the environment's). (Each SDK is loaded only for a vault of its kind.) */
export async function openCloud(
  cloud: CloudSpec,
  env: NodeJS.ProcessEnv,
  dropbox: DropboxCredentials | undefined,
  s3?: S3Connection,
  retry: RetryTuning = {},
): Promise<Remote | undefined> {
  if (cloud.kind === 'folder') return new FolderRemote(cloud.dir);
  if (cloud.kind === 's3') {
    const conn = s3 ?? s3FromEnv(env);
    if (!conn) return undefined;
    const { S3Remote } = await import('./s3/remote.js');
    return new S3Remote({ bucket: cloud.bucket, prefix: cloud.prefix }, conn, retry);
  }
  if (!dropbox) return undefined;
  const { DropboxRemote } = await import('./dropbox/remote.js');
  return new DropboxRemote({
    appKey: dropbox.appKey,
    refreshToken: dropbox.refreshToken,
    rootFolder: cloud.root,
    ...(env.CASEVAULT_DROPBOX_API_URL ? { apiBaseUrl: env.CASEVAULT_DROPBOX_API_URL } : {}),
    ...retry,
  });
}

/**
 * A second home for the Dropbox sign-in, kept by the desktop shell under the
 * operating system's keychain (Electron's safeStorage), so that a Dropbox
 * vault syncs after a restart before anyone types the passphrase. It holds
 * only the sign-in: no key that reads the vault.
 */
export interface OsTokenStore {
  save(c: DropboxCredentials): Promise<void>;
  load(): Promise<DropboxCredentials | undefined>;
}

export async function storeDropboxToken(home: string, keys: ReadKeys, c: DropboxCredentials): Promise<void> {
  const token = await sealLocalSecret(keys.localSecretKey, keys.vaultId, LABEL, c.refreshToken);
  await writeFileAtomic(join(home, TOKEN_FILE), JSON.stringify({ appKey: c.appKey, token }));
}

export async function loadDropboxToken(home: string, keys: ReadKeys): Promise<DropboxCredentials | undefined> {
  const text = await readIfExists(join(home, TOKEN_FILE), 'utf8');
  if (text === undefined) return undefined;
  const parsed = stored.safeParse(JSON.parse(text));
  if (!parsed.success) return undefined;
  return { appKey: parsed.data.appKey, refreshToken: await openLocalSecret(keys.localSecretKey, keys.vaultId, LABEL, parsed.data.token) };
}

const S3_LABEL = 's3 connection';
const s3Stored = z.object({ v: z.literal(1), nonce: z.string(), sealed: z.string() });
const s3Connection = z.object({
  endpoint: z.string().optional(),
  region: z.string(),
  accessKeyId: z.string(),
  secretAccessKey: z.string(),
  sessionToken: z.string().optional(),
});

/** S3 storage's connection (endpoint, region, access key and secret), sealed whole under the vault's local secrets key. */
export async function storeS3Connection(home: string, keys: ReadKeys, c: S3Connection): Promise<void> {
  const sealed = await sealLocalSecret(keys.localSecretKey, keys.vaultId, S3_LABEL, JSON.stringify(c));
  await writeFileAtomic(join(home, homeFiles.s3Connection), JSON.stringify(sealed));
}

export async function loadS3Connection(home: string, keys: ReadKeys): Promise<S3Connection | undefined> {
  const text = await readIfExists(join(home, homeFiles.s3Connection), 'utf8');
  if (text === undefined) return undefined;
  const parsed = s3Stored.safeParse(JSON.parse(text));
  if (!parsed.success) return undefined;
  const conn = s3Connection.safeParse(JSON.parse(await openLocalSecret(keys.localSecretKey, keys.vaultId, S3_LABEL, parsed.data)));
  return conn.success ? conn.data : undefined;
}

/** Whether a vault keeps anything on S3 storage: its cloud copy, or its backups at an s3:// location. */
export function usesS3(cloud: CloudSpec, backupDir: string | undefined): boolean {
  return cloud.kind === 's3' || backupDir?.startsWith('s3://') === true;
}

/** At set-up or recovery of an S3 vault: the connection given (the app's form), else the environment's, kept sealed so later runs need no keys in their environment. */
export async function keepS3Connection(
  home: string,
  keys: ReadKeys,
  cloud: CloudSpec,
  given: S3Connection | undefined,
  env: NodeJS.ProcessEnv,
  backupDir?: string,
): Promise<void> {
  const c = usesS3(cloud, backupDir) ? (given ?? s3FromEnv(env)) : undefined;
  if (c) await storeS3Connection(home, keys, c);
}
