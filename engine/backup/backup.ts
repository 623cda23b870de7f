// Taking a snapshot: walk the vault, chunk each new or changed file, store
// the chunks the repository lacks in new packs, then write an index file and
// finally the manifest. Runs with write keys only.
//
// Order of writes, so a kill -9 at any instant leaves a valid repository
// and the next run reuses the work: packs (each atomic), flush, index file,
// flush, manifest, flush. A pack without an index file is picked up from
// its header by the next run; a manifest exists only once everything it
// needs is durable.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { BLOB_DATA, blobId, Chunker, type ManifestFile } from '../../crypto/backup-formats.js';
import { FileChanged, fromHex, toHex } from '../../crypto/index.js';
import { Refused } from '../errors.js';
import { readSmall, readStable } from '../file-read.js';
import { scanVault } from '../scan.js';
import type { CachedFile } from './local.js';
import { throttled, type BackupEmit } from './progress.js';
import type { PackRecord, Repository } from './repository.js';

export interface BackupReport {
  /** The new snapshot's ID (32 hex digits). */
  snapshot: string;
  time: string;
  files: number;
  bytes: number;
  /** Files read (new or changed since the last backup from this computer). */
  filesRead: number;
  bytesRead: number;
  /** New chunks stored, and the bytes of the packs written (what the backup drive gained). */
  blobsAdded: number;
  bytesAdded: number;
  packsWritten: number;
  /** Files left out of this snapshot (unreadable, or changing the whole time). */
  failed: { path: string; reason: string }[];
  skippedLinks: number;
  unreadableFolders: number;
  durationMs: number;
}

export interface BackupInput {
  repo: Repository;
  vaultDir: string;
  cache: Map<string, CachedFile>;
  emit?: BackupEmit;
  signal?: AbortSignal;
  /** Only the files this accepts (an archive of some cases); all by default. */
  include?: (path: string) => boolean;
  /** The snapshot's ID, chosen beforehand (an archive is marked before its manifest exists). */
  snapshotId?: Uint8Array;
}

/** Index files are written every this many packs, so a long first backup that is killed loses little. */
const INDEX_EVERY = 32;
const RETRIES = 2;

function failureReason(e: unknown): string {
  if (e instanceof FileChanged) return 'it kept changing while it was being read; it will be backed up next time';
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'it was deleted during the backup';
  if (code === 'ELOOP') return 'it became a symbolic link';
  return 'it could not be read';
}

export async function runBackup(o: BackupInput): Promise<{ report: BackupReport; cache: Map<string, CachedFile> }> {
  const started = Date.now();
  const { repo } = o;
  const { unindexed } = await repo.loadIndex();
  if (unindexed.length > 0) {
    await repo.writeIndex(unindexed);
    await repo.flush();
  }
  const scan = await scanVault(o.vaultDir);
  if (scan.unreadable.includes('')) throw new Refused('the vault folder cannot be read; check that it exists and that Casevault may read it');
  const paths = [...scan.files.keys()].filter((p) => !o.include || o.include(p)).sort();
  const chunker = await Chunker.create(repo.keys.gearKey, repo.keys.cutKey, repo.params.chunker);
  const { sodium } = repo;
  const idKey = repo.keys.idKey;
  const { min, max } = repo.params.chunker;
  const buf = new Uint8Array(max);

  const report: BackupReport = {
    snapshot: '', time: new Date(started).toISOString(), files: 0, bytes: 0, filesRead: 0, bytesRead: 0,
    blobsAdded: 0, bytesAdded: 0, packsWritten: 0, failed: [], skippedLinks: scan.skippedLinks, unreadableFolders: scan.unreadable.length, durationMs: 0,
  };
  const progress = throttled(o.emit, 'backup');
  progress.p.filesTotal = paths.length;
  for (const p of paths) progress.p.bytesTotal += scan.files.get(p)!.size;
  progress.tick(true);

  let builder = repo.newPack();
  let unindexedPacks: PackRecord[] = [];
  const pending = new Set<string>();

  const flushPack = async () => {
    const rec = await repo.putPack(builder);
    builder = repo.newPack();
    report.packsWritten++;
    report.bytesAdded += rec.length;
    unindexedPacks.push(rec);
    if (unindexedPacks.length >= INDEX_EVERY) {
      await repo.flush();
      await repo.writeIndex(unindexedPacks);
      unindexedPacks = [];
    }
  };

  const storeChunk = async (raw: Uint8Array): Promise<string> => {
    const id = blobId(sodium, idKey, [raw]);
    const hex = toHex(id);
    if (!repo.blobs.has(hex) && !pending.has(hex)) {
      builder.add(BLOB_DATA, id, raw);
      pending.add(hex);
      report.blobsAdded++;
      if (builder.size >= repo.params.packSize) await flushPack();
    }
    progress.p.bytesDone += raw.length;
    progress.tick();
    return hex;
  };

  const readFileChunks = async (full: string): Promise<{ chunks: string[]; st: { size: number; mtimeMs: number; ctimeMs: number; ino: number } }> => {
    const small = readSmall(full);
    if (small) {
      const b = small.bytes;
      report.bytesRead += b.length;
      const chunks: string[] = [];
      if (b.length <= min) {
        if (b.length > 0) chunks.push(await storeChunk(b));
        return { chunks, st: small.st };
      }
      chunker.reset();
      let from = 0;
      while (from < b.length) {
        const cut = chunker.next(b, from);
        const end = cut < 0 ? b.length : cut;
        chunks.push(await storeChunk(b.subarray(from, end)));
        from = end;
      }
      return { chunks, st: small.st };
    }
    const fh = await open(full, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new Refused('not a regular file');
      chunker.reset();
      const chunks: string[] = [];
      let fill = 0;
      for await (const piece of readStable(fh, st.size, st.mtimeMs)) {
        report.bytesRead += piece.length;
        let from = 0;
        while (from < piece.length) {
          const cut = chunker.next(piece, from);
          const end = cut < 0 ? piece.length : cut;
          buf.set(piece.subarray(from, end), fill);
          fill += end - from;
          if (cut < 0) break;
          chunks.push(await storeChunk(buf.subarray(0, fill)));
          fill = 0;
          from = cut;
        }
      }
      if (fill > 0) chunks.push(await storeChunk(buf.subarray(0, fill)));
      return { chunks, st };
    } finally {
      await fh.close();
    }
  };

  const files: ManifestFile[] = [];
  const cache = new Map<string, CachedFile>();
  for (const path of paths) {
    o.signal?.throwIfAborted();
    const seen = scan.files.get(path)!;
    const c = o.cache.get(path);
    let entry: CachedFile | undefined;
    if (c && c.size === seen.size && c.mtimeMs === seen.mtimeMs && c.ctimeMs === seen.ctimeMs && c.ino === seen.ino
      && c.chunks.every((h) => repo.blobs.has(h) || pending.has(h))) {
      entry = c;
      progress.p.bytesDone += c.size;
    } else {
      const bytesBefore = progress.p.bytesDone;
      for (let attempt = 0; ; attempt++) {
        try {
          const { chunks, st } = await readFileChunks(join(o.vaultDir, ...path.split('/')));
          entry = { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, chunks };
          report.filesRead++;
          break;
        } catch (e) {
          progress.p.bytesDone = bytesBefore;
          if (e instanceof FileChanged && attempt < RETRIES) continue;
          if ((e as NodeJS.ErrnoException)?.code === 'ENOSPC' || (e as Error)?.name === 'AbortError') throw e;
          report.failed.push({ path, reason: failureReason(e) });
          break;
        }
      }
      progress.p.bytesDone = bytesBefore + seen.size;
    }
    if (entry) {
      cache.set(path, entry);
      files.push({ path, size: entry.size, mtimeMs: entry.mtimeMs, chunks: entry.chunks.map(fromHex) });
      report.files++;
      report.bytes += entry.size;
    }
    progress.p.filesDone++;
    progress.tick();
  }
  if (builder.count > 0) await flushPack();
  await repo.flush();
  if (unindexedPacks.length > 0) {
    await repo.writeIndex(unindexedPacks);
    await repo.flush();
  }
  report.snapshot = await repo.writeManifest(started, files, o.snapshotId);
  await repo.flush();
  report.durationMs = Date.now() - started;
  progress.tick(true);
  return { report, cache };
}
