// What this computer remembers about its backups, in CASEVAULT_HOME (never
// in the vault folder, never on the backup drive):
//   backup-state.json  the repository's ID and folder, the snapshots this
//                      computer wrote (so a deleted or rolled-back one is
//                      noticed), the folder's snapshots as last listed (said
//                      while the drive is away), and a record of each run
//                      (with the folder it went to: a changed folder's runs
//                      are not the new one's), and the blobs found damaged
//                      (pack and blob IDs), so the next backup stores
//                      them again
//   backup-cache.log   per file: size, mtime, ctime, inode and chunk IDs as
//                      of the last backup, so an unchanged file is not read
//                      again (it is reused only if every chunk is still in
//                      the repository's index); a log of changes
//                      (engine/fsutil/line-log.ts): a backup that changed
//                      nothing writes nothing, one that changed a few files
//                      appends a few lines, and one that dropped a file
//                      rewrites it whole, so a deleted file's name leaves it
// Losing either costs a re-read of the vault, never data.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { appendLineLog, needsCompaction, readLineLog, REWRITE, rewriteLineLog, TrackedMap, type LogPosition } from '../fsutil/line-log.js';
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
  /**
   * Snapshots this computer took that a check of the backups (verify) found
   * gone from the folder while a later one of this computer's was there: told
   * once, by that check and in the audit trail, and not reported missing
   * again (their versions are lost; the later backup holds the files).
   */
  noted: z.array(z.string()).default([]),
  /** Snapshots that are archives (engine/backup/archives.ts): never forgotten. */
  archives: z.array(z.string()).default([]),
  runs: z.array(runSchema),
  /** When this folder became the backup folder (attached or changed), if it was after the vault was set up here. */
  attachedAt: z.string().optional(),
  /** The highest key generation this computer has seen the repository at: a config put back to an earlier one is refused. */
  generation: z.number().int().min(0).optional(),
  /** Blobs found failing authentication, or in a pack the index lists that is missing or cut short, as "<pack ID>:<blob ID>" (engine/backup/repository.ts: damagedAt): read from another copy, and stored again by the next backup. */
  damaged: z.array(z.string()).default([]),
  /** When a verify or restore last found a blob damaged or missing that was not recorded before (ISO time): until a backup after it, the backups' health says so. */
  damageFoundAt: z.string().optional(),
  /**
   * The vault folder's identity (engine/mirror/vault-identity.ts) at this
   * computer's last backup, and how many files that backup held: an empty
   * folder that is not this one is refused, as sync refuses it.
   */
  vault: z.object({ dev: z.number(), ino: z.number(), birth: z.number().optional(), files: z.number() }).optional(),
  /** The folder's snapshots as last listed on this computer. */
  listed: z.object({ at: z.string(), snapshots: z.number(), archives: z.number(), latest: z.string().nullable() }).optional(),
});
export type BackupLocalState = z.infer<typeof stateSchema>;

/** The snapshots this computer took that the folder should hold, oldest first: neither forgotten here nor noted missing. */
export function expectedSnapshots(s: BackupLocalState): string[] {
  const left = new Set([...s.forgotten, ...s.noted]);
  return s.snapshots.filter((id) => !left.has(id));
}

/**
 * The folder's snapshot IDs (`present`) split by this computer's records:
 * `replayed`, those it forgot that are back in the folder (put back by
 * someone who kept a copy: never listed, restored or taken for a version,
 * and removed again by forget), and `live`, the rest, in the order given.
 */
export function splitReplayed(present: Iterable<string>, forgotten: Iterable<string>): { live: string[]; replayed: string[] } {
  const gone = new Set(forgotten);
  const live: string[] = [];
  const replayed: string[] = [];
  for (const id of present) (gone.has(id) ? replayed : live).push(id);
  return { live, replayed };
}

/** Those of them that `present` (the folder's snapshot IDs) lacks. */
export function missingSnapshots(s: BackupLocalState, present: ReadonlySet<string>): string[] {
  return expectedSnapshots(s).filter((id) => !present.has(id));
}

const MAX_RUNS = 100;
const MAX_REMEMBERED = 5000;

export function emptyBackupState(): BackupLocalState {
  return { version: 1, snapshots: [], forgotten: [], noted: [], archives: [], runs: [], damaged: [] };
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
  s.noted = s.noted.slice(-MAX_REMEMBERED);
  s.damaged = s.damaged.slice(-MAX_REMEMBERED);
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

/** The cache as loaded: the files (changes since the load are tracked) and where the log on disk stands. */
export interface FileCache {
  files: TrackedMap<CachedFile>;
  log: LogPosition;
}

const header = (repoId: string) => JSON.stringify({ casevault: 'backup-cache', version: 1, repoId });
const CHUNKS = /^(?:[0-9a-f]{64}(?:,[0-9a-f]{64})*)?$/;

// One line per change: ["c", path, size, mtimeMs, ctimeMs, ino, "chunk,chunk,…"], or ["c", path] (the file dropped).
function cacheLine(path: string, f: CachedFile | undefined): string {
  return JSON.stringify(f ? ['c', path, f.size, f.mtimeMs, f.ctimeMs, f.ino, f.chunks.join(',')] : ['c', path]);
}

function applyLine(files: TrackedMap<CachedFile>, line: string): boolean {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return false;
  }
  if (!Array.isArray(v) || v[0] !== 'c' || typeof v[1] !== 'string') return false;
  if (v.length === 2) files.load(v[1], undefined);
  else if (v.length === 7 && [2, 3, 4, 5].every((i) => typeof v[i] === 'number') && typeof v[6] === 'string' && CHUNKS.test(v[6])) {
    files.load(v[1], { size: v[2], mtimeMs: v[3], ctimeMs: v[4], ino: v[5], chunks: v[6] ? v[6].split(',') : [] });
  } else return false;
  return true;
}

/** The cache kept for `repoId` (empty, to be written whole, if there is none, it is another repository's or it cannot be read). */
export async function loadFileCache(home: string, repoId: string): Promise<FileCache> {
  const files = new TrackedMap<CachedFile>();
  const log = await readLineLog(
    join(home, backupHomeFiles.cache),
    (line) => line === header(repoId),
    (line) => applyLine(files, line),
  ).catch(() => undefined);
  return log ? { files, log } : { files: new TrackedMap(), log: REWRITE }; // unreadable part way: nothing of it is trusted
}

async function writeWhole(home: string, repoId: string, files: Map<string, CachedFile>): Promise<LogPosition> {
  const lines = (function* () {
    for (const [p, f] of files) yield cacheLine(p, f);
  })();
  const log = await rewriteLineLog(join(home, backupHomeFiles.cache), header(repoId), lines, files.size);
  await rm(join(home, homeFiles.legacyBackupCache), { force: true }); // the JSON cache of earlier versions: its names go with it
  return log;
}

/**
 * After a backup: the cache becomes `next` (what this backup kept, each
 * entry reused from the cache where the file was not read again). Nothing
 * is written when nothing changed; new and changed files are appended; a
 * file gone from `next` makes the log written whole, so no line keeps its
 * name.
 */
export async function saveFileCache(home: string, repoId: string, cache: FileCache, next: Map<string, CachedFile>): Promise<void> {
  let dropped = false;
  for (const [p, f] of next) if (cache.files.get(p) !== f) cache.files.set(p, f);
  for (const p of [...cache.files.keys()]) {
    if (next.has(p)) continue;
    cache.files.delete(p);
    dropped = true;
  }
  const changes = cache.files.changed.size;
  if (dropped || needsCompaction(cache.log, changes, cache.files.size)) cache.log = await writeWhole(home, repoId, cache.files);
  else if (changes > 0) {
    const lines = [...cache.files.changed].map((p) => cacheLine(p, cache.files.get(p)));
    cache.log = (await appendLineLog(join(home, backupHomeFiles.cache), cache.log, lines)) ?? (await writeWhole(home, repoId, cache.files));
  }
  cache.files.changed.clear();
}

/**
 * Drop the cached rows of the files `gone` picks (a deleted case's), so
 * their names and chunk IDs do not wait in the home for the next backup:
 * the log is written whole without them. Whatever repository the cache is
 * for; no cache, nothing to do; one that cannot be read is removed (it is
 * only a cache, and could hold anything).
 */
export async function forgetCachedFiles(home: string, gone: (path: string) => boolean): Promise<void> {
  await rm(join(home, homeFiles.legacyBackupCache), { force: true });
  let repoId: string | undefined;
  const files = new TrackedMap<CachedFile>();
  const log = await readLineLog(
    join(home, backupHomeFiles.cache),
    (line) => (repoId = parseHeader(line)) !== undefined,
    (line) => applyLine(files, line),
  ).catch(() => undefined);
  if (!log || repoId === undefined) return rm(join(home, backupHomeFiles.cache), { force: true });
  if (![...files.keys()].some(gone)) return;
  for (const p of [...files.keys()]) if (gone(p)) files.delete(p);
  await writeWhole(home, repoId, files);
}

function parseHeader(line: string): string | undefined {
  try {
    const h = JSON.parse(line) as { casevault?: unknown; version?: unknown; repoId?: unknown };
    return h.casevault === 'backup-cache' && h.version === 1 && typeof h.repoId === 'string' && line === header(h.repoId) ? h.repoId : undefined;
  } catch {
    return undefined;
  }
}
