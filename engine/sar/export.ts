// Subject access export: copies of the chosen vault files, with a manifest,
// into a new or empty folder or a new zip file. Only files of the vault (as
// the scan sees them: no links) can be chosen; nothing is overwritten; the
// vault is only read.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readdir, rm, utimes, type FileHandle } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Zip, ZipDeflate } from 'fflate';
import { assertSafeVaultPath } from '../../crypto/index.js';
import { fsyncDir, placeNew, tempName, writeTemp } from '../fsutil/atomic.js';
import { Refused, UsageError } from '../errors.js';
import { removeLeftoverTemps, safeJoin } from '../mirror/restore-objects.js';
import { scanVault, type ScannedFile } from '../mirror/scan.js';
import { canonical, inside } from '../mirror/layout.js';
import { MANIFEST_CSV, MANIFEST_HTML, manifestCsv, manifestHtml, type ManifestEntry } from './manifest.js';
import { searchTerms } from './search.js';
import { fileCount, type SarExportOptions, type SarExportReport, type Emit, type SarProblem } from '../../contract/index.js';
import { exists } from '../fsutil/read.js';
import { readPieces } from '../fsutil/open-regular.js';

/** Folder inside the export that holds the files, at the paths they have in the vault. */
export const FILES_DIR = 'files';

export function resolveDestination(to: string): string {
  return resolve(to === '~' ? homedir() : to.startsWith('~/') ? join(homedir(), to.slice(2)) : to);
}

/** The chosen paths, each a file the scan found in the vault. */
function chosenFiles(paths: string[], files: Map<string, ScannedFile>): ScannedFile[] {
  if (paths.length === 0) throw new UsageError('choose at least one file to export');
  return [...new Set(paths)].map((p) => {
    try {
      assertSafeVaultPath(p);
    } catch {
      throw new UsageError('only files inside the vault can be exported; check the chosen paths');
    }
    const f = files.get(p);
    if (!f) throw new UsageError('a chosen file is not in the vault (it may have been moved or renamed); search again');
    return f;
  });
}

/** Moves `tmp` to `dest`, refusing if `dest` exists. */
function placeNewOrRefuse(tmp: string, dest: string): void {
  if (!placeNew(tmp, dest)) throw new UsageError('the destination already exists; choose a new name (nothing was overwritten)');
}

interface Source {
  chunks: AsyncIterable<Uint8Array>;
  sha256(): string;
  /** Bytes read so far: the size recorded is what was copied, even if the file changed since the scan. */
  bytes(): number;
  close(): Promise<void>;
}

/** A vault file opened without following a link; its bytes are hashed as they are read. */
async function openSource(full: string): Promise<Source> {
  const fh = await open(full, constants.O_RDONLY | constants.O_NOFOLLOW);
  const hash = createHash('sha256');
  let n = 0;
  return {
    chunks: (async function* () {
      for await (const chunk of readPieces(fh, (await fh.stat()).size)) {
        hash.update(chunk as Buffer);
        n += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    })(),
    sha256: () => hash.digest('hex'),
    bytes: () => n,
    close: () => fh.close(),
  };
}

/** Why a chosen file could not be opened (never the system's message, which names it). */
function openFailure(e: unknown): string | undefined {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'it was moved or deleted before it could be copied';
    case 'ELOOP':
      return 'it is a link, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return undefined;
  }
}

interface Sink {
  /** Casevault's own temporary files an earlier export that was stopped left where this one goes, removed. */
  leftoversRemoved: number;
  file(name: string, mtimeMs: number, source: Source): Promise<void>;
  text(name: string, content: string): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}

async function folderSink(dest: string): Promise<Sink> {
  const entries = await readdir(dest).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    if (e.code === 'ENOTDIR') throw new UsageError('the destination is a file; choose a new or empty folder');
    throw e;
  });
  // An export killed part-way left its temporary files (members' plaintext) in the folder, or beside it: they go now.
  const leftoversRemoved = (await removeLeftoverTemps(dirname(dest), false)) + (entries ? await removeLeftoverTemps(dest) : 0);
  if (entries && (await readdir(dest)).length > 0)
    throw new UsageError(
      `the destination folder is not empty${leftoversRemoved > 0 ? ` (${fileCount(leftoversRemoved)} left by an earlier export that was stopped ${leftoversRemoved === 1 ? 'was' : 'were'} removed from it)` : ''}; choose a new or empty folder`,
    );
  await mkdir(dest, { recursive: true, mode: 0o700 });
  const put = async (name: string, data: AsyncIterable<Uint8Array> | Uint8Array, mtimeMs?: number) => {
    const target = join(dest, ...name.split('/'));
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    const tmp = tempName(dirname(target));
    await writeTemp(tmp, data);
    try {
      if (mtimeMs !== undefined) await utimes(tmp, Date.now() / 1000, mtimeMs / 1000);
      placeNewOrRefuse(tmp, target);
    } finally {
      await rm(tmp, { force: true });
    }
  };
  return {
    leftoversRemoved,
    file: (name, mtimeMs, source) => put(name, source.chunks, mtimeMs),
    text: (name, content) => put(name, new TextEncoder().encode(content)),
    finish: () => fsyncDir(dest),
    // Files already copied stay: the folder was new or empty, and holds only copies.
    abort: async () => {},
  };
}

/** fflate's zip dates run from 1980 to 2099. */
function zipDate(ms: number): Date {
  return new Date(Math.min(Math.max(ms, Date.UTC(1980, 0, 2)), Date.UTC(2099, 11, 31)));
}

async function zipSink(dest: string): Promise<Sink> {
  if (await exists(dest)) throw new UsageError('the zip file already exists; choose a new file name (nothing was overwritten)');
  await mkdir(dirname(dest), { recursive: true, mode: 0o700 });
  // A zip export killed part-way left its temporary file (members' plaintext) in this folder: it goes now.
  const leftoversRemoved = await removeLeftoverTemps(dirname(dest), false);
  const tmp = tempName(dirname(dest));
  const fh: FileHandle = await open(tmp, 'wx', 0o600);
  const pending: Uint8Array[] = [];
  let failure: Error | undefined;
  const zip = new Zip((err, chunk) => {
    if (err) failure = err;
    else pending.push(chunk);
  });
  // Whatever the zip produced so far goes to disk before more is read: memory stays at one chunk.
  const drain = async () => {
    if (failure) throw failure;
    while (pending.length > 0) await fh.write(pending.shift()!);
  };
  const add = (name: string, mtimeMs: number): ZipDeflate => {
    const entry = new ZipDeflate(name, { level: 6 });
    entry.mtime = zipDate(mtimeMs);
    zip.add(entry);
    return entry;
  };
  return {
    leftoversRemoved,
    async file(name, mtimeMs, source) {
      const entry = add(name, mtimeMs);
      const chunks = source.chunks[Symbol.asyncIterator]();
      for (;;) {
        let next: IteratorResult<Uint8Array>;
        try {
          next = await chunks.next();
        } catch {
          // Half a file is in the zip: the zip is dropped as a whole.
          throw new Refused('a file could not be read to the end while it was being copied into the zip; nothing was exported, so try again');
        }
        if (next.done) break;
        entry.push(next.value);
        await drain();
      }
      entry.push(new Uint8Array(0), true);
      await drain();
    },
    async text(name, content) {
      add(name, Date.now()).push(new TextEncoder().encode(content), true);
      await drain();
    },
    async finish() {
      zip.end();
      await drain();
      await fh.sync();
      await fh.close();
      try {
        placeNewOrRefuse(tmp, dest);
      } finally {
        await rm(tmp, { force: true });
      }
      await fsyncDir(dirname(dest));
    },
    async abort() {
      await fh.close().catch(() => {});
      await rm(tmp, { force: true });
    },
  };
}

export interface ExportPlaces {
  vaultDir: string;
  /** The encrypted mirror's folder, when the cloud is a folder: no plaintext may go there. */
  cloudDir?: string;
}

export async function exportFiles(places: ExportPlaces, o: SarExportOptions, emit?: Emit): Promise<SarExportReport> {
  const terms = searchTerms(o.terms).map((t) => t.typed);
  const dest = resolveDestination(o.to);
  const where = await canonical(dest);
  for (const dir of [places.vaultDir, places.cloudDir]) {
    if (dir && inside(where, await canonical(dir)))
      throw new UsageError('the export must go outside the vault and cloud folders (anything there would be synced); choose another place');
  }
  const files = chosenFiles(o.paths, (await scanVault(places.vaultDir)).files);
  const sink = o.zip ? await zipSink(dest) : await folderSink(dest);
  const entries: ManifestEntry[] = [];
  const failed: SarProblem[] = [];
  const bytesTotal = files.reduce((n, f) => n + f.size, 0);
  let bytesDone = 0;
  try {
    for (const [i, f] of files.entries()) {
      emit?.('progress', { task: 'export', filesDone: i, filesTotal: files.length, bytesDone, bytesTotal });
      const exportedAs = `${FILES_DIR}/${f.path}`;
      let source: Source;
      try {
        source = await openSource(safeJoin(places.vaultDir, f.path));
      } catch (e) {
        const reason = openFailure(e);
        if (!reason) throw e;
        failed.push({ path: f.path, reason });
        bytesDone += f.size;
        continue;
      }
      try {
        await sink.file(exportedAs, f.mtimeMs, source);
      } finally {
        await source.close();
      }
      entries.push({ exportedAs, path: f.path, size: source.bytes(), mtime: new Date(f.mtimeMs).toISOString(), sha256: source.sha256() });
      bytesDone += f.size;
    }
    const manifest = { ...(o.reference ? { reference: o.reference } : {}), terms, exportedAt: new Date().toISOString(), entries };
    await sink.text(MANIFEST_CSV, manifestCsv(manifest));
    await sink.text(MANIFEST_HTML, manifestHtml(manifest));
    await sink.finish();
  } catch (e) {
    await sink.abort();
    throw e;
  }
  emit?.('progress', { task: 'export', filesDone: files.length, filesTotal: files.length, bytesDone, bytesTotal });
  return {
    files: entries.length,
    bytes: entries.reduce((n, e) => n + e.size, 0),
    to: dest,
    zip: o.zip,
    manifest: [MANIFEST_CSV, MANIFEST_HTML],
    failed,
    leftoversRemoved: sink.leftoversRemoved,
  };
}
