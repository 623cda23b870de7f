// A real vault (folder cloud, backup folder) for the housekeeping tests, with
// files dated as a test needs.
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Engine } from '../../engine/engine.js';
import { tempDir } from '../helpers/fs.js';

export const PASS = 'purple elephant dances quietly tonight';
export const ENV = { CASEVAULT_KDF_PROFILE: 'interactive' };
export const OLD = new Date('2015-06-30T12:00:00Z');

export interface TestVault {
  root: string;
  vault: string;
  cloud: string;
  backup: string;
  home: string;
  engine: Engine;
}

/** Files: path -> content, or [content, mtime]. */
export async function writeDated(dir: string, files: Record<string, string | Buffer | [string | Buffer, Date]>): Promise<void> {
  for (const [p, v] of Object.entries(files)) {
    const [data, when] = Array.isArray(v) ? v : [v, undefined];
    const full = join(dir, ...p.split('/'));
    await mkdir(join(full, '..'), { recursive: true });
    await writeFile(full, data);
    if (when) await utimes(full, when, when);
  }
}

export async function newVault(files: Record<string, string | Buffer | [string | Buffer, Date]>, o: { backup?: boolean } = {}): Promise<TestVault> {
  const root = await tempDir('hk');
  const v: Omit<TestVault, 'engine'> = { root, vault: join(root, 'vault'), cloud: join(root, 'cloud'), backup: join(root, 'usb'), home: join(root, 'home') };
  await mkdir(v.vault);
  await writeDated(v.vault, files);
  const engine = new Engine(v.home, ENV);
  await engine.init({ vaultDir: v.vault, cloud: { kind: 'folder', dir: v.cloud }, ...(o.backup === false ? {} : { backupDir: v.backup }), passphrase: PASS });
  return { ...v, engine };
}
