// What this computer last uploaded (CASEVAULT_HOME/sync-state.log): a log of
// changes, one JSON line each, so that a checkpoint appends only what changed
// since the last one (and fsyncs once) instead of rewriting every record. A
// torn last line (a crash mid-append) is ignored and cut off before the next
// append; when the log holds many more lines than records it is compacted,
// rewritten whole by atomic rename. If it is lost or damaged the next sync
// rescans and re-uploads (same object names, so nothing is duplicated): it
// costs time, never data. The state.json of earlier versions is read when
// there is no log yet, and replaced by the log at the next save. Paths are
// kept in Maps, never as object keys (a file named "__proto__" is a file like
// any other).
import { open, readFile, rm, stat } from 'node:fs/promises';
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
export type LastSync = z.infer<typeof lastSyncSchema>;

/** A Map that remembers which keys were set or deleted since the last save: those are what the next checkpoint appends. */
export class TrackedMap<V> extends Map<string, V> {
  readonly changed = new Set<string>();
  override set(key: string, value: V): this {
    this.changed?.add(key); // undefined only while Map's constructor runs
    return super.set(key, value);
  }
  override delete(key: string): boolean {
    if (!super.delete(key)) return false; // nothing there: nothing to write
    this.changed.add(key);
    return true;
  }
  /** Loading from disk: nothing to write back. */
  load(key: string, value: V | undefined): void {
    if (value === undefined) super.delete(key);
    else super.set(key, value);
  }
  override clear(): void {
    for (const k of this.keys()) this.changed.add(k);
    super.clear();
  }
}

export interface SyncState {
  files: TrackedMap<FileRecord>;
  failures: TrackedMap<Failure>;
  lastSync?: LastSync;
  /** How the log on disk stands (engine-internal): lines in it, bytes up to the last whole line, and whether it must be rewritten. */
  log?: { lines: number; validBytes: number; rewrite: boolean; ino: number };
}

export function emptyState(): SyncState {
  return { files: new TrackedMap(), failures: new TrackedMap() };
}

const HEADER = JSON.stringify({ casevault: 'sync-state', version: 2 });
/** Compact when the log holds this many more lines than there are records (and at least this many lines). */
const COMPACT_SLACK = 20_000;

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

/** Reads the log a megabyte at a time (never the whole file as one string); undefined if there is none or its header is not ours. */
async function readLog(path: string): Promise<SyncState | undefined> {
  const s = emptyState();
  let lines = 0;
  let validBytes = 0;
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let ino: number;
  try {
    ino = (await fh.stat()).ino;
    let buf = Buffer.alloc(1 << 20);
    let filled = 0; // bytes in buf, from the file offset validBytes
    for (;;) {
      if (filled === buf.length) buf = Buffer.concat([buf, Buffer.alloc(buf.length)]); // one line longer than the buffer
      const { bytesRead } = await fh.read(buf, filled, buf.length - filled, validBytes + filled);
      if (bytesRead === 0) break; // what is left in buf (no newline) is a torn tail
      filled += bytesRead;
      let start = 0;
      for (let nl = buf.indexOf(10, 0); nl !== -1 && nl < filled; nl = buf.indexOf(10, start)) {
        const line = buf.toString('utf8', start, nl);
        if (lines === 0 ? line !== HEADER : !apply(s, line)) {
          if (lines === 0) return undefined;
          return { ...s, log: { lines, validBytes, rewrite: false, ino } }; // a damaged line: it and all after it are ignored, and cut off at the next save
        }
        lines++;
        validBytes += nl + 1 - start;
        start = nl + 1;
      }
      buf.copy(buf, 0, start, filled);
      filled -= start;
    }
  } finally {
    await fh.close();
  }
  // A torn tail (a crash mid-append): the next append first cuts the file back to its last whole line.
  return lines === 0 ? undefined : { ...s, log: { lines, validBytes, rewrite: false, ino } };
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
  return { ...s, log: { lines: 0, validBytes: 0, rewrite: true, ino: -1 } };
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

export async function loadState(home: string): Promise<SyncState> {
  const [state, last] = await Promise.all([readLog(join(home, homeFiles.state)), readJson(join(home, homeFiles.lastSync))]);
  const s = state ?? (await readLegacy(home)) ?? { ...emptyState(), log: { lines: 0, validBytes: 0, rewrite: true, ino: -1 } };
  const lastSync = lastSyncSchema.safeParse(last);
  if (lastSync.success) s.lastSync = lastSync.data;
  return s;
}

/** Whether a save would write anything (records changed, or the log must be rewritten: missing, from an earlier version, torn). */
export function stateDirty(s: SyncState): boolean {
  return s.files.changed.size > 0 || s.failures.changed.size > 0 || !s.log || s.log.rewrite;
}

/** Every line of the state, a megabyte at a time (a compaction never builds the whole file as one string). */
async function* allLines(s: SyncState): AsyncGenerator<Uint8Array> {
  const enc = new TextEncoder();
  let buf = `${HEADER}\n`;
  const out = function* (line: string) {
    buf += `${line}\n`;
    if (buf.length >= 1 << 20) {
      yield enc.encode(buf);
      buf = '';
    }
  };
  for (const [p, r] of s.files) yield* out(fileLine(p, r));
  for (const [p, f] of s.failures) yield* out(failureLine(p, f));
  yield enc.encode(buf);
}

/** Rewrites the whole log (atomically: a temporary file, fsync, rename) and removes an earlier version's state.json. */
export async function saveState(home: string, s: SyncState): Promise<void> {
  const path = join(home, homeFiles.state);
  await writeFileAtomic(path, allLines(s));
  const { ino, size } = await stat(path); // size: the whole log just written, every line of it whole
  await rm(join(home, homeFiles.legacyState), { force: true });
  s.files.changed.clear();
  s.failures.changed.clear();
  s.log = { lines: 1 + s.files.size + s.failures.size, validBytes: size, rewrite: false, ino };
}

/** Appends what changed since the last save (one write, one fsync); compacts instead when the log has grown far past its records. */
export async function saveChanges(home: string, s: SyncState): Promise<void> {
  const log = s.log;
  const changes = s.files.changed.size + s.failures.changed.size;
  if (!log || log.rewrite || log.lines + changes > 2 * (s.files.size + s.failures.size) + COMPACT_SLACK) return saveState(home, s);
  if (changes === 0) return;
  let text = '';
  for (const p of s.files.changed) text += `${fileLine(p, s.files.get(p))}\n`;
  for (const p of s.failures.changed) text += `${failureLine(p, s.failures.get(p))}\n`;
  const fh = await open(join(home, homeFiles.state), 'r+').catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
    return undefined; // removed since it was read: written whole again
  });
  if (!fh) return saveState(home, s);
  const st = await fh.stat().catch(async (e: unknown) => {
    await fh.close();
    throw e;
  });
  if (st.ino !== log.ino || st.size < log.validBytes) {
    // Replaced since it was read (compacted elsewhere): appending at this offset would tear it, so it is written whole instead.
    await fh.close();
    return saveState(home, s);
  }
  try {
    const end = log.validBytes;
    await fh.truncate(end); // a torn or damaged tail read at load is cut off, so this append starts a line
    const data = Buffer.from(text);
    await fh.write(data, 0, data.length, end);
    await fh.sync();
    log.validBytes = end + data.length;
  } finally {
    await fh.close();
  }
  s.files.changed.clear();
  s.failures.changed.clear();
  log.lines += changes;
}

/** Save when the last pass ran (small; written even when nothing changed). */
export async function saveLastSync(home: string, last: LastSync): Promise<void> {
  await writeFileAtomic(join(home, homeFiles.lastSync), JSON.stringify(last));
}
