// What this computer last uploaded (CASEVAULT_HOME/sync-state.log): a log of
// changes, one JSON line each (engine/fsutil/line-log.ts), so that a
// checkpoint appends only what changed since the last one (and fsyncs once)
// instead of rewriting every record. If it is lost or damaged the next sync
// rescans and re-uploads (same object names, so nothing is duplicated): it
// costs time, never data. The state.json of earlier versions is read when
// there is no log yet, and replaced by the log at the next save. Paths are
// kept in Maps, never as object keys (a file named "__proto__" is a file like
// any other).
import { statSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { appendLineLog, needsCompaction, readLineLog, REWRITE, rewriteLineLog, TrackedMap, type LogPosition } from '../fsutil/line-log.js';
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

const lastSyncSchema = z.object({
  at: z.number(),
  uploaded: z.number(),
  deleted: z.number(),
  failed: z.number(),
  /** The vault folder the pass synced (engine/mirror/vault-identity.ts); absent before this was recorded. */
  vault: z.object({ dev: z.number(), ino: z.number(), birth: z.number().optional() }).optional(),
});
export type LastSync = z.infer<typeof lastSyncSchema>;

export interface SyncState {
  files: TrackedMap<FileRecord>;
  failures: TrackedMap<Failure>;
  lastSync?: LastSync;
  /** How the log on disk stands (engine-internal). */
  log?: LogPosition;
}

export function emptyState(): SyncState {
  return { files: new TrackedMap(), failures: new TrackedMap() };
}

const HEADER = JSON.stringify({ casevault: 'sync-state', version: 2 });

const OBJECT_ID = /^[0-9a-f]{64}$/;

// Checked by hand rather than by zod, field by field: tens of thousands of records at every start.
function isRecord(v: unknown): v is FileRecord {
  const r = v as Record<string, unknown>;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.size === 'number' &&
    typeof r.mtimeMs === 'number' &&
    typeof r.ctimeMs === 'number' &&
    typeof r.ino === 'number' &&
    typeof r.syncedAt === 'number' &&
    typeof r.id === 'string' &&
    OBJECT_ID.test(r.id) &&
    (r.tag === undefined || typeof r.tag === 'string') &&
    (r.conflictCopy === undefined || typeof r.conflictCopy === 'string') &&
    (r.others === undefined || typeof r.others === 'number')
  );
}

// One line per change: ["f", path, size, mtimeMs, ctimeMs, ino, id, syncedAt, tag|null, conflictCopy|null(, others)],
// ["f", path] (the record removed), ["x", path, reason, at] (a failure), ["x", path] (failure cleared).
function fileLine(path: string, r: FileRecord | undefined): string {
  if (!r) return JSON.stringify(['f', path]);
  const line = ['f', path, r.size, r.mtimeMs, r.ctimeMs, r.ino, r.id, r.syncedAt, r.tag ?? null, r.conflictCopy ?? null];
  return JSON.stringify(r.others === undefined ? line : [...line, r.others]);
}

function failureLine(path: string, f: Failure | undefined): string {
  return JSON.stringify(f ? ['x', path, f.reason, f.at] : ['x', path]);
}

/** Applies one line to `s`; false if it is not a whole, valid line. */
function apply(s: SyncState, line: string): boolean {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return false;
  }
  if (!Array.isArray(v) || typeof v[1] !== 'string') return false;
  const path = v[1];
  if (v[0] === 'f' && v.length === 2) s.files.load(path, undefined);
  else if (v[0] === 'x' && v.length === 2) s.failures.load(path, undefined);
  else if (v[0] === 'x' && v.length === 4 && typeof v[2] === 'string' && typeof v[3] === 'number') s.failures.load(path, { reason: v[2], at: v[3] });
  else return v[0] === 'f' && (v.length === 10 || v.length === 11) && applyRecord(s, path, v);
  return true;
}

function applyRecord(s: SyncState, path: string, v: unknown[]): boolean {
  const r = { size: v[2], mtimeMs: v[3], ctimeMs: v[4], ino: v[5], id: v[6], syncedAt: v[7] } as FileRecord;
  if (typeof v[8] === 'string') r.tag = v[8];
  if (typeof v[9] === 'string') r.conflictCopy = v[9];
  if (v.length === 11) r.others = v[10] as number; // checked by isRecord
  if ((v[8] !== null && typeof v[8] !== 'string') || (v[9] !== null && typeof v[9] !== 'string') || !isRecord(r)) return false;
  s.files.load(path, r);
  return true;
}

async function readLog(path: string): Promise<SyncState | undefined> {
  const s = emptyState();
  const log = await readLineLog(
    path,
    (line) => line === HEADER,
    (line) => apply(s, line),
  );
  return log && { ...s, log };
}

/** The state.json of earlier versions: { version: 1, files: [[path, record]], failures: [[path, failure]] }. */
async function readLegacy(home: string): Promise<SyncState | undefined> {
  let b: { version?: unknown; files?: unknown; failures?: unknown };
  try {
    b = JSON.parse(await readFile(join(home, homeFiles.legacyState), 'utf8'));
  } catch {
    return undefined;
  }
  if (b?.version !== 1 || !Array.isArray(b.files) || !Array.isArray(b.failures)) return undefined;
  const s = emptyState();
  for (const e of b.files) {
    if (!Array.isArray(e) || typeof e[0] !== 'string' || !isRecord(e[1])) return undefined;
    s.files.set(e[0], e[1]);
  }
  for (const e of b.failures) {
    const f = Array.isArray(e) ? failureSchema.safeParse(e[1]) : undefined;
    if (!f?.success || typeof e[0] !== 'string') return undefined;
    s.failures.set(e[0], f.data);
  }
  return { ...s, log: REWRITE };
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * A log this large (about 40,000 files) makes the vault's scan worth a thread of its own while the log is read (scan.ts
 * `aside`). Measured: at 10,000 files the thread cost a no-change sync 0.03 s; at 30,000 a sync gained nothing and
 * `status` lost 0.03 s; at 100,000 a sync gained 0.2 s and `status` 0.1 s.
 */
const MANY_FILES_LOG_BYTES = 12 * 1024 * 1024;

/** Whether the sync state records many files, judged by its log's size before it is read. */
export function manyFilesRecorded(home: string): boolean {
  return (statSync(join(home, homeFiles.state), { throwIfNoEntry: false })?.size ?? 0) >= MANY_FILES_LOG_BYTES;
}

export async function loadState(home: string): Promise<SyncState> {
  const [state, last] = await Promise.all([readLog(join(home, homeFiles.state)), readJson(join(home, homeFiles.lastSync))]);
  const s = state ?? (await readLegacy(home)) ?? { ...emptyState(), log: REWRITE };
  const lastSync = lastSyncSchema.safeParse(last);
  if (lastSync.success) s.lastSync = lastSync.data;
  return s;
}

/** Whether a save would write anything (records changed, or the log must be rewritten: missing, from an earlier version, torn). */
export function stateDirty(s: SyncState): boolean {
  return s.files.changed.size > 0 || s.failures.changed.size > 0 || !s.log || s.log.rewrite;
}

function* allLines(s: SyncState): Generator<string> {
  for (const [p, r] of s.files) yield fileLine(p, r);
  for (const [p, f] of s.failures) yield failureLine(p, f);
}

/** Rewrites the whole log (atomically: a temporary file, fsync, rename) and removes an earlier version's state.json. */
export async function saveState(home: string, s: SyncState): Promise<void> {
  s.log = await rewriteLineLog(join(home, homeFiles.state), HEADER, allLines(s), s.files.size + s.failures.size);
  await rm(join(home, homeFiles.legacyState), { force: true });
  s.files.changed.clear();
  s.failures.changed.clear();
}

/**
 * Appends what changed since the last save (one write, one fsync). Writes
 * the log whole instead when it has grown far past its records, or when a
 * path left the state (a deleted or moved file, a deleted case): no earlier
 * line keeps its name in the home.
 */
export async function saveChanges(home: string, s: SyncState): Promise<void> {
  const changes = s.files.changed.size + s.failures.changed.size;
  const gone = (p: string) => !s.files.has(p) && !s.failures.has(p);
  if (!s.log || needsCompaction(s.log, changes, s.files.size + s.failures.size) || [...s.files.changed].some(gone) || [...s.failures.changed].some(gone))
    return saveState(home, s);
  if (changes === 0) return;
  const lines = [...[...s.files.changed].map((p) => fileLine(p, s.files.get(p))), ...[...s.failures.changed].map((p) => failureLine(p, s.failures.get(p)))];
  const at = await appendLineLog(join(home, homeFiles.state), s.log, lines);
  if (!at) return saveState(home, s); // gone or replaced since it was read: written whole
  s.log = at;
  s.files.changed.clear();
  s.failures.changed.clear();
}

/** Save when the last pass ran (small; written even when nothing changed). */
export async function saveLastSync(home: string, last: LastSync): Promise<void> {
  await writeFileAtomic(join(home, homeFiles.lastSync), JSON.stringify(last));
}
