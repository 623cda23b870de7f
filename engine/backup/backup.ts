// Taking a snapshot: walk the vault, chunk each new or changed file, store
// the chunks the repository lacks in new packs, then write an index file and
// finally the manifest. Runs with write keys only.
//
// Order of writes, so a kill -9 at any instant leaves a valid repository
// and the next run reuses the work: packs (each atomic), flush, index file,
// flush, manifest, flush. A pack without an index file is picked up from
// its header by the next run; a manifest exists only once everything it
// needs is durable.
//
// A chunk the repository holds only in a copy known to be damaged
// (Repository.damaged) counts as absent: it is stored again in a new pack,
// and from then on read from there.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { BLOB_DATA, Chunker, type ManifestFile } from '../../crypto/backup/index.js';
import { FileChanged, fromHex, toHex } from '../../crypto/index.js';
import { Refused } from '../errors.js';
import { READ_SIZE, readSmall } from '../mirror/file-read.js';
import { folderPath, scanVault } from '../mirror/scan.js';
import { ChunkPool, rebuild, type SealedChunk } from './chunk-pool.js';
import type { CachedFile } from './local.js';
import { throttled, type BackupEmit } from './progress-report.js';
import type { PackRecord, Repository } from './repository.js';
import type { BackupReport } from '../../contract/index.js';
import { badFolderFailures } from '../mirror/bad-names.js';
import { replacedSentence } from '../mirror/vault-identity.js';

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
  /** Asked when the vault folder holds no file: whether it is another folder than the one synced before (engine/mirror/vault-identity.ts). */
  replacedByEmpty?: () => Promise<boolean>;
}

/** Index files are written every this many packs, so a long first backup that is killed loses little. */
const INDEX_EVERY = 32;
const RETRIES = 2;
/** Chunks (and their bytes) handed to the sealing workers and not yet in a pack. */
const IN_FLIGHT = 256;
const IN_FLIGHT_BYTES = 48 * 1024 * 1024;
/** Small files go to a worker to be read and sealed this many (or this many bytes) to a message: one message per file cost more than sealing it. */
const GATHER = 32;
const GATHER_BYTES = 1024 * 1024;

interface Job {
  /** Nothing for a file read on a worker that turned out empty, changed or unreadable (its outcome is recorded by then). */
  sealed: Promise<SealedChunk | undefined>;
  /** The slot key's public key it is sealed under. */
  epk: Uint8Array;
  bytes: number;
  /** Where its chunk ID goes: a file's chunk list, at `at`. */
  into: string[];
  at: number;
}

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
  // An empty snapshot of a drive not connected would be "the last backup" and, in time, push the real ones out of the retention policy.
  if (scan.files.size === 0 && (await o.replacedByEmpty?.())) throw new Refused(replacedSentence(o.vaultDir, 'backed up'));
  const paths = [...scan.files.keys()].filter((p) => !o.include || o.include(p)).sort();
  const badFolders = scan.badFolders.filter((p) => !o.include || o.include(p));
  const chunker = await Chunker.create(repo.keys.gearKey, repo.keys.cutKey, repo.params.chunker);
  const { sodium } = repo;
  const { min, avg, max } = repo.params.chunker;

  const report: BackupReport = {
    snapshot: '',
    time: new Date(started).toISOString(),
    files: 0,
    bytes: 0,
    filesRead: 0,
    bytesRead: 0,
    blobsAdded: 0,
    bytesAdded: 0,
    packsWritten: 0,
    // What the scan could not take is left out of the snapshot as surely as a file that could not be read, and said the same way.
    // An archive of some cases checks its own files are all in it; a folder it may not concern is not its failure.
    failed: [
      ...(o.include
        ? []
        : scan.unreadable.map((rel) => ({ path: folderPath(rel), reason: 'Casevault cannot read this folder, so its files are not in this snapshot' }))),
      ...scan.badNames
        .filter((p) => !o.include || o.include(p))
        .map((path) => ({ path, reason: 'its name is not valid text (UTF-8), so it cannot be backed up; rename it' })),
      ...badFolderFailures(badFolders, 'backed up'),
    ],
    skippedLinks: scan.skippedLinks,
    unreadableFolders: scan.unreadable.length + badFolders.length,
    durationMs: 0,
  };
  const progress = throttled(o.emit, 'backup');
  progress.p.filesTotal = paths.length;
  for (const p of paths) progress.p.bytesTotal += scan.files.get(p)!.size;
  progress.tick(true);

  // Started at the first chunk: a backup with nothing new to read starts no worker.
  let sealer: ChunkPool | undefined;
  let builder = repo.newPack();
  let slot = builder.sealingKey();
  let unindexedPacks: PackRecord[] = [];
  const pending = new Set<string>();

  /** IDs added to packs since the workers were last told (chunk-pool.ts: they skip sealing those). */
  let fresh: Uint8Array[] = [];
  /**
   * The pack being written while the next one fills (at most one: its
   * bytes are held until it is on disk). Its blobs are in `pending` until
   * then; it is waited for before any flush, index or manifest.
   */
  let writing: Promise<void> = Promise.resolve();
  const packWritten = async () => {
    const w = writing;
    writing = Promise.resolve();
    await w;
  };
  const flushPack = async () => {
    sealer?.known(fresh);
    fresh = [];
    await packWritten();
    // With no pack write running: a flush then covers every pack the index names.
    if (unindexedPacks.length >= INDEX_EVERY) {
      await repo.flush();
      await repo.writeIndex(unindexedPacks);
      unindexedPacks = [];
    }
    const full = builder;
    builder = repo.newPack();
    sodium.memzero(slot.key);
    slot = builder.sealingKey();
    writing = repo.putPack(full).then((rec) => {
      report.packsWritten++;
      report.bytesAdded += rec.length;
      unindexedPacks.push(rec);
    });
    writing.catch(() => {}); // awaited by packWritten; this only keeps a failure meanwhile from counting as unhandled
  };

  // Sealed chunks are taken in the order they were cut, so packs fill just
  // as if each were sealed here. One sealed under the previous pack's key
  // (in flight when that pack was written) joins the next pack in a second
  // slot, as prune's copies do.
  const queue: Job[] = [];
  let queuedBytes = 0;
  let fatal: unknown;
  const settle = async (jobs: number, bytes: number) => {
    try {
      while (queue.length > jobs || queuedBytes > bytes) {
        const job = queue.shift()!;
        queuedBytes -= job.bytes;
        const s = await job.sealed;
        if (!s) continue;
        const hex = toHex(s.id);
        job.into[job.at] = hex;
        if (!repo.hasSound(hex) && !pending.has(hex)) {
          if (!s.stored) throw new Error('internal error: a worker skipped a chunk the backup does not hold');
          builder.addStored({ type: BLOB_DATA, flags: s.flags, id: s.id, rawLength: s.rawLength }, s.stored, job.epk);
          pending.add(hex);
          fresh.push(s.id);
          report.blobsAdded++;
          if (builder.size >= repo.params.packSize) await flushPack();
        }
      }
    } catch (e) {
      fatal ??= e;
      throw e;
    }
  };

  const pool = () =>
    (sealer ??= new ChunkPool(
      repo.keys.idKey,
      undefined,
      [...repo.blobs].filter(([hex]) => repo.hasSound(hex)).map(([, l]) => l.entry.id),
    ));

  /**
   * Hand a chunk to be sealed on a worker; its ID lands in into[at].
   * `give`: its whole buffer moves to the worker (the caller's alone to give).
   */
  const storeChunk = async (chunk: Uint8Array, into: string[], give = false): Promise<void> => {
    if (fatal) throw fatal;
    const bytes = chunk.length; // read first: a chunk given to a worker is moved there, and reads as empty here after
    const sealed = pool().seal(chunk, slot.key, give);
    sealed.catch(() => {}); // settle awaits it; this only keeps a failure meanwhile from counting as unhandled
    queue.push({ sealed, epk: slot.epk, bytes, into, at: into.length });
    into.push('');
    queuedBytes += bytes;
    progress.p.bytesDone += bytes;
    progress.tick();
    await settle(IN_FLIGHT, IN_FLIGHT_BYTES);
  };

  const readFileChunks = async (full: string): Promise<{ chunks: string[]; st: { size: number; mtimeMs: number; ctimeMs: number; ino: number } }> => {
    const small = readSmall(full);
    if (small) {
      const b = small.bytes;
      report.bytesRead += b.length;
      const chunks: string[] = [];
      chunker.reset(); // one chunk if no longer than min: the chunker never cuts before it
      let from = 0;
      while (from < b.length) {
        const cut = chunker.next(b, from);
        const end = cut < 0 ? b.length : cut;
        await storeChunk(b.subarray(from, end), chunks);
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
      // Read straight into the buffer of the chunk being cut, which moves to
      // a worker whole: the only copy is of what was read past a cut. Room
      // for twice the average chunk (a worker's collector counts the whole
      // buffer), grown to the maximum for a chunk that needs it.
      const room = Math.min(max, 2 * avg);
      const buffer = () => pool().spare(room) ?? Buffer.allocUnsafeSlow(room);
      let cur = buffer();
      let fill = 0;
      let scanned = 0;
      let pos = 0;
      for (;;) {
        const cut = scanned < fill ? chunker.next(cur.subarray(0, fill), scanned) : -1;
        if (cut >= 0) {
          const next = buffer();
          cur.copy(next, 0, cut, fill);
          await storeChunk(cur.subarray(0, cut), chunks, true);
          cur = next;
          fill -= cut;
          scanned = 0;
          continue;
        }
        scanned = fill;
        if (fill === cur.length) {
          const grown = Buffer.allocUnsafeSlow(max); // below max, so no cut yet: the chunker cuts at max at the latest
          cur.copy(grown, 0, 0, fill);
          cur = grown;
        }
        const { bytesRead } = await fh.read(cur, fill, Math.min(READ_SIZE, cur.length - fill), pos);
        if (bytesRead === 0) break;
        fill += bytesRead;
        pos += bytesRead;
        report.bytesRead += bytesRead;
      }
      if (fill > 0) await storeChunk(cur.subarray(0, fill), chunks, true);
      const after = await fh.stat();
      if (pos !== st.size || after.size !== st.size || after.mtimeMs !== st.mtimeMs) throw new FileChanged('the file changed while it was being read');
      return { chunks, st };
    } finally {
      await fh.close();
    }
  };

  /** Files in the snapshot, in order; one read on a worker is `dropped` if that read did not give it (failed, or to be read again here). */
  const kept: { path: string; entry: CachedFile; dropped?: boolean }[] = [];

  /** Read here: cut, and each chunk sealed on a worker. Retried when the file changes while it is read. */
  const readHere = async (path: string, size: number): Promise<void> => {
    const bytesBefore = progress.p.bytesDone;
    for (let attempt = 0; ; attempt++) {
      try {
        const { chunks, st } = await readFileChunks(join(o.vaultDir, ...path.split('/')));
        kept.push({ path, entry: { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, chunks } });
        report.filesRead++;
        break;
      } catch (e) {
        if (fatal) throw fatal;
        progress.p.bytesDone = bytesBefore;
        if (e instanceof FileChanged && attempt < RETRIES) continue;
        if ((e as NodeJS.ErrnoException)?.code === 'ENOSPC' || (e as Error)?.name === 'AbortError') throw e;
        report.failed.push({ path, reason: failureReason(e) });
        break;
      }
    }
    progress.p.bytesDone = bytesBefore + size;
  };

  // Small files (one chunk each, by the scan's size) are read on the
  // workers, many to a message: the main thread's system calls were what
  // kept the workers waiting. One that changed meanwhile is read here after.
  let onWorkers: { item: (typeof kept)[number]; full: string }[] = [];
  let onWorkersBytes = 0;
  const again: { path: string; size: number }[] = [];
  const sendOnWorkers = async () => {
    if (onWorkers.length === 0) return;
    const sent = onWorkers;
    onWorkers = [];
    onWorkersBytes = 0;
    const outcomes = pool().readSmall(
      sent.map((s) => s.full),
      min,
      slot.key,
    );
    outcomes.catch(() => {}); // each job below hears of it
    for (const [i, { item }] of sent.entries()) {
      const sealed = outcomes.then((all) => {
        const r = all[i]!;
        if ('changed' in r || 'error' in r) {
          item.dropped = true;
          if ('changed' in r) again.push({ path: item.path, size: item.entry.size });
          else report.failed.push({ path: item.path, reason: failureReason(rebuild(r)) });
          return undefined;
        }
        Object.assign(item.entry, r.st);
        report.filesRead++;
        report.bytesRead += r.st.size;
        if (!r.chunk) item.entry.chunks.length = 0;
        return r.chunk;
      });
      sealed.catch(() => {}); // settle awaits it; this only keeps a failure meanwhile from counting as unhandled
      queue.push({ sealed, epk: slot.epk, bytes: item.entry.size, into: item.entry.chunks, at: 0 });
      queuedBytes += item.entry.size;
    }
    await settle(IN_FLIGHT, IN_FLIGHT_BYTES);
  };

  try {
    for (const path of paths) {
      o.signal?.throwIfAborted();
      if (fatal) throw fatal;
      const seen = scan.files.get(path)!;
      const c = o.cache.get(path);
      if (
        c &&
        c.size === seen.size &&
        c.mtimeMs === seen.mtimeMs &&
        c.ctimeMs === seen.ctimeMs &&
        c.ino === seen.ino &&
        c.chunks.every((h) => repo.hasSound(h) || pending.has(h))
      ) {
        kept.push({ path, entry: c });
        progress.p.bytesDone += c.size;
      } else if (seen.size > 0 && seen.size <= min) {
        const item = { path, entry: { size: seen.size, mtimeMs: seen.mtimeMs, ctimeMs: seen.ctimeMs, ino: seen.ino, chunks: [''] } };
        kept.push(item);
        onWorkers.push({ item, full: join(o.vaultDir, ...path.split('/')) });
        onWorkersBytes += seen.size;
        progress.p.bytesDone += seen.size;
        if (onWorkers.length >= GATHER || onWorkersBytes >= GATHER_BYTES) await sendOnWorkers();
      } else {
        await readHere(path, seen.size);
      }
      progress.p.filesDone++;
      progress.tick();
    }
    await sendOnWorkers();
    await settle(0, 0);
    for (const a of again) await readHere(a.path, 0); // its bytes were counted when it was sent
    await settle(0, 0);
    if (builder.count > 0) await flushPack();
    await packWritten();
  } finally {
    await writing.catch(() => {}); // after a failure elsewhere: no write still running once this returns
    await sealer?.close();
    sodium.memzero(slot.key);
  }
  const files: ManifestFile[] = [];
  const cache = new Map<string, CachedFile>();
  if (again.length > 0) kept.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)); // read again last, listed in its place
  for (const { path, entry, dropped } of kept) {
    if (dropped) continue;
    cache.set(path, entry);
    files.push({ path, size: entry.size, mtimeMs: entry.mtimeMs, chunks: entry.chunks.map(fromHex) });
    report.files++;
    report.bytes += entry.size;
  }
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
