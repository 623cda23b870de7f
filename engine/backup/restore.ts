// Restoring a snapshot, or one file or folder of it, into a folder. Each
// file is written to a temporary name beside its target and moved into
// place only when every chunk has decrypted and matched its ID; an existing
// file is never overwritten (the restored one goes beside it as
// "name (restored 2).ext"), and one with the same content is left alone, so
// a restore run again after an interruption ends with no duplicates. A file whose chunks are damaged or missing is
// listed and skipped; every other file is restored.
import { execFile } from 'node:child_process';
import { closeSync, openSync, rmSync, utimesSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ManifestFile } from '../../crypto/backup/index.js';
import { assertSafeVaultPath, DamagedData, toHex } from '../../crypto/index.js';
import { tempName } from '../fsutil/atomic.js';
import { UsageError } from '../errors.js';
import { mkdirInside } from '../fsutil/no-links.js';
import { runPool } from '../fsutil/pool.js';
import { placeBeside, removeLeftoverTemps, safeJoin, sameContent } from '../mirror/restore-objects.js';
import { throttled, type BackupEmit } from './progress-report.js';
import { describeProblem, isMissingOrDamaged, type BoxReader, type Repository } from './repository.js';
import type { RestoreReport } from '../../contract/index.js';

export interface RestoreInput {
  repo: Repository;
  /** The vault's key pairs (current first): engine/backup/repository.ts. */
  readers: readonly BoxReader[];
  snapshot: string;
  /** A file or folder of the snapshot ('/'-separated); all of it if absent. */
  path?: string;
  to: string;
  emit?: BackupEmit;
  platform?: NodeJS.Platform;
}

/** How many restored files the report names one by one (the person is told where a few files went; a whole vault is counted). */
const WRITTEN_LISTED = 100;

/** Writes pieces to a new file (never an existing one). No fsync here: the restore ends with one for the whole file system. */
async function writeNew(tmp: string, pieces: AsyncIterable<Uint8Array>, mtimeMs: number): Promise<void> {
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    for await (const p of pieces) for (let o = 0; o < p.length;) o += writeSync(fd, p, o);
  } finally {
    closeSync(fd);
  }
  utimesSync(tmp, Date.now() / 1000, mtimeMs / 1000);
}

function syncFileSystem(dir: string): Promise<void> {
  if (process.platform !== 'linux') return Promise.resolve();
  return new Promise((resolve) => {
    execFile('sync', ['--file-system', dir], { timeout: 300_000 }, () => resolve());
  });
}

/** The files of a snapshot under `path` (the file itself, or everything in the folder). */
export function selectFiles(files: readonly ManifestFile[], path: string | undefined): ManifestFile[] {
  const p = (path ?? '').replace(/^\/+|\/+$/g, '');
  if (p === '') return [...files];
  try {
    assertSafeVaultPath(p);
  } catch {
    throw new UsageError("that is not a path inside the vault (a file or folder's path relative to the vault, with / between folders)");
  }
  const chosen = files.filter((f) => f.path === p || f.path.startsWith(`${p}/`));
  if (chosen.length === 0) throw new UsageError("that snapshot holds no file or folder at that path; check the path with the snapshot's date");
  return chosen;
}

/** The files under any of `paths` (a file, or everything in a folder), each once: what a person ticked in the app. */
export function selectPaths(files: readonly ManifestFile[], paths: readonly string[]): ManifestFile[] {
  const chosen = new Map<string, ManifestFile>();
  for (const p of paths) for (const f of selectFiles(files, p)) chosen.set(f.path, f);
  return [...chosen.values()];
}

export async function restoreFiles(o: RestoreInput, files: readonly ManifestFile[]): Promise<RestoreReport> {
  const { repo } = o;
  const report: RestoreReport = { snapshot: o.snapshot, restored: 0, bytes: 0, identical: 0, renamed: [], failed: [], to: resolve(o.to), written: [] };
  await mkdir(o.to, { recursive: true });
  await removeLeftoverTemps(o.to);
  const made = new Set<string>();
  const progress = throttled(o.emit, 'restore');
  progress.p.filesTotal = files.length;
  for (const f of files) progress.p.bytesTotal += f.size;
  progress.tick(true);
  await runPool(files, 4, async (f) => {
    try {
      assertSafeVaultPath(f.path, o.platform);
      const full = safeJoin(o.to, f.path);
      const locs = f.chunks.map((id) => {
        const loc = repo.blobs.get(toHex(id));
        if (!loc) throw new DamagedData('a part of this file is missing from the backup folder');
        return loc;
      });
      if (locs.reduce((n, l) => n + l.entry.rawLength, 0) !== f.size) throw new DamagedData('damaged or tampered backup snapshot (file length)');
      const dir = dirname(full);
      if (!made.has(dir)) {
        mkdirInside(o.to, dir); // a link already in the target is never followed
        made.add(dir);
      }
      const tmp = tempName(dir);
      async function* content(): AsyncGenerator<Uint8Array> {
        for (const loc of locs) {
          const raw = await repo.readBlob(loc, o.readers);
          progress.p.bytesDone += raw.length;
          progress.tick();
          yield raw;
        }
      }
      try {
        await writeNew(tmp, content(), f.mtimeMs);
        let written = full;
        if (await sameContent(tmp, full)) {
          report.identical++; // an earlier, interrupted restore put it there, or it never changed
        } else {
          written = placeBeside(tmp, full);
          if (written !== full) report.renamed.push({ path: f.path, writtenAs: written });
        }
        if (report.written.length < WRITTEN_LISTED) report.written.push({ path: f.path, writtenAs: written });
      } finally {
        rmSync(tmp, { force: true });
      }
      report.restored++;
      report.bytes += f.size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException)?.code === 'ENOSPC') throw e;
      report.failed.push({ path: f.path, reason: describeProblem(e), damaged: isMissingOrDamaged(e) });
    }
    progress.p.filesDone++;
    progress.tick();
  });
  repo.wipeSlotKeys();
  report.written.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  await syncFileSystem(o.to);
  progress.tick(true);
  return report;
}
