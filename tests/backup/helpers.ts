// A vault with a backup folder, and the backup API over it, for tests.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openKeyFile, parseKeyFile, type ReadKeys } from '../../crypto/index.js';
import type { RepoParams } from '../../crypto/backup/index.js';
import { BackupApi, type BackupApiDeps } from '../../engine/backup/service.js';
import type { BackupProgress } from '../../engine/backup/progress-report.js';
import { Engine } from '../../engine/engine.js';
import { Locked } from '../../engine/errors.js';
import { tempDir } from '../helpers/fs.js';

export const PASS = 'purple elephant dances quietly tonight';
export const env = { CASEVAULT_KDF_PROFILE: 'interactive' };
/** Small chunks and packs, so small test trees exercise multi-chunk files and many packs. */
export const SMALL: RepoParams = { chunker: { min: 4 * 1024, avg: 16 * 1024, max: 64 * 1024 }, packSize: 256 * 1024 };

export async function writeFiles(dir: string, files: Record<string, Buffer | string>): Promise<void> {
  for (const [p, data] of Object.entries(files)) {
    await mkdir(join(dir, p, '..'), { recursive: true });
    await writeFile(join(dir, p), data);
  }
}

export interface TestVault {
  root: string;
  vault: string;
  backupDir: string;
  home: string;
  api: BackupApi;
  events: BackupProgress[];
  unlock(): Promise<void>;
  lock(): void;
  /** Another API over the same home (e.g. with different deps). */
  withDeps(extra: Partial<BackupApiDeps>): BackupApi;
}

export async function newVault(files: Record<string, Buffer | string> = {}, params: RepoParams | undefined = SMALL): Promise<TestVault> {
  const root = await tempDir('backup');
  const vault = join(root, 'vault');
  const backupDir = join(root, 'backup');
  const home = join(root, 'home');
  await mkdir(vault, { recursive: true });
  await writeFiles(vault, files);
  const engine = new Engine(home, env);
  await engine.init({ vaultDir: vault, cloud: { kind: 'folder', dir: join(root, 'cloud') }, backupDir, passphrase: PASS });
  let keys: ReadKeys | undefined;
  const events: BackupProgress[] = [];
  const deps: BackupApiDeps = {
    home,
    env,
    emit: (_t, e) => events.push(e),
    readKeys: () => {
      if (!keys) throw new Locked('the vault is locked');
      return keys;
    },
    ...(params ? { params } : {}),
  };
  return {
    root, vault, backupDir, home, events,
    api: new BackupApi(deps),
    unlock: async () => {
      keys = await openKeyFile(parseKeyFile(new Uint8Array(await readFile(join(home, 'casevault.key')))), { passphrase: PASS });
    },
    lock: () => {
      keys = undefined;
    },
    withDeps: (extra) => new BackupApi({ ...deps, ...extra }),
  };
}
