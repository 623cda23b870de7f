// Which remote a vault's settings name, and the credentials it needs. A
// Dropbox refresh token comes from the environment (unattended use, tests)
// or from this computer's store, sealed under the vault's local secrets key
// (so the stored one needs the vault unlocked once per run; the desktop app
// keeps it with the OS keychain instead).
import { join } from 'node:path';
import { z } from 'zod';
import { openLocalSecret, sealLocalSecret, type ReadKeys } from '../../crypto/index.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { homeFiles } from '../home.js';
import { FolderRemote } from './folder.js';
import type { Remote } from './remote.js';
import { type CloudSpec } from '../../contract/index.js';
import { readIfExists } from '../fsutil/read.js';

export interface DropboxCredentials {
  appKey: string;
  refreshToken: string;
}

const TOKEN_FILE = homeFiles.dropboxToken;
const LABEL = 'dropbox refresh token';
const stored = z.object({ appKey: z.string(), token: z.object({ v: z.literal(1), nonce: z.string(), sealed: z.string() }) });

export function describeCloud(cloud: CloudSpec): string {
  return cloud.kind === 'folder' ? `folder ${cloud.dir}` : `Dropbox (app folder${cloud.root ? `/${cloud.root}` : ''})`;
}

export function dropboxFromEnv(env: NodeJS.ProcessEnv): DropboxCredentials | undefined {
  const appKey = env.CASEVAULT_DROPBOX_APP_KEY;
  const refreshToken = env.CASEVAULT_DROPBOX_REFRESH_TOKEN;
  return appKey && refreshToken ? { appKey, refreshToken } : undefined;
}

/** The remote for `cloud`; Dropbox needs credentials. (The Dropbox SDK is loaded only for a Dropbox vault.) */
export async function openCloud(cloud: CloudSpec, env: NodeJS.ProcessEnv, dropbox: DropboxCredentials | undefined): Promise<Remote | undefined> {
  if (cloud.kind === 'folder') return new FolderRemote(cloud.dir);
  if (!dropbox) return undefined;
  const { DropboxRemote } = await import('./dropbox/remote.js');
  return new DropboxRemote({
    appKey: dropbox.appKey,
    refreshToken: dropbox.refreshToken,
    rootFolder: cloud.root,
    ...(env.CASEVAULT_DROPBOX_API_URL ? { apiBaseUrl: env.CASEVAULT_DROPBOX_API_URL } : {}),
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
