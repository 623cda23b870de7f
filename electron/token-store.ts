// The desktop app's keychain copy of the Dropbox sign-in (engine/cloud.ts,
// OsTokenStore) over Electron's safeStorage: the OS keychain (macOS
// Keychain, Windows DPAPI, the Secret Service or KWallet on Linux) encrypts
// it, in CASEVAULT_HOME/dropbox-keychain.bin. Where safeStorage would only
// obscure it (Linux with no keyring: 'basic_text'), nothing is kept and the
// vault's own sealed copy serves after an unlock. Plain module: Electron's
// safeStorage is passed in, so it is tested without the Electron binary.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { homeFiles, writeFileAtomic, type DropboxCredentials, type OsTokenStore } from '../engine/index.js';

/** The part of Electron's safeStorage this uses. */
export interface SafeStorage {
  isEncryptionAvailable(): boolean;
  getSelectedStorageBackend?(): string;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export const KEYCHAIN_FILE = homeFiles.dropboxKeychain;
const credentials = z.object({ appKey: z.string().min(1).max(200), refreshToken: z.string().min(1).max(4096) }).strict();

export function keychainUsable(s: SafeStorage, platform: NodeJS.Platform = process.platform): boolean {
  if (!s.isEncryptionAvailable()) return false;
  return platform !== 'linux' || s.getSelectedStorageBackend?.() !== 'basic_text';
}

export function osTokenStore(home: string, s: SafeStorage, platform: NodeJS.Platform = process.platform): OsTokenStore {
  const file = join(home, KEYCHAIN_FILE);
  return {
    async save(c: DropboxCredentials) {
      if (!keychainUsable(s, platform)) return;
      await writeFileAtomic(file, s.encryptString(JSON.stringify({ appKey: c.appKey, refreshToken: c.refreshToken })));
    },
    async load() {
      if (!keychainUsable(s, platform)) return undefined;
      const bytes = await readFile(file).catch(() => undefined);
      if (!bytes) return undefined;
      try {
        return credentials.parse(JSON.parse(s.decryptString(bytes)));
      } catch {
        await rm(file, { force: true }); // another user's or a damaged copy: the sealed one serves after an unlock
        return undefined;
      }
    },
  };
}
