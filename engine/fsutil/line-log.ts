// A file of records kept as a log of changes, one line each after a header
// line, so that saving appends only what changed (one write, one fsync)
// instead of rewriting every record. A torn last line (a crash mid-append)
// and anything after a damaged line are ignored, and cut off before the next
// append; when the log holds far more lines than records it is compacted:
// rewritten whole by atomic rename. Two logs use it: the sync state
// (engine/mirror/state.ts) and the backup cache (engine/backup/local.ts).
// What a line means is theirs; keys are kept in Maps (a file named
// "__proto__" is a file like any other). Spec: docs/format.md, "Sync state".
import { isAscii } from 'node:buffer';
import { open, stat } from 'node:fs/promises';
import { writeFileAtomic } from './atomic.js';

/** A Map that remembers which keys were set or deleted since the last save: those are what the next append writes. */
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

/** How a log on disk stands: lines in it (the header too), bytes up to the last whole valid line, its inode, and whether it must be rewritten. */
export interface LogPosition {
  lines: number;
  validBytes: number;
  rewrite: boolean;
  ino: number;
}

/** A log to write whole at the next save (none on disk, from an earlier version, or not ours). */
export const REWRITE: LogPosition = Object.freeze({ lines: 0, validBytes: 0, rewrite: true, ino: -1 });

/** Compact when the log holds this many more lines than there are records (and at least this many lines). */
const COMPACT_SLACK = 20_000;

/**
 * Reads the log a megabyte at a time (never the whole file as one string),
 * handing each line after the header to `apply`, which returns false for a
 * line that is not valid: it and all after it are ignored. Undefined if
 * there is no log or its header is not `header`.
 */
export async function readLineLog(path: string, header: (line: string) => boolean, apply: (line: string) => boolean): Promise<LogPosition | undefined> {
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
      const end = buf.lastIndexOf(10, filled - 1) + 1; // up to the last whole line read so far
      if (end === 0) continue;
      // One decode per chunk, not one per line (100,000 lines at every start): a newline byte is never
      // inside a multi-byte character, so the chunk splits where its lines do. Plain ASCII (most logs)
      // is copied as Latin-1, the same characters without the UTF-8 decoder's cost.
      const text = buf.toString(isAscii(buf.subarray(0, end)) ? 'latin1' : 'utf8', 0, end);
      let done = 0; // whole valid lines of this chunk
      for (let start = 0, nl = text.indexOf('\n'); nl !== -1; start = nl + 1, nl = text.indexOf('\n', start)) {
        const line = text.slice(start, nl);
        if (lines === 0 ? !header(line) : !apply(line)) {
          if (lines === 0) return undefined;
          // A damaged line: it and all after it are cut off at the next save. Its offset is counted in bytes, newline by newline.
          let at = 0;
          for (let i = 0; i < done; i++) at = buf.indexOf(10, at) + 1;
          return { lines, validBytes: validBytes + at, rewrite: false, ino };
        }
        lines++;
        done++;
      }
      validBytes += end;
      buf.copy(buf, 0, end, filled);
      filled -= end;
    }
  } finally {
    await fh.close();
  }
  // A torn tail (a crash mid-append): the next append first cuts the file back to its last whole line.
  return lines === 0 ? undefined : { lines, validBytes, rewrite: false, ino };
}

/** `header` and then every line of `lines`, a megabyte at a time (a compaction never builds the whole file as one string). */
async function* chunked(header: string, lines: Iterable<string>): AsyncGenerator<Uint8Array> {
  const enc = new TextEncoder();
  let buf = `${header}\n`;
  for (const line of lines) {
    buf += `${line}\n`;
    if (buf.length >= 1 << 20) {
      yield enc.encode(buf);
      buf = '';
    }
  }
  yield enc.encode(buf);
}

/** Writes the whole log (atomically: a temporary file, fsync, rename); `count` is how many lines `lines` yields. */
export async function rewriteLineLog(path: string, header: string, lines: Iterable<string>, count: number): Promise<LogPosition> {
  await writeFileAtomic(path, chunked(header, lines));
  const { ino, size } = await stat(path); // size: the whole log just written, every line of it whole
  return { lines: 1 + count, validBytes: size, rewrite: false, ino };
}

/** Whether appending `changes` lines would leave the log far longer than its `records`: then it is rewritten whole instead. */
export function needsCompaction(at: LogPosition, changes: number, records: number): boolean {
  return at.rewrite || at.lines + changes > 2 * records + COMPACT_SLACK;
}

/**
 * Appends `lines` (one write, one fsync) at the end of the log's last whole
 * line, cutting off a torn or damaged tail first. Returns the new position,
 * or undefined if the log is gone or was replaced since it was read
 * (appending at this offset would tear it): the caller writes it whole.
 */
export async function appendLineLog(path: string, at: LogPosition, lines: readonly string[]): Promise<LogPosition | undefined> {
  const fh = await open(path, 'r+').catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
    return undefined;
  });
  if (!fh) return undefined;
  try {
    const st = await fh.stat();
    if (st.ino !== at.ino || st.size < at.validBytes) return undefined; // compacted elsewhere since
    await fh.truncate(at.validBytes); // a torn or damaged tail read at load is cut off, so this append starts a line
    const data = Buffer.from(lines.map((l) => `${l}\n`).join(''));
    await fh.write(data, 0, data.length, at.validBytes);
    await fh.sync();
    return { lines: at.lines + lines.length, validBytes: at.validBytes + data.length, rewrite: false, ino: at.ino };
  } finally {
    await fh.close();
  }
}
