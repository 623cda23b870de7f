// The one test vault: real folders, real crypto, the real Engine, the test
// passphrase with the fast KDF profile. Options say what a test varies.
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RepoParams } from '../../crypto/backup/index.js';
import { Engine } from '../../engine/engine.js';
import { PASSPHRASE, run, type RunResult } from './cli.js';
import { tempDir } from './fs.js';

/** Small chunks and packs, so small test trees make multi-chunk files and many packs. */
export const SMALL_BACKUPS: RepoParams = { chunker: { min: 4 * 1024, avg: 16 * 1024, max: 64 * 1024 }, packSize: 256 * 1024 };

/** Path (with `/`) -> content, or [content, last-modified time]. */
export type Files = Record<string, string | Uint8Array | [string | Uint8Array, Date]>;

export interface VaultOptions {
  /** In the vault folder before the vault is set up. */
  files?: Files;
  /** A backup folder (`backup`). */
  backup?: boolean;
  /** Parameters of the backup repository (CASEVAULT_BACKUP_PARAMS), e.g. SMALL_BACKUPS. */
  backupParams?: RepoParams;
  /** The cloud is this Dropbox test server (tests/dropbox/server.ts), signed in through the environment. */
  dropbox?: { url: string; appKey: string; refreshToken: string };
  /** Synced once after set-up. */
  synced?: boolean;
  /** Backed up once after set-up (and after the sync); implies `backup`. */
  backedUp?: boolean;
  unlocked?: boolean;
  /**
   * Whether the recovery key was typed back at set-up, as the app's first
   * run asks (default: yes, so the vault's health has only what a test makes
   * of it); false leaves it unconfirmed, as a key shown and closed away.
   */
  confirmedKey?: boolean;
}

export interface TestVault {
  /** The temporary folder holding all the others (removed when the test file ends). */
  root: string;
  vault: string;
  /** The cloud folder; 'dropbox' for a Dropbox vault (as `--cloud` takes it). */
  cloud: string;
  /** The backup folder (the vault's only with `backup` or `backedUp`). */
  backup: string;
  home: string;
  engine: Engine;
  recoveryKey: string;
  /** For another Engine on this vault, and for `casevault` run on it: home, passphrase, KDF profile, and the options' settings. */
  env: Record<string, string>;
  /** The real command on this vault, with `extra` over `env`. */
  cli(args: string[], extra?: Record<string, string>): Promise<RunResult>;
}

export async function writeFiles(dir: string, files: Files): Promise<void> {
  for (const [path, value] of Object.entries(files)) {
    const [content, mtime] = Array.isArray(value) ? value : [value, undefined];
    const full = join(dir, ...path.split('/'));
    await mkdir(join(full, '..'), { recursive: true });
    await writeFile(full, content);
    if (mtime) await utimes(full, mtime, mtime);
  }
}

export async function makeVault(o: VaultOptions = {}): Promise<TestVault> {
  const root = await tempDir('vault');
  const home = join(root, 'home');
  const vault = join(root, 'Cases');
  const backup = join(root, 'usb');
  const cloud = o.dropbox ? 'dropbox' : join(root, 'cloud');
  const env: Record<string, string> = {
    CASEVAULT_HOME: home,
    CASEVAULT_PASSPHRASE: PASSPHRASE,
    CASEVAULT_KDF_PROFILE: 'interactive',
    ...(o.backupParams ? { CASEVAULT_BACKUP_PARAMS: JSON.stringify(o.backupParams) } : {}),
    ...(o.dropbox
      ? { CASEVAULT_DROPBOX_API_URL: o.dropbox.url, CASEVAULT_DROPBOX_APP_KEY: o.dropbox.appKey, CASEVAULT_DROPBOX_REFRESH_TOKEN: o.dropbox.refreshToken }
      : {}),
  };
  await mkdir(vault);
  await writeFiles(vault, o.files ?? {});
  const engine = new Engine(home, env);
  const { recoveryKey } = await engine.init({
    vaultDir: vault,
    cloud: o.dropbox ? { kind: 'dropbox', root: '' } : { kind: 'folder', dir: cloud },
    ...(o.backup || o.backedUp ? { backupDir: backup } : {}),
    passphrase: PASSPHRASE,
  });
  if (o.confirmedKey ?? true) await engine.confirmRecoveryKey(recoveryKey);
  if (o.synced) {
    const r = await engine.sync();
    if (r.failed.length > 0) throw new Error(`set-up: ${r.failed.length} files did not sync`);
  }
  if (o.backedUp) {
    const r = await engine.backup();
    if (r.failed.length > 0) throw new Error(`set-up: ${r.failed.length} files were not backed up`);
  }
  if (o.unlocked) await engine.unlock({ passphrase: PASSPHRASE });
  return { root, vault, cloud, backup, home, engine, recoveryKey, env, cli: (args, extra = {}) => run(args, { ...env, ...extra }) };
}
