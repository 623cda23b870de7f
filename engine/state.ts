// What this computer last uploaded (CASEVAULT_HOME/state.json). Written
// atomically; if it is lost or damaged the next sync rescans and re-uploads
// (same object names, so nothing is duplicated): it costs time, never data.
// Paths are kept in Maps and stored as arrays, never as object keys (a file
// named "__proto__" is a file like any other).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic.js';
import { homeFiles } from './home.js';

const recordSchema = z.object({
  size: z.number(),
  mtimeMs: z.number(),
  ctimeMs: z.number(),
  ino: z.number(),
  /** Object ID, hex. */
  id: z.string(),
  syncedAt: z.number(),
});
export type FileRecord = z.infer<typeof recordSchema>;

const failureSchema = z.object({ reason: z.string(), at: z.number() });
export type Failure = z.infer<typeof failureSchema>;

const lastSyncSchema = z.object({ at: z.number(), uploaded: z.number(), deleted: z.number(), failed: z.number() });

const stored = z.object({
  version: z.literal(1),
  files: z.array(z.tuple([z.string(), recordSchema])),
  failures: z.array(z.tuple([z.string(), failureSchema])),
  lastSync: lastSyncSchema.optional(),
});

export interface SyncState {
  files: Map<string, FileRecord>;
  failures: Map<string, Failure>;
  lastSync?: z.infer<typeof lastSyncSchema>;
}

export function emptyState(): SyncState {
  return { files: new Map(), failures: new Map() };
}

export async function loadState(home: string): Promise<SyncState> {
  try {
    const parsed = stored.safeParse(JSON.parse(await readFile(join(home, homeFiles.state), 'utf8')));
    if (!parsed.success) return emptyState();
    const { files, failures, lastSync } = parsed.data;
    return { files: new Map(files), failures: new Map(failures), ...(lastSync ? { lastSync } : {}) };
  } catch {
    return emptyState();
  }
}

export async function saveState(home: string, s: SyncState): Promise<void> {
  const body = { version: 1, files: [...s.files], failures: [...s.failures], lastSync: s.lastSync };
  await writeFileAtomic(join(home, homeFiles.state), JSON.stringify(body));
}
