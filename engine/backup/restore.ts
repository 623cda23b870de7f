// Restoring a snapshot, or one file or folder of it, into a folder. Each
// file is written to a temporary name beside its target and moved into
// place only when every chunk has decrypted and matched its ID. Blobs are
// read here and opened and written by the backup's workers (chunk-pool.ts),
// a large file in ranges on every core at once. An existing
// file is never overwritten (the restored one goes beside it as
// "name (restored 2).ext"), and one with the same content, at its name or
// in a "(restored N)" copy beside it, is left alone, so a restore run again
// after an interruption ends with no duplicates. A file whose chunks are damaged or missing is
// listed and skipped; every other file is restored. The blobs that failed
// authentication, or whose pack is missing or cut short, are recorded
// (repo.damaged), so the next backup stores them again.
import { closeSync, futimesSync, openSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { slotKey, type ManifestFile } from '../../crypto/backup/index.js';
import { assertSafeVaultPath, DamagedData, toHex } from '../../crypto/index.js';
import { syncFileSystem, tempName } from '../fsutil/atomic.js';
import { isDataDefect, UsageError } from '../errors.js';
import { mkdirInside } from '../fsutil/no-links.js';
import { fsyncEachSync } from '../fsutil/open-regular.js';
import { placeUnlessPresent, removeLeftoverTemps, safeJoin } from '../mirror/restore-objects.js';
import { throttled, type BackupEmit } from './progress-report.js';
import { ChunkPool, rebuild, type FileJob, type FileOutcome, type OpenPiece } from './chunk-pool.js';
import { damagedAt, describeProblem, isMissingOrDamaged, packName, type BlobLocation, type BoxReader, type Repository } from './repository.js';
import { FolderStorage } from './storage.js';
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
/**
 * Stored bytes per job a worker opens: small files (up to this) go many to a
 * job, up to FILES_PER_JOB; a larger file is cut into ranges of about this.
 */
const JOB_BYTES = 4 * 1024 * 1024;
const FILES_PER_JOB = 64;
/** Large files being written at once (each holds a temporary file open and one range read ahead). */
const LARGE_AT_ONCE = 2;
/** Jobs handed to each worker and not yet done: enough to keep it busy, and bounds the memory held (JOB_BYTES, or one chunk, each). */
const JOBS_PER_WORKER = 4;

/** A counting semaphore: at most `n` jobs in flight. */
class Slots {
  private readonly queue: (() => void)[] = [];
  constructor(private free: number) {}
  async take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }
  give(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.free++;
  }
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

/** Open each blob of `files` here, and record those that fail authentication, or whose pack is lost, in repo.damaged, so the next backup stores them again. */
async function recordDamage(repo: Repository, files: readonly ManifestFile[], readers: readonly BoxReader[]): Promise<void> {
  const tried = new Set<string>();
  for (const f of files) {
    for (const id of f.chunks) {
      const hex = toHex(id);
      const loc = repo.blobs.get(hex);
      if (tried.has(hex)) continue;
      tried.add(hex);
      if (!loc) {
        repo.recordLost(hex);
        continue;
      }
      try {
        await repo.readBlob(loc, readers);
      } catch (e) {
        if (isDataDefect(e)) repo.damaged.add(damagedAt(loc.pack, hex));
      }
    }
  }
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
  // Started at the first job: a restore that fails before any starts none.
  let pool: ChunkPool | undefined;
  const slots = new Slots(JOBS_PER_WORKER * availableParallelism());
  const largeSlots = new Slots(LARGE_AT_ONCE);
  const inFlight = new Set<Promise<void>>();
  /** A full disk stops the restore (every other failure is one file's). */
  let fatal: unknown;

  /** Every file restored (the report lists the first hundred): made durable at the end. */
  const placed: string[] = [];
  const restored = (f: ManifestFile, written: string) => {
    placed.push(written);
    if (written !== safeJoin(o.to, f.path)) report.renamed.push({ path: f.path, writtenAs: written });
    if (report.written.length < WRITTEN_LISTED) report.written.push({ path: f.path, writtenAs: written });
    report.restored++;
    report.bytes += f.size;
    progress.p.filesDone++;
    progress.tick();
  };
  /** Files that failed on data that does not authenticate: which of their blobs is damaged is found after (a worker reports only the file). */
  const damaged: ManifestFile[] = [];
  const failed = (f: ManifestFile, e: unknown) => {
    if (isDataDefect(e)) damaged.push(f);
    if ((e as NodeJS.ErrnoException)?.code === 'ENOSPC') fatal ??= e;
    else report.failed.push({ path: f.path, reason: describeProblem(e), damaged: isMissingOrDamaged(e) });
    progress.p.filesDone++;
    progress.tick();
  };

  /** `tmp` holds the whole file and something is at `full`: the same bytes there or in a "(restored N)" copy beside it are left alone, other bytes get the restored file beside them. */
  const placeBesideUnlessSame = async (tmp: string, full: string): Promise<string> => {
    try {
      const { written, identical } = await placeUnlessPresent(tmp, full);
      if (identical) report.identical++; // an earlier, interrupted restore put it there, or it never changed
      return written;
    } finally {
      rmSync(tmp, { force: true });
    }
  };

  const wipePieces = (pieces: readonly OpenPiece[]) => {
    for (const p of pieces) for (const k of p.keys) repo.sodium.memzero(k);
  };

  /**
   * Each pack slot's key, derived here from the slot's public key with each
   * of the vault's key pairs that may have sealed it (one scalar
   * multiplication per slot and pair). A worker tries them in turn on each
   * blob and a blob opens only under the right one (it is authenticated), so
   * no blob is decrypted here just to learn its key. With several pairs
   * (after a key rotation), one blob of each key generation is opened here
   * to learn which pair sealed it, and that one goes first.
   */
  const slotKeys = new Map<string, Uint8Array[]>();
  const readerOf = new Map<number, number>();
  const wipeSlotKeys = () => {
    for (const keys of slotKeys.values()) for (const k of keys) repo.sodium.memzero(k);
    slotKeys.clear();
  };
  const keysOf = async (loc: BlobLocation): Promise<Uint8Array[]> => {
    const slot = `${loc.pack}/${loc.entry.slot}`;
    let keys = slotKeys.get(slot);
    if (!keys) {
      const pack = repo.packs.get(loc.pack);
      const epk = pack?.header.slots[loc.entry.slot];
      if (!pack || !epk) throw new DamagedData('damaged or tampered backup pack (key slot)');
      keys = o.readers.map((r) => slotKey(repo.sodium, r.boxSecret, epk, epk, r.publicKey));
      if (keys.length > 1) {
        let first = readerOf.get(pack.generation);
        if (first === undefined) {
          try {
            repo.openStored(loc, await repo.readStored(loc), o.readers);
          } catch (e) {
            for (const k of keys) repo.sodium.memzero(k);
            throw e;
          }
          const opened = repo.knownSlotKey(loc)!;
          first = Math.max(
            0,
            keys.findIndex((k) => repo.sodium.memcmp(k, opened)),
          );
          repo.sodium.memzero(opened);
          readerOf.set(pack.generation, first);
        }
        keys.unshift(...keys.splice(first, 1));
      }
      if (slotKeys.size >= 4096) wipeSlotKeys();
      slotKeys.set(slot, keys);
    }
    return keys.map((k) => k.slice());
  };

  /**
   * A file's blobs, each with its slot's keys. From a backup folder on this
   * computer the workers read the packs themselves; otherwise it is read here.
   */
  const folder = repo.storage instanceof FolderStorage ? repo.storage.root : undefined;
  const piecesOf = async (locs: readonly BlobLocation[], start: number): Promise<OpenPiece[]> => {
    const out: OpenPiece[] = [];
    let at = start;
    try {
      for (const loc of locs) {
        const keys = await keysOf(loc);
        const idKey = repo.idKeyOf(loc); // the repository's own key: the worker gets a copy (only `stored` is transferred)
        out.push({
          keys,
          ...(idKey !== repo.keys.idKey ? { idKey } : {}),
          entry: loc.entry,
          at,
          ...(folder ? { packPath: join(folder, ...packName(loc.pack).split('/')) } : { stored: await repo.readStored(loc) }),
        });
        at += loc.entry.rawLength;
      }
    } catch (e) {
      wipePieces(out);
      throw e;
    }
    return out;
  };

  /** Start `job` once a worker slot is free (it settles every file it holds itself, never rejecting); resolves to the started job. */
  const launch = async (job: (pool: ChunkPool) => Promise<void>): Promise<{ done: Promise<void> }> => {
    await slots.take();
    pool ??= new ChunkPool(repo.keys.idKey);
    const done = job(pool).finally(() => {
      slots.give();
      inFlight.delete(done);
    });
    inFlight.add(done);
    return { done };
  };

  // Small files, many to a job: the worker writes, dates and places each.
  let batch: { f: ManifestFile; job: FileJob }[] = [];
  let batchBytes = 0;
  const sendBatch = async () => {
    const sent = batch;
    batch = [];
    batchBytes = 0;
    await launch(async (pool) => {
      const outcomes = pool.files(sent.map((s) => s.job));
      for (const s of sent) wipePieces(s.job.pieces); // the worker has its copy (posted synchronously above)
      let got: FileOutcome[];
      try {
        got = await outcomes;
      } catch (e) {
        for (const s of sent) failed(s.f, e);
        return;
      }
      for (const [i, { f, job }] of sent.entries()) {
        const r = got[i]!;
        if (typeof r === 'object') {
          failed(f, rebuild(r));
          continue;
        }
        progress.p.bytesDone += f.size;
        try {
          restored(f, r === 'placed' ? job.full : await placeBesideUnlessSame(job.tmp, job.full));
        } catch (e) {
          failed(f, e);
        }
      }
    });
  };

  /**
   * A large file: runs of blobs read here and opened on the workers, each
   * written at its offset into one temporary file, so the file's ranges are
   * restored on every core at once.
   */
  const restoreLarge = async (f: ManifestFile, locs: readonly BlobLocation[], tmp: string, full: string): Promise<string> => {
    const fd = openSync(tmp, 'wx', 0o600); // a new file, never an existing one
    try {
      try {
        await fill(fd, locs);
        futimesSync(fd, Date.now() / 1000, f.mtimeMs / 1000);
      } finally {
        closeSync(fd);
      }
      return await placeBesideUnlessSame(tmp, full); // in place if nothing is there (placeUnlessPresent tries that first)
    } finally {
      rmSync(tmp, { force: true });
    }
  };

  /** Write `locs` into `fd`; returns only once no worker may write to `fd` any more. */
  const fill = async (fd: number, locs: readonly BlobLocation[]): Promise<void> => {
    const jobs: Promise<void>[] = [];
    let error: unknown;
    let run: BlobLocation[] = [];
    let runBytes = 0;
    let at = 0;
    const send = async () => {
      const pieces = await piecesOf(run, at);
      for (const l of run) at += l.entry.rawLength;
      run = [];
      runBytes = 0;
      const started = await launch(async (pool) => {
        const written = pool.open(fd, pieces);
        wipePieces(pieces);
        await written.then(
          (n) => {
            progress.p.bytesDone += n;
            progress.tick();
          },
          (e) => void (error ??= e),
        );
      });
      jobs.push(started.done);
    };
    try {
      for (const loc of locs) {
        if (error) break;
        run.push(loc);
        runBytes += loc.entry.length;
        if (runBytes >= JOB_BYTES) await send();
      }
      if (run.length > 0 && !error) await send();
    } catch (e) {
      error ??= e;
    }
    await Promise.all(jobs); // only then may fd be closed: no worker writes to it any more
    if (error) throw error;
  };

  try {
    for (const f of files) {
      if (fatal) break;
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
        const stored = locs.reduce((n, l) => n + l.entry.length, 0);
        if (stored > JOB_BYTES) {
          await largeSlots.take();
          const p = restoreLarge(f, locs, tmp, full)
            .then(
              (written) => restored(f, written),
              (e) => failed(f, e),
            )
            .finally(() => {
              largeSlots.give();
              inFlight.delete(p);
            });
          inFlight.add(p);
        } else {
          batch.push({ f, job: { tmp, full, mtimeMs: f.mtimeMs, pieces: await piecesOf(locs, 0) } });
          batchBytes += stored;
          if (batchBytes >= JOB_BYTES || batch.length >= FILES_PER_JOB) await sendBatch();
        }
      } catch (e) {
        failed(f, e);
      }
    }
    if (batch.length > 0) await sendBatch();
    while (inFlight.size > 0) await Promise.all([...inFlight]);
    await recordDamage(repo, damaged, o.readers);
  } finally {
    for (const s of batch) wipePieces(s.job.pieces);
    wipeSlotKeys();
    await Promise.allSettled([...inFlight]);
    await pool?.close();
    repo.wipeSlotKeys();
  }
  if (fatal) throw fatal;
  report.written.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  // Written without an fsync each: made durable here, before the restore says they are back.
  if (!(await syncFileSystem(o.to))) fsyncEachSync(placed);
  progress.tick(true);
  return report;
}
