// What this computer remembers about its backups, in CASEVAULT_HOME (never
// in the vault folder, never on the backup drive):
//   backup-state.json  the repository's ID and folder, the snapshots this
//                      computer wrote (so a deleted or rolled-back one is
//                      noticed), the folder's snapshots as last listed (said
//                      while the drive is away), and a record of each run
//                      (with the folder it went to: a changed folder's runs
//                      are not the new one's)
//   backup-cache.json  per file: size, mtime, ctime, inode and chunk IDs as
//                      of the last backup, so an unchanged file is not read
//                      again (it is reused only if every chunk is still in
//                      the repository's index)
// Losing either costs a re-read of the vault, never data.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { homeFiles } from '../home.js';
import { readIfExists } from '../fsutil/read.js';

export const backupHomeFiles = { state: homeFiles.backupState, cache: homeFiles.backupCache } as const;

const runSchema = z.object({
  at: z.string(),
  ok: z.boolean(),
  snapshot: z.string().optional(),
  files: z.number(),
  bytesAdded: z.number(),
  durationMs: z.number(),
  error: z.string().optional(),
  /** The backup folder the run went to (runs recorded before folders could change have none: they are the folder's in `dir`). */
  folder: z.string().optional(),
});
export type BackupRun = z.infer<typeof runSchema>;

const stateSchema = z.object({
  version: z.literal(1),
  repoId: z.string().optional(),
  dir: z.string().optional(),
  snapshots: z.array(z.string()),
  forgotten: z.array(z.string()),
  /** Snapshots that are archives (engine/backup/archives.ts): never forgotten. */
  archives: z.array(z.string()).default([]),
  runs: z.array(runSchema),
  /** When this folder became the backup folder (attached or changed), if it was after the vault was set up here. */
  attachedAt: z.string().optional(),
  /** The highest key generation this computer has seen the repository at: a config put back to an earlier one is refused. */
  generation: z.number().int().min(0).optional(),
  /** The folder's snapshots as last listed on this computer. */
  listed: z.object({ at: z.string(), snapshots: z.number(), archives: z.number(), latest: z.string().nullable() }).optional(),
});
export type BackupLocalState = z.infer<typeof stateSchema>;

const MAX_RUNS = 100;
const MAX_REMEMBERED = 5000;

export function emptyBackupState(): BackupLocalState {
  return { version: 1, snapshots: [], forgotten: [], archives: [], runs: [] };
}

export async function loadBackupState(home: string): Promise<BackupLocalState> {
  const text = await readIfExists(join(home, backupHomeFiles.state), 'utf8');
  if (!text) return emptyBackupState();
  try {
    return stateSchema.parse(JSON.parse(text));
  } catch {
    return emptyBackupState();
  }
}

export async function saveBackupState(home: string, s: BackupLocalState): Promise<void> {
  s.runs = s.runs.slice(-MAX_RUNS);
  s.snapshots = s.snapshots.slice(-MAX_REMEMBERED);
  s.forgotten = s.forgotten.slice(-MAX_REMEMBERED);
  await writeFileAtomic(join(home, backupHomeFiles.state), JSON.stringify(s) + '\n');
}

export interface CachedFile {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  /** Hex blob IDs. */
  chunks: string[];
}

type CacheRow = [string, number, number, number, number, string];

export async function loadFileCache(home: string, repoId: string): Promise<Map<string, CachedFile>> {
  const out = new Map<string, CachedFile>();
  try {
    const j = JSON.parse(await readFile(join(home, backupHomeFiles.cache), 'utf8')) as { repoId?: string; files?: CacheRow[] };
    if (j.repoId !== repoId || !Array.isArray(j.files)) return out;
    for (const [path, size, mtimeMs, ctimeMs, ino, chunks] of j.files) {
      out.set(path, { size, mtimeMs, ctimeMs, ino, chunks: chunks ? chunks.split(',') : [] });
    }
  } catch {
    // none yet, or damaged: files are read again
  }
  return out;
}

/**
 * Drop the cached rows of the files `gone` picks (a deleted case's), so
 * their names and chunk IDs do not wait in the home for the next backup.
 * Whatever repository the cache is for; no cache, nothing to do.
 */
export async function forgetCachedFiles(home: string, gone: (path: string) => boolean): Promise<void> {
  const text = await readIfExists(join(home, backupHomeFiles.cache), 'utf8');
  if (text === undefined) return;
  let j: { repoId?: string; files?: CacheRow[] };
  try {
    j = JSON.parse(text) as typeof j;
  } catch {
    return writeFileAtomic(join(home, backupHomeFiles.cache), JSON.stringify({ files: [] })); // damaged: it could hold anything, and is only a cache
  }
  if (!Array.isArray(j.files) || !j.files.some((row) => gone(row[0]))) return;
  await writeFileAtomic(join(home, backupHomeFiles.cache), JSON.stringify({ ...j, files: j.files.filter((row) => !gone(row[0])) }));
}

export async function saveFileCache(home: string, repoId: string, files: Map<string, CachedFile>): Promise<void> {
  const rows: CacheRow[] = [...files].map(([p, f]) => [p, f.size, f.mtimeMs, f.ctimeMs, f.ino, f.chunks.join(',')]);
  await writeFileAtomic(join(home, backupHomeFiles.cache), JSON.stringify({ repoId, files: rows }));
}
