// Walks the vault folder. Regular files only: symbolic links are never
// followed (a link could point anywhere on the computer), and folders that
// cannot be read are reported so that their files are not taken as deleted.
import { lstatSync, readdirSync, type Dirent, type Stats } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve, sep } from 'node:path';
import { Worker } from 'node:worker_threads';
import { isTempName } from '../fsutil/atomic.js';

export interface ScannedFile {
  /** Vault-relative, '/'-separated. */
  path: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

export interface ScanResult {
  files: Map<string, ScannedFile>;
  /** Folders (vault-relative, '' for the root) that could not be read: nothing under them may be treated as deleted. */
  unreadable: string[];
  skippedLinks: number;
  /** Files whose names are not valid UTF-8 (shown with replacement characters): they cannot be synced until renamed. */
  badNames: string[];
  /** Folders whose names are not valid UTF-8 (shown so): not entered, so nothing in them is synced or backed up until renamed. */
  badFolders: string[];
}

/** Names that are the operating system's or an editor's scratch files, never case files. */
const IGNORED = [/^\.DS_Store$/, /^Thumbs\.db$/i, /^desktop\.ini$/i, /^~\$/, /^\.~lock\..*#$/];

/** What every ignored name starts with: most names are let through on their first character alone. */
const IGNORED_FIRST = new Set(['.', '~', 'T', 't', 'd', 'D']);

export function isIgnoredName(name: string): boolean {
  return IGNORED_FIRST.has(name[0]!) && (isTempName(name) || IGNORED.some((re) => re.test(name)));
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The name as text, or undefined if it is not valid UTF-8 (possible on Linux). */
function strictUtf8(name: Buffer): string | undefined {
  try {
    return decoder.decode(name);
  } catch {
    return undefined;
  }
}

/**
 * A folder's entries with their names as text, and the names that are not
 * valid UTF-8 (shown with replacement characters). Read as text first, which
 * is cheaper; only a folder where a name holds a replacement character (a
 * name not valid UTF-8, or one that really has that character) is read again
 * as bytes to tell which.
 */
async function entriesOf(dir: string, sync: boolean): Promise<{ entries: Dirent[]; bad: { name: string; folder: boolean }[] }> {
  const entries = sync ? readdirSync(dir, { withFileTypes: true }) : await readdir(dir, { withFileTypes: true });
  if (!entries.some((e) => e.name.includes('\uFFFD'))) return { entries, bad: [] };
  const good: Dirent[] = [];
  const bad: { name: string; folder: boolean }[] = [];
  for (const raw of sync ? readdirSync(dir, { withFileTypes: true, encoding: 'buffer' }) : await readdir(dir, { withFileTypes: true, encoding: 'buffer' })) {
    const name = strictUtf8(raw.name);
    if (name === undefined) bad.push({ name: raw.name.toString('utf8'), folder: raw.isDirectory() });
    else good.push(Object.assign(raw, { name }) as unknown as Dirent);
  }
  return { entries: good, bad };
}

/**
 * Walks the vault. `aside`: on a thread of its own (where there is more
 * than one core), so the caller's own work (reading the sync state, listing
 * the cloud: the main thread's) runs meanwhile; worth it for a vault of many
 * files, where the lstat calls take most of a second (a worker that fails
 * to start or stops leaves the walk to this thread).
 */
export async function scanVault(root: string, o: { aside?: boolean } = {}): Promise<ScanResult> {
  if (o.aside && availableParallelism() > 1) {
    const packed = await new Promise<PackedScan>((done, fail) => {
      const w = new Worker(new URL('./scan-worker.js', import.meta.url), { workerData: { root }, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
      w.once('message', done);
      w.once('error', fail);
      w.once('exit', (code) => fail(new Error(`the scan's worker stopped (${code})`)));
    }).catch(() => undefined);
    if (packed) return unpackScan(packed);
  }
  return walkVault(root);
}

/** A scan as it crosses between threads: the paths in one string (a NUL between each: never in a file name), four numbers a file. */
export interface PackedScan extends Omit<ScanResult, 'files'> {
  paths: string;
  numbers: Float64Array;
}

export function unpackScan(p: PackedScan): ScanResult {
  const { paths, numbers, ...rest } = p;
  const files = new Map<string, ScannedFile>();
  if (numbers.length > 0) {
    let i = 0;
    for (const path of paths.split('\0')) files.set(path, { path, size: numbers[i++]!, mtimeMs: numbers[i++]!, ctimeMs: numbers[i++]!, ino: numbers[i++]! });
  }
  return { ...rest, files };
}

/** The walk itself, on this thread. `sync`: folders listed by blocking calls too (a worker's: no thread-pool round trip each). */
export async function walkVault(root: string, sync = false): Promise<ScanResult> {
  const files = new Map<string, ScannedFile>();
  const rest = await walkTree(root, sync, (path, st) => files.set(path, { path, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino }));
  return { files, ...rest };
}

/**
 * The walk as the scan's thread sends it (blocking calls): written straight
 * into the packed form, without an object or a map entry a file (measured on
 * 100,000 files: the walk 60-130 ms shorter, and its thread holds a string
 * and a buffer, not 100,000 objects).
 */
export async function walkPacked(root: string): Promise<PackedScan> {
  const paths: string[] = [];
  let numbers = new Float64Array(4096);
  let n = 0;
  const rest = await walkTree(root, true, (path, st) => {
    if (n === numbers.length) {
      const more = new Float64Array(2 * numbers.length);
      more.set(numbers);
      numbers = more;
    }
    paths.push(path);
    numbers[n++] = st.size;
    numbers[n++] = st.mtimeMs;
    numbers[n++] = st.ctimeMs;
    numbers[n++] = st.ino;
  });
  return { ...rest, paths: paths.join('\0'), numbers: numbers.slice(0, n) };
}

/** Walks the tree under `root`, handing each regular file (vault-relative path, its lstat) to `found`. */
async function walkTree(root: string, sync: boolean, found: (path: string, st: Stats) => void): Promise<Omit<ScanResult, 'files'>> {
  const result: Omit<ScanResult, 'files'> = { unreadable: [], skippedLinks: 0, badNames: [], badFolders: [] };
  // Once each: a folder is counted and named once however many of its entries failed.
  const unreadable = (rel: string) => {
    if (!result.unreadable.includes(rel)) result.unreadable.push(rel);
  };
  const walk = async (dir: string, rel: string): Promise<void> => {
    let listed;
    try {
      listed = await entriesOf(dir, sync);
    } catch {
      unreadable(rel);
      return;
    }
    for (const { name: shown, folder } of listed.bad) (folder ? result.badFolders : result.badNames).push(rel ? `${rel}/${shown}` : shown);
    const subdirs: Promise<void>[] = [];
    // Synchronous lstat: ~3 µs each, where a thread-pool round trip costs ten times that.
    for (const entry of listed.entries) {
      const name = entry.name;
      if (isIgnoredName(name)) continue;
      const path = rel ? `${rel}/${name}` : name;
      const full = `${dir}${sep}${name}`; // `dir` is already normal: no join (it shows in the profile of a 100,000-file pass)
      if (entry.isSymbolicLink()) result.skippedLinks++;
      else if (entry.isDirectory()) subdirs.push(walk(full, path));
      else if (entry.isFile()) {
        let st;
        try {
          st = lstatSync(full);
        } catch {
          // Vanished between readdir and lstat: treat its folder as unreadable.
          unreadable(rel);
          continue;
        }
        if (st.isFile()) found(path, st);
      }
    }
    await Promise.all(subdirs);
  };
  await walk(resolve(root), '');
  return result;
}

/** True if `path` is at or under one of `folders`. */
export function isUnder(path: string, folders: string[]): boolean {
  return folders.some((f) => f === '' || path === f || path.startsWith(`${f}/`));
}

/** A folder as a failure lists it: vault-relative with a trailing '/' ('./' for the vault folder itself), told apart from a file. */
export function folderPath(rel: string): string {
  return rel === '' ? './' : `${rel}/`;
}
