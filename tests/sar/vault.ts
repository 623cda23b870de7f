// A real vault (real key file, real settings) holding the given files, for the subject access tests.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Engine } from '../../engine/engine.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { tempDir } from '../helpers/fs.js';

export interface TestVault {
  root: string;
  home: string;
  vault: string;
  cloud: string;
  engine: Engine;
}

export async function writeFiles(dir: string, files: Record<string, Uint8Array | string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, ...path.split('/'));
    await mkdir(join(full, '..'), { recursive: true });
    await writeFile(full, content);
  }
}

/** A vault set up with `files` in it; unlocked unless told otherwise. */
export async function makeVault(files: Record<string, Uint8Array | string>, o: { unlocked?: boolean } = {}): Promise<TestVault> {
  const root = await tempDir('sar');
  const v: TestVault = { root, home: join(root, 'home'), vault: join(root, 'Cases'), cloud: join(root, 'cloud'), engine: undefined as unknown as Engine };
  await writeFiles(v.vault, files);
  v.engine = new Engine(v.home, { CASEVAULT_KDF_PROFILE: 'interactive' });
  await v.engine.init({ vaultDir: v.vault, cloud: { kind: 'folder', dir: v.cloud }, passphrase: PASSPHRASE });
  if (o.unlocked !== false) await v.engine.unlock({ passphrase: PASSPHRASE });
  return v;
}
