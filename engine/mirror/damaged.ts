// Objects `verify --cloud` found damaged or tampered with
// (CASEVAULT_HOME/damaged.json): the next sync uploads their files again, over
// them, and forgets each one it has replaced. A separate file, not state.json,
// so that a verify never races a running live sync's own state writes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { homeFiles } from '../home.js';

const schema = z.array(z.string().regex(/^[0-9a-f]{64}$/)).max(10_000_000);

export async function loadDamaged(home: string): Promise<Set<string>> {
  const text = await readFile(join(home, homeFiles.damaged), 'utf8').catch(() => '[]');
  try {
    return new Set(schema.parse(JSON.parse(text)));
  } catch {
    return new Set(); // a damaged list: the next verify writes it again
  }
}

export async function saveDamaged(home: string, ids: ReadonlySet<string>): Promise<void> {
  await writeFileAtomic(join(home, homeFiles.damaged), JSON.stringify([...ids]));
}
