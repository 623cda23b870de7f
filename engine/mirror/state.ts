// What this computer last uploaded (CASEVAULT_HOME/state.json). Written
// atomically; if it is lost or damaged the next sync rescans and re-uploads
// (same object names, so nothing is duplicated): it costs time, never data.
// Paths are kept in Maps and stored as arrays, never as object keys (a file
// named "__proto__" is a file like any other).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { homeFiles } from '../home.js';

export interface FileRecord {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  /** ID (hex) of the object this computer wrote for the file. */
  id: string;
  syncedAt: number;
  /** Tag of that write (docs/api.md, "Two computers"), to notice another computer replacing it. */
  tag?: string;
  /** Set after a conflict: this file's uploads go to this conflicted-copy path, never over the other computer's version. */
  conflictCopy?: string;
  /** The other computers' high-water counters, summed, when the pass that wrote it began (engine/mirror/high-water.ts othersSum). */
  others?: number;
}

const failureSchema = z.object({ reason: z.string(), at: z.number() });
export type Failure = z.infer<typeof failureSchema>;

const lastSyncSchema = z.object({ at: z.number(), uploaded: z.number(), deleted: z.number(), failed: z.number() });

// Checked by hand rather than by zod: tens of thousands of records at every start.
function isRecord(v: unknown): v is FileRecord {
  const r = v as Record<string, unknown>;
  return (
    typeof r === 'object' &&
    r !== null &&
    ['size', 'mtimeMs', 'ctimeMs', 'ino', 'syncedAt'].every((k) => typeof r[k] === 'number') &&
    typeof r.id === 'string' &&
    /^[0-9a-f]{64}$/.test(r.id) &&
    (r.tag === undefined || typeof r.tag === 'string') &&
    (r.conflictCopy === undefined || typeof r.conflictCopy === 'string') &&
    (r.others === undefined || typeof r.others === 'number')
  );
}

function parseStored(v: unknown): SyncState | undefined {
  const b = v as { version?: unknown; files?: unknown; failures?: unknown };
  if (b?.version !== 1 || !Array.isArray(b.files) || !Array.isArray(b.failures)) return undefined;
  const files = new Map<string, FileRecord>();
  for (const e of b.files) {
    if (!Array.isArray(e) || typeof e[0] !== 'string' || !isRecord(e[1])) return undefined;
    files.set(e[0], e[1]);
  }
  const failures = new Map<string, Failure>();
  for (const e of b.failures) {
    const f = Array.isArray(e) ? failureSchema.safeParse(e[1]) : undefined;
    if (!f?.success || typeof e[0] !== 'string') return undefined;
    failures.set(e[0], f.data);
  }
  return { files, failures };
}
export type LastSync = z.infer<typeof lastSyncSchema>;

export interface SyncState {
  files: Map<string, FileRecord>;
  failures: Map<string, Failure>;
  lastSync?: LastSync;
}

export function emptyState(): SyncState {
  return { files: new Map(), failures: new Map() };
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

export async function loadState(home: string): Promise<SyncState> {
  const [body, last] = await Promise.all([readJson(join(home, homeFiles.state)), readJson(join(home, homeFiles.lastSync))]);
  const state = parseStored(body) ?? emptyState();
  const lastSync = lastSyncSchema.safeParse(last);
  return lastSync.success ? { ...state, lastSync: lastSync.data } : state;
}

/** Save what was uploaded (the large part). */
export async function saveState(home: string, s: SyncState): Promise<void> {
  const body = { version: 1, files: [...s.files], failures: [...s.failures] };
  await writeFileAtomic(join(home, homeFiles.state), JSON.stringify(body));
}

/** Save when the last pass ran (small; written even when nothing changed). */
export async function saveLastSync(home: string, last: LastSync): Promise<void> {
  await writeFileAtomic(join(home, homeFiles.lastSync), JSON.stringify(last));
}
