// The vault's settings on this computer (CASEVAULT_HOME/config.json). It
// holds the write keys (public key, name key, auth key) so that sync runs
// while the vault is locked; no key in it can decrypt anything.
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { fromBase64, randomBytes, toBase64, toHex, writeKeysOf, type ReadKeys, type WriteKeys } from '../crypto/index.js';
import { writeFileAtomic } from './fsutil/atomic.js';
import { NoVault, Refused } from './errors.js';
import { homeFiles } from './home.js';
import { cloudSchema, type CloudSpec } from '../contract/index.js';
import { exists, parseOr } from './fsutil/read.js';

const configSchema = z.object({
  version: z.literal(1),
  vaultDir: z.string(),
  cloud: cloudSchema,
  backupDir: z.string().optional(),
  vaultId: z.string(),
  publicKey: z.string(),
  nameKey: z.string(),
  authKey: z.string(),
  /** After a key rotation: the earlier auth keys the backup folder's key may still be wrapped under (until the next backup re-wraps it). */
  retiredAuthKeys: z.array(z.string()).max(16).optional(),
  /** After a key rotation: the vault's earlier public keys (to tell an old key file put back in the cloud from a rotation elsewhere). */
  retiredPublicKeys: z.array(z.string()).max(16).optional(),
  trashDays: z.number().int().min(1).max(3650),
  /** This computer's ID in the cloud's device records (hex, 16 bytes). */
  deviceId: z.string().regex(/^[0-9a-f]{32}$/),
  /** This computer's name in the vault's list of computers (CASEVAULT_DEVICE_NAME at init or recover, else the host name). */
  deviceName: z.string().max(200).optional(),
  /** This computer's own key for its wipe receipt (base64, 32 bytes; docs/devices.md), made when first needed. */
  deviceKey: z.string().optional(),
  createdAt: z.string(),
});
export type VaultConfig = z.infer<typeof configSchema>;

export function configWriteKeys(c: VaultConfig): WriteKeys {
  return {
    vaultId: fromBase64(c.vaultId, 16),
    publicKey: fromBase64(c.publicKey, 32),
    nameKey: fromBase64(c.nameKey, 32),
    authKey: fromBase64(c.authKey, 32),
  };
}

export function writeKeyFields(k: WriteKeys): Pick<VaultConfig, 'vaultId' | 'publicKey' | 'nameKey' | 'authKey'> {
  return { vaultId: toBase64(k.vaultId), publicKey: toBase64(k.publicKey), nameKey: toBase64(k.nameKey), authKey: toBase64(k.authKey) };
}

export async function loadConfig(home: string): Promise<VaultConfig> {
  let text: string;
  try {
    text = await readFile(join(home, homeFiles.config), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NoVault('no vault is set up on this computer yet');
    }
    throw e;
  }
  const parsed = configSchema.safeParse(parseOr(text)); // not JSON at all is damaged too
  if (!parsed.success) throw new NoVault(`this computer's settings file for the vault (${join(home, homeFiles.config)}) is damaged`, 'recover-afresh');
  return parsed.data;
}

export async function hasConfig(home: string): Promise<boolean> {
  return exists(join(home, homeFiles.config));
}

export async function saveConfig(home: string, c: VaultConfig): Promise<void> {
  await writeFileAtomic(join(home, homeFiles.config), JSON.stringify(c, null, 2) + '\n');
}

/** How long a deleted file's object stays in the cloud's trash. */
export const DEFAULT_TRASH_DAYS = 30;

/** Refuses a home that already has a vault (one vault per home); creates the home otherwise. */
export async function ensureFreshHome(home: string): Promise<void> {
  if (await hasConfig(home)) {
    throw new Refused(`this computer already has a vault set up in ${home} (one vault per CASEVAULT_HOME); use another CASEVAULT_HOME for another vault`);
  }
  await mkdir(home, { recursive: true, mode: 0o700 });
}

/** A new vault's settings on this computer: its folders and write keys, and a new device ID. */
export async function newConfig(
  home: string,
  vaultDir: string,
  cloud: CloudSpec,
  keys: ReadKeys,
  backupDir: string | undefined,
  deviceName: string,
): Promise<VaultConfig> {
  const c: VaultConfig = {
    version: 1,
    vaultDir: resolve(vaultDir),
    cloud: cloud.kind === 'folder' ? { kind: 'folder', dir: resolve(cloud.dir) } : cloud,
    ...(backupDir ? { backupDir: backupDir.startsWith('s3://') ? backupDir : resolve(backupDir) } : {}),
    ...writeKeyFields(writeKeysOf(keys)),
    trashDays: DEFAULT_TRASH_DAYS,
    deviceId: toHex(randomBytes(16)),
    deviceName,
    deviceKey: toBase64(randomBytes(32)),
    createdAt: new Date().toISOString(),
  };
  await saveConfig(home, c);
  return c;
}
