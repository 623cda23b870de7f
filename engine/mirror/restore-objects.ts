// Decrypts file objects into a folder. Each file is written to a temporary
// name beside its target and moved into place only after the whole object
// has authenticated, so a damaged object never leaves a partial file, and an
// existing file is never overwritten.
import { lstat, open, readdir, rm, utimes } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { DamagedData, objectId, openObject, parseObjectRemoteName, toHex, type ObjectMeta, type ReadKeys } from '../../crypto/index.js';
import { isTempName, placeNew, syncFileSystem, tempName, writeTemp } from '../fsutil/atomic.js';
import { fsyncEachSync } from '../fsutil/open-regular.js';
import { tagOf, tapFirst } from './devices.js';
import { openEach } from './object-pool.js';
import { FolderRemote } from '../remotes/folder.js';
import type { Remote } from '../remotes/remote.js';
import { isDataDefect, TOO_LONG } from '../errors.js';
import { type ObjectFailure, type Emit, type Task } from '../../contract/index.js';
import { lstatIfExists } from '../fsutil/read.js';
import { LinkInTheWay, mkdirInside } from '../fsutil/no-links.js';

export interface RestoredFile {
  meta: ObjectMeta;
  /** Where it was written (differs from meta.path only if that name was taken). */
  written: string;
  idHex: string;
  /** The tag of the object's write (engine/devices.ts). */
  tag?: string;
}

/** The absolute target of a checked vault path inside `dir`. */
export function safeJoin(dir: string, path: string): string {
  const root = resolve(dir);
  const full = resolve(root, ...path.split('/'));
  if (!full.startsWith(root + sep)) throw new Error('internal error: path escapes its folder');
  return full;
}

/** The longest file name file systems take: 255 bytes (ext4, APFS: of UTF-8; NTFS: 255 UTF-16 units, never more than its UTF-8 bytes). */
const NAME_MAX = 255;

/** `text` cut at the end to at most `max` bytes of UTF-8, whole characters only. */
function fitBytes(text: string, max: number): string {
  const chars = Array.from(text);
  while (Buffer.byteLength(chars.join('')) > max) chars.pop();
  return chars.join('');
}

/**
 * "name (restored N).ext" for N of 2 or more (`full` itself for 1). A name
 * that would pass the file-name limit has its stem shortened to fit, the
 * extension kept (unless it is too long to keep): the mark still tells the
 * copies apart, and placeNew never takes a name that is there.
 */
function besideName(full: string, n: number): string {
  if (n === 1) return full;
  const name = basename(full);
  const dot = name.lastIndexOf('.');
  const mark = ` (restored ${n})`;
  let [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  if (Buffer.byteLength(ext + mark) > NAME_MAX / 2) [stem, ext] = [name, ''];
  return join(dirname(full), fitBytes(stem, NAME_MAX - Buffer.byteLength(mark + ext)) + mark + ext);
}

/** Moves tmp to `full`, or beside it as "name (restored N).ext" if `full` exists. Never overwrites (placeNew). */
function placeBeside(tmp: string, full: string): string {
  for (let n = 1; n < 1000; n++) {
    const candidate = besideName(full, n);
    if (placeNew(tmp, candidate)) return candidate;
  }
  throw new Error('too many files with the same name');
}

/**
 * Moves tmp to `full` if nothing is there; otherwise, unless `full` or one
 * of the "(restored N)" copies already beside it holds the same bytes (then
 * that file is the one restored, `identical`, and nothing is written, so a
 * restore run again after an interruption makes no duplicates), beside it as
 * placeBeside does. Only a file with other bytes at `full` costs a listing of
 * its folder: a recovery of 10,000 files listed each file's folder and tried
 * 999 copy names for every file (3.5 s of CPU). `tmp` is gone once placed;
 * the caller removes it when the result is `identical`.
 */
export async function placeUnlessPresent(tmp: string, full: string): Promise<{ written: string; identical: boolean }> {
  if (placeNew(tmp, full)) return { written: full, identical: false };
  if (await sameContent(tmp, full)) return { written: full, identical: true };
  const taken = new Set(await readdir(dirname(full)).catch(() => [] as string[])); // a folder that cannot be listed holds no copy to reuse
  for (let n = 2; n < 1000; n++) {
    const candidate = besideName(full, n);
    if (taken.has(basename(candidate)) && (await sameContent(tmp, candidate))) return { written: candidate, identical: true };
  }
  return { written: placeBeside(tmp, full), identical: false };
}

/** Whether `existing` is a regular file with exactly the bytes of `candidate` (its size first, then 1 MiB reads). */
export async function sameContent(candidate: string, existing: string): Promise<boolean> {
  const [a, b] = await Promise.all([lstat(candidate), lstatIfExists(existing)]);
  if (!b?.isFile() || a.size !== b.size) return false;
  const [fa, fb] = await Promise.all([open(candidate, 'r'), open(existing, 'r')]);
  try {
    const ba = Buffer.alloc(1 << 20);
    const bb = Buffer.alloc(1 << 20);
    for (let at = 0; at < a.size;) {
      const [ra, rb] = await Promise.all([fa.read(ba, 0, ba.length, at), fb.read(bb, 0, bb.length, at)]);
      if (ra.bytesRead !== rb.bytesRead || ra.bytesRead === 0 || !ba.subarray(0, ra.bytesRead).equals(bb.subarray(0, rb.bytesRead))) return false;
      at += ra.bytesRead;
    }
    return true;
  } finally {
    await Promise.all([fa.close(), fb.close()]);
  }
}

export function describeObjectFailure(e: unknown): string {
  if (isDataDefect(e) || e instanceof LinkInTheWay) return e.message;
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC') return 'the disk is full';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied while writing the file';
  if (code === 'ENAMETOOLONG') return TOO_LONG;
  return 'the object could not be read';
}

/** Files operating systems and sync clients leave in any folder (hidden files, desktop.ini...): not objects, not damage. */
const CLIENT_JUNK = /(^|\/)(\.[^/]*|desktop\.ini|Thumbs\.db|Icon\r)$/i;

/** Every file under objects/ in the cloud, with its object ID if the name is a well-formed one, and its size as listed. */
export async function listObjects(remote: Remote): Promise<{ name: string; idHex: string | undefined; size: number }[]> {
  const out: { name: string; idHex: string | undefined; size: number }[] = [];
  for await (const e of remote.list('objects/')) {
    if (!CLIENT_JUNK.test(e.name)) out.push({ name: e.name, idHex: parseObjectRemoteName(e.name), size: e.size });
  }
  return out;
}

/**
 * Restore one object into `dir`, opened with the vault's keys (`ring`:
 * current first, then the earlier ones the key file keeps). An object under
 * earlier keys is never restored: whose file also has an object under the
 * current keys (in `present`) it is an old copy, skipped (undefined);
 * otherwise it is reported (`EarlierKeysObject`), as a rotation still
 * re-encrypting the cloud and a file planted with a lost computer's write
 * keys look the same, and the cloud's key file must not decide between
 * them (a replayed one would reopen the cloud to the old keys).
 * `resume`: as for placeContent.
 */
export async function restoreObject(
  remote: Remote,
  ring: readonly ReadKeys[],
  name: string,
  idHex: string,
  dir: string,
  resume = false,
  present?: ReadonlySet<string>,
): Promise<RestoredFile | undefined> {
  let tag: string | undefined;
  const { meta, content, generation } = await openObject(
    ring,
    Buffer.from(idHex, 'hex'),
    tapFirst(remote.get(name), (head) => (tag = head.length >= 61 ? tagOf(head) : undefined)),
  );
  if (generation > 0) {
    await content.return(undefined);
    return earlierCopy(ring, meta.path, present ?? new Set());
  }
  const written = await placeContent(meta, content, dir, resume, async (tmp, pieces) => {
    await writeTemp(tmp, pieces, 0o600);
    await utimes(tmp, Date.now() / 1000, meta.mtimeMs / 1000);
  });
  return { meta, written, idHex, ...(tag ? { tag } : {}) };
}

/**
 * Writes an opened object's content (`write`: into a new temporary file,
 * dated) and places it at its path in `dir` as placeUnlessPresent does;
 * returns where it is. With `resume`, a file already at the target with the
 * object's size and mtime is taken as restored (an earlier, interrupted run
 * placed it, and placing is atomic).
 */
export async function placeContent(
  meta: ObjectMeta,
  content: AsyncGenerator<Uint8Array>,
  dir: string,
  resume: boolean,
  write: (tmp: string, content: AsyncGenerator<Uint8Array>) => Promise<void>,
): Promise<string> {
  const full = safeJoin(dir, meta.path);
  if (resume) {
    const st = await lstatIfExists(full);
    if (st?.isFile() && st.size === meta.size && Math.abs(st.mtimeMs - meta.mtimeMs) < 0.01) {
      await content.return(undefined);
      return full;
    }
  }
  mkdirInside(dir, dirname(full)); // each time: a link already in the target is never followed, and a folder removed meanwhile is made again
  const tmp = tempName(dirname(full));
  try {
    await write(tmp, content);
    const { written, identical } = await placeUnlessPresent(tmp, full); // the same bytes already there (a run interrupted after placing it): taken as restored
    if (identical) await rm(tmp, { force: true }); // placed, it is gone already (a removal of nothing still costs two system calls a file)
    return written;
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** An object under the vault's keys from before a key rotation, with no copy under the current keys. */
export class EarlierKeysObject extends DamagedData {
  constructor() {
    super(
      "it is under the keys from before a key rotation, so it was not restored: the rotation has not finished re-encrypting the cloud copy (it finishes on the computer that started it), or the file was planted with a lost computer's keys",
    );
    this.name = 'EarlierKeysObject';
  }
}

export interface RestoreAllResult {
  restored: RestoredFile[];
  failed: ObjectFailure[];
}

/** Remove temporary files an interrupted restore (or export) left under `dir` (partial plaintext), or only in it; how many went. */
export async function removeLeftoverTemps(dir: string, recursive = true): Promise<number> {
  let removed = 0;
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    // a folder gone or unreadable holds nothing this can remove
    const full = join(dir, e.name);
    if (e.isDirectory()) removed += recursive ? await removeLeftoverTemps(full) : 0;
    else if (e.isFile() && isTempName(e.name)) {
      await rm(full, { force: true });
      removed++;
    }
  }
  return removed;
}

/** An object under earlier keys: skipped (undefined) if its file has an object under the current keys in `present`, else EarlierKeysObject (see restoreObject). */
async function earlierCopy(ring: readonly ReadKeys[], path: string, present: ReadonlySet<string>): Promise<undefined> {
  if (present.has(toHex(await objectId(ring[0]!.nameKey, path)))) return undefined;
  throw new EarlierKeysObject();
}

/**
 * Restore every object of `remote` into `dir` (`ring`: as for
 * restoreObject). A folder cloud's small objects are restored on worker
 * threads (object-pool.ts), the rest eight at a time (two at a time beside
 * the workers); every file is on disk (fsynced) when this returns.
 */
export async function restoreAll(remote: Remote, ring: readonly ReadKeys[], dir: string, emit: Emit, task: Task, resume = false): Promise<RestoreAllResult> {
  if (resume) await removeLeftoverTemps(dir);
  if (remote instanceof FolderRemote) remote.newPass();
  const names = await listObjects(remote);
  const present = new Set(names.flatMap((n) => (n.idHex ? [n.idHex] : [])));
  const result: RestoreAllResult = { restored: [], failed: [] };
  const progress = { task, filesDone: 0, filesTotal: names.length, bytesDone: 0, bytesTotal: 0 };
  const restored = (r: RestoredFile | undefined) => {
    if (r) {
      result.restored.push(r);
      progress.bytesDone += r.meta.size;
      emit('file', { task, path: r.meta.path, state: 'restored' });
    }
  };
  const failed = (name: string, reason: string, kind: { earlierKeys: true } | { damaged: true } | object) => {
    result.failed.push({ object: name, reason, ...kind });
    emit('file', { task, path: name, state: 'damaged', reason });
  };
  const done = () => {
    progress.filesDone++;
    emit('progress', { ...progress });
  };
  const onMain = async ({ name, idHex }: { name: string; idHex: string | undefined }) => {
    try {
      if (!idHex) throw new DamagedData('an unexpected file in the cloud folder is not a Casevault object');
      restored(await restoreObject(remote, ring, name, idHex, dir, resume, present));
    } catch (e) {
      failed(name, describeObjectFailure(e), e instanceof EarlierKeysObject ? { earlierKeys: true } : isDataDefect(e) ? { damaged: true } : {});
    }
    done();
  };
  const fsyncOnWorkers = process.platform !== 'linux';
  const onWorkers = await openEach(remote, names, ring, { dir, resume, fsyncEach: fsyncOnWorkers }, onMain, async (r) => {
    if (r.kind === 'restored') restored(r.file);
    else if (r.kind === 'failed') failed(r.job.name, r.reason, r.damaged ? { damaged: true } : {});
    else if (r.kind === 'earlier') {
      try {
        restored(await earlierCopy(ring, r.path, present));
      } catch (e) {
        failed(r.job.name, describeObjectFailure(e), { earlierKeys: true });
      }
    }
    done();
  });
  // Written by the workers without an fsync each: made durable here, before anything records them as restored.
  if (onWorkers && !fsyncOnWorkers && !(await syncFileSystem(dir))) fsyncEachSync(result.restored.map((r) => r.written));
  return result;
}
