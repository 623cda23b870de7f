// forget: apply the retention policy (delete the manifests of snapshots it
// does not keep); --prune: then remove the data no remaining snapshot needs.
// Both run with write keys only (snapshot summaries list every blob a
// snapshot needs under the index key).
//
// Prune never removes a blob a live snapshot needs, and survives a kill at
// any instant: it writes the repacked packs, then one new index file for
// every surviving pack, then deletes the old index files, and the old packs
// last. Killed before the new index: the new packs are found by their
// headers next time (their blobs are duplicates until the next prune).
// Killed after: the old packs are unreferenced, or found by their headers
// again; nothing a snapshot needs was ever only in a deleted file.
//
// On S3 storage with Object Lock, a snapshot or pack still under its
// retention cannot be deleted by anyone: it stays, and the report says
// which and from when it can go; a later forget or prune removes it.
import { toHex } from '../../crypto/index.js';
import { Damaged, isDataDefect, Refused } from '../errors.js';
import { splitReplayed } from './local.js';
import { throttled, type BackupEmit } from './progress-report.js';
import { packName, snapshotName, type PackRecord, type Repository } from './repository.js';
import { applyRetentionByGroup } from './retention.js';
import { ObjectLocked } from '../remotes/s3/remote.js';
import { type PruneReport, type ForgetReport, type RetentionPolicy } from '../../contract/index.js';

/** A pack is rewritten once this share of its bytes is no longer needed. */
const REPACK_UNUSED = 0.2;

/**
 * `archives` (engine/backup/archives.ts) are kept whatever the policy says,
 * and take no place in it. `own`: the snapshots this computer took (its
 * records in backup-state.json); the policy is applied to them, and on its
 * own to every other snapshot (other computers' sharing the folder, or from
 * before this computer's records began), so one computer's forget never
 * lets another computer's newest backups go to make room for its own.
 */
export async function forgetSnapshots(
  repo: Repository,
  policy: RetentionPolicy,
  dryRun = false,
  archives: ReadonlySet<string> = new Set(),
  own: ReadonlySet<string> = new Set(),
  /** Told the snapshots about to be deleted, before the first is: a kill -9 between the two must not leave them "written and never forgotten". */
  beforeRemove: (ids: string[]) => Promise<void> = async () => {},
  /** Snapshots this computer forgot before (backup-state.json): one back in the folder was put back (a replay), and is removed again. */
  forgotten: ReadonlySet<string> = new Set(),
): Promise<ForgetReport> {
  const dated: { id: string; timeMs: number }[] = [];
  const archived: { id: string; timeMs: number }[] = [];
  const unreadable: string[] = [];
  // A replay: this computer decided to forget it, so it is safe to delete, whatever it holds.
  const { live, replayed } = splitReplayed(await repo.listSnapshots(), forgotten);
  for (const id of live) {
    try {
      (archives.has(id) ? archived : dated).push({ id, timeMs: (await repo.readSummary(id)).timeMs });
    } catch {
      unreadable.push(id);
    }
  }
  const plan = applyRetentionByGroup([dated.filter((s) => own.has(s.id)), dated.filter((s) => !own.has(s.id))], policy);
  plan.keep.push(...archived.map((snapshot) => ({ snapshot, reasons: ['archive'] })));
  const locked: { id: string; time: string; until: string }[] = [];
  if (!dryRun) {
    if (plan.remove.length > 0) await beforeRemove(plan.remove.map((s) => s.id));
    for (const s of plan.remove) {
      try {
        await repo.storage.remote.delete(snapshotName(s.id));
      } catch (e) {
        if (!(e instanceof ObjectLocked)) throw e;
        locked.push({ id: s.id, time: new Date(s.timeMs).toISOString(), until: e.until.toISOString() });
      }
    }
    for (const id of replayed) {
      try {
        await repo.storage.remote.delete(snapshotName(id));
      } catch (e) {
        if (!(e instanceof ObjectLocked)) throw e; // kept for now by Object Lock: still forgotten, never offered
      }
    }
    await repo.flush();
  }
  const stayed = new Set(locked.map((l) => l.id));
  return {
    kept: plan.keep.map((k) => ({ id: k.snapshot.id, time: new Date(k.snapshot.timeMs).toISOString(), reasons: k.reasons })),
    removed: plan.remove.filter((s) => !stayed.has(s.id)).map((s) => ({ id: s.id, time: new Date(s.timeMs).toISOString() })),
    unreadable,
    ...(locked.length > 0 ? { locked } : {}),
    ...(replayed.length > 0 ? { replayed } : {}),
  };
}

export interface PruneOptions {
  /** Snapshots this computer forgot (backup-state.json): nothing is kept for one that is back in the folder (a replay). */
  forgotten?: ReadonlySet<string>;
  /** Snapshots this computer took and did not forget: one that does not open is a genuine snapshot, damaged, whatever its bytes look like. */
  own?: ReadonlySet<string>;
}

/**
 * A snapshot that cannot be read stops prune (its chunks might be all that
 * is left of files, and a damaged manifest might still be mended), unless it
 * is plainly not a snapshot of this repository (Repository.notOurs: junk, cut
 * short, another vault's), and not one this computer took: that file is left
 * alone, reported in `notSnapshots`, and nothing is kept for it.
 */
export async function prune(repo: Repository, emit?: BackupEmit, o: PruneOptions = {}): Promise<PruneReport> {
  await repo.loadIndex();
  const live = new Set<string>();
  const notSnapshots: string[] = [];
  for (const id of splitReplayed(await repo.listSnapshots(), o.forgotten ?? []).live) {
    let blobs;
    try {
      blobs = (await repo.readSummary(id)).blobs;
    } catch (e) {
      if (isDataDefect(e) && !o.own?.has(id) && (await repo.notOurs(id))) {
        notSnapshots.push(id);
        continue;
      }
      throw new Refused('a snapshot in the backup folder could not be read, so prune cannot tell which data it needs; nothing was deleted', 'verify-backup');
    }
    for (const b of blobs) live.add(toHex(b));
  }
  const report: PruneReport = {
    packsDeleted: 0,
    packsRewritten: 0,
    packsWritten: 0,
    blobsRemoved: 0,
    bytesBefore: 0,
    bytesAfter: 0,
    missingBlobs: 0,
    ...(notSnapshots.length > 0 ? { notSnapshots } : {}),
  };
  for (const hex of live) if (!repo.blobs.has(hex)) report.missingBlobs++;
  if (report.missingBlobs > 0) {
    // Whatever made them go (a pack deleted, a header altered, index files removed to hide it), deleting more could only lose more.
    throw new Damaged(
      `${report.missingBlobs === 1 ? '1 piece of data' : `${report.missingBlobs} pieces of data`} that a kept snapshot needs ${report.missingBlobs === 1 ? 'is' : 'are'} missing from the backup folder (a pack deleted, replaced or altered), so prune deleted nothing`,
      'verify-backup',
    );
  }

  const remove: PackRecord[] = [];
  const rewrite: PackRecord[] = [];
  const keep: PackRecord[] = [];
  // A blob is needed in one place only: the location the index chose. Other copies are garbage.
  const needed = (p: PackRecord, i: number) => {
    const e = p.header.entries[i]!;
    const hex = toHex(e.id);
    const loc = repo.blobs.get(hex);
    return live.has(hex) && loc !== undefined && loc.pack === p.hex && loc.entry.offset === e.offset;
  };
  for (const p of repo.packs.values()) {
    report.bytesBefore += p.length;
    let used = 0;
    let total = 0;
    p.header.entries.forEach((e, i) => {
      total += e.length;
      if (needed(p, i)) used += e.length;
      else report.blobsRemoved++;
    });
    if (used === 0) remove.push(p);
    else if (total - used > total * REPACK_UNUSED && p.generation === repo.generation)
      rewrite.push(p); // new packs are the current generation's: an earlier one's stay whole while needed
    else keep.push(p);
  }
  const generations = new Set([...repo.packs.values()].map((p) => p.generation)).size; // one index file each
  // A pack the index lists that is missing or cut short leaves the index here, and one cut short the folder (no snapshot needs it: checked above).
  const lostHere = [...repo.lost.values()].filter((l) => l.present).map((l) => l.pack);
  if (
    remove.length === 0 &&
    rewrite.length === 0 &&
    repo.lost.size === 0 &&
    repo.indexFiles.length <= Math.max(1, generations) &&
    repo.indexed.size === repo.packs.size
  ) {
    report.bytesAfter = report.bytesBefore;
    return report;
  }

  const progress = throttled(emit, 'prune');
  progress.p.filesTotal = rewrite.length + remove.length + lostHere.length;
  for (const p of rewrite) progress.p.bytesTotal += p.length;
  progress.tick(true);
  const written: PackRecord[] = [];
  let builder = repo.newPack();
  for (const p of rewrite) {
    for (const [i, e] of p.header.entries.entries()) {
      if (!needed(p, i)) continue;
      builder.addStored(e, await repo.readStored({ pack: p.hex, entry: e }), p.header.slots[e.slot]!);
      if (builder.size >= repo.params.packSize) {
        written.push(await repo.putPack(builder));
        builder = repo.newPack();
      }
    }
    progress.p.filesDone++;
    progress.p.bytesDone += p.length;
    progress.tick();
  }
  if (builder.count > 0) written.push(await repo.putPack(builder));
  await repo.flush();

  repo.storage.close?.();
  const surviving = [...keep, ...written];
  const oldIndexFiles = [...repo.indexFiles];
  const newIndex = await repo.writeIndex(surviving);
  await repo.flush();
  for (const name of oldIndexFiles) if (!newIndex.includes(name)) await repo.storage.remote.delete(name);
  await repo.flush();
  const locked = { packs: 0, bytes: 0, until: 0 };
  for (const p of [...remove, ...rewrite, ...lostHere]) {
    try {
      await repo.storage.remote.delete(packName(p.hex));
    } catch (e) {
      if (!(e instanceof ObjectLocked)) throw e;
      locked.packs++;
      locked.bytes += p.length;
      locked.until = Math.max(locked.until, e.until.getTime());
    }
    progress.p.filesDone += remove.includes(p) || lostHere.includes(p) ? 1 : 0;
    progress.tick();
  }
  await repo.flush();
  report.packsDeleted = remove.length + rewrite.length + lostHere.length - locked.packs;
  report.packsRewritten = rewrite.length;
  report.packsWritten = written.length;
  report.bytesAfter = surviving.reduce((n, p) => n + p.length, 0) + locked.bytes;
  if (locked.packs > 0) report.locked = { packs: locked.packs, bytes: locked.bytes, until: new Date(locked.until).toISOString() };
  progress.tick(true);
  return report;
}
