// Temporary folders and tree comparison for tests.
import { mkdtemp, readdir, readFile, rm, lstat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/** A fresh temporary folder, removed when the test file ends. */
export async function tempDir(label = 'cv'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `${label}-`));
  after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Every regular file under `root`: relative path -> contents. */
export async function readTree(root: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = async (dir: string, rel: string) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(join(dir, e.name), p);
      else if (e.isFile()) out.set(p, await readFile(join(dir, e.name)));
    }
  };
  await walk(root, '');
  return out;
}

export async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  );
}

/** Files under `root` (relative paths), recursively. */
export async function listFiles(root: string): Promise<string[]> {
  return [...(await readTree(root)).keys()].sort();
}
