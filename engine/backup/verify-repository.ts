// verify --backup: first the structure (config, every index file, every
// pack header against the index, every snapshot manifest in full and the
// presence of every chunk it needs), then the data: every blob of every
// pack decrypted and checked against its keyed ID (or, in quick mode, the
// blobs of a random sample of packs). Problems name the pack, index file or
// snapshot; snapshots that need damaged or missing data are listed. Each
// blob that fails authentication is recorded in repo.damaged (one that
// passes now leaves it), for the next backup to store it again, and so is
// each blob of a pack the index lists that is missing or cut short.
import { encodeHeader, PACK_PREFIX, packPadding, packPrefix } from '../../crypto/backup/pack.js';
import { toHex } from '../../crypto/index.js';
import { splitReplayed } from './local.js';
import { throttled, type BackupEmit } from './progress-report.js';
import { isDataDefect } from '../errors.js';
import { damagedAt, describeProblem, packName, type BoxReader, type Repository } from './repository.js';
import { count, type BackupVerifyReport } from '../../contract/index.js';

export interface VerifyInput {
  repo: Repository;
  /** The vault's key pairs (current first): engine/backup/repository.ts. */
  readers: readonly BoxReader[];
  /** Fraction of packs to decrypt in full (1 = all). */
  sample?: number;
  /** Snapshots this computer wrote and did not forget: any that is missing is reported. */
  expectedSnapshots?: readonly string[];
  /** Snapshots this computer forgot (backup-state.json): one in the folder again was put back (a replay). */
  forgotten?: ReadonlySet<string>;
  emit?: BackupEmit;
}

function sampleOf<T>(items: T[], fraction: number): T[] {
  if (fraction >= 1) return items;
  const n = Math.min(items.length, Math.max(1, Math.ceil(items.length * fraction)));
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

export async function verifyRepository(o: VerifyInput): Promise<BackupVerifyReport> {
  const { repo } = o;
  const sample = o.sample ?? 1;
  await repo.loadIndex();
  repo.recordLost();
  const report: BackupVerifyReport = {
    snapshots: 0,
    packs: repo.packs.size,
    packsRead: 0,
    blobs: 0,
    bytes: 0,
    quick: sample < 1,
    bad: [...repo.problems],
    damagedSnapshots: [],
    noted: [],
  };
  const badBlobs = new Set<string>();
  const goodBlobs = new Set<string>();
  const progress = throttled(o.emit, 'verify');

  // Structure: each indexed pack's own header must say what the index says.
  for (const p of repo.packs.values()) {
    // A pack no index lists yet (an interrupted backup or prune) was read from its own header: not damage; the next backup indexes it.
    if (!repo.indexed.has(p.hex)) continue;
    try {
      const own = await repo.readPackHeader(p.hex, p.length);
      if (!Buffer.from(encodeHeader(own.header)).equals(Buffer.from(encodeHeader(p.header)))) throw new Error('differs');
    } catch (e) {
      report.bad.push({
        item: `pack ${p.hex}`,
        reason: e instanceof Error && e.message === 'differs' ? 'its header differs from the index' : describeProblem(e),
      });
    }
  }

  // Data. A damaged pack is named once every pack is read: whether its bad chunks have sound copies elsewhere is known only then.
  const badPacks: { hex: string; reason: string; blobs: string[]; those: string }[] = [];
  const packs = sampleOf([...repo.packs.values()], sample);
  progress.p.filesTotal = packs.length;
  for (const p of packs) progress.p.bytesTotal += p.length;
  for (const p of packs) {
    let firstBad: string | undefined;
    let badCount = 0;
    const bad: string[] = [];
    for (const entry of p.header.entries) {
      const loc = { pack: p.hex, entry };
      const at = damagedAt(p.hex, toHex(entry.id));
      try {
        const raw = await repo.readBlob(loc, o.readers);
        report.blobs++;
        report.bytes += raw.length;
        goodBlobs.add(toHex(entry.id));
        repo.damaged.delete(at);
      } catch (e) {
        if (isDataDefect(e)) repo.damaged.add(at); // not a read that failed (the drive may answer next time): bytes that fail authentication
        badBlobs.add(toHex(entry.id));
        bad.push(toHex(entry.id));
        badCount++;
        firstBad ??= describeProblem(e);
      }
    }
    const end = p.header.entries.reduce((n, e) => Math.max(n, e.offset + e.length), 0);
    if (end > 0 && end < p.length) {
      try {
        const { version } = packPrefix(await repo.storage.readRange(packName(p.hex), 0, PACK_PREFIX));
        const pad = await repo.storage.readRange(packName(p.hex), end, p.length - end);
        if (
          !Buffer.from(pad).equals(
            Buffer.from(packPadding(repo.sodium, repo.keysOf(p.generation).indexKey, Buffer.from(p.hex, 'hex'), p.length - end, version)),
          )
        ) {
          badCount++;
          firstBad ??= 'its padding was altered';
        }
      } catch (e) {
        badCount++;
        firstBad ??= describeProblem(e);
      }
    }
    if (badCount > 0)
      badPacks.push({
        hex: p.hex,
        reason: `${count(badCount, 'problem')} in its ${count(p.header.entries.length, 'chunk')} and padding: ${firstBad}`,
        blobs: bad,
        those: 'each of those chunks',
      });
    report.packsRead++;
    progress.p.filesDone++;
    progress.p.bytesDone += p.length;
    progress.tick();
  }
  repo.wipeSlotKeys();
  // A pack the index lists that is missing or cut short: its data is gone, and whether a later backup stored all of it again is known only now.
  for (const { pack, reason } of repo.lost.values())
    badPacks.push({ hex: pack.hex, reason, blobs: pack.header.entries.map((e) => toHex(e.id)), those: 'each of its chunks' });
  for (const b of badPacks) {
    const healed = b.blobs.length > 0 && b.blobs.every((hex) => goodBlobs.has(hex));
    report.bad.push({
      item: `pack ${b.hex}`,
      reason: healed ? `${b.reason}; a later backup stored ${b.those} again, sound, in another pack` : b.reason,
      ...(healed ? { healed } : {}),
    });
  }

  // Snapshots: each decrypts in full, and everything it needs is present and sound.
  const ids = await repo.listSnapshots();
  report.snapshots = ids.length;
  const own = new Set(o.expectedSnapshots ?? []);
  const unopened = new Set<string>();
  const { live, replayed } = splitReplayed(ids, o.forgotten ?? []);
  for (const id of replayed) {
    report.bad.push({
      item: `snapshot ${id}`,
      reason: 'forgotten here before and put back into the backup folder (a copy someone kept): it is never offered for restore',
      kind: 'replayed',
    });
  }
  for (const id of live) {
    try {
      const m = await repo.readManifest(id, o.readers);
      let missing = 0;
      let damaged = 0;
      for (const b of m.summary.blobs) {
        const hex = toHex(b);
        const loc = repo.blobs.get(hex);
        if (!loc) missing++;
        else if (badBlobs.has(hex) && !goodBlobs.has(hex)) damaged++;
      }
      for (const f of m.files) {
        let sum = 0;
        for (const c of f.chunks) sum += repo.blobs.get(toHex(c))?.entry.rawLength ?? 0;
        if (sum !== f.size && f.chunks.every((c) => repo.blobs.has(toHex(c)))) {
          report.bad.push({ item: `snapshot ${id}`, reason: "a file's length disagrees with its chunks" });
          damaged++;
          break;
        }
      }
      if (missing > 0) report.bad.push({ item: `snapshot ${id}`, reason: `${missing} of the chunks it needs are missing from the backup folder` });
      if (missing > 0 || damaged > 0) report.damagedSnapshots.push(id);
    } catch (e) {
      unopened.add(id);
      if (isDataDefect(e) && !own.has(id) && (await repo.notOurs(id))) {
        report.bad.push({
          item: `snapshot ${id}`,
          reason: `not a snapshot of this backup (${describeProblem(e)}): junk, or another vault's; move the file snapshots/${id} out of the backup folder`,
          kind: 'not-a-snapshot',
        });
        continue;
      }
      // Its manifest does not open: it restores nothing, so it is not among the snapshots that restore all but a few files.
      report.bad.push({ item: `snapshot ${id}`, reason: `${describeProblem(e)}; it cannot be restored` });
    }
  }
  const present = new Set(ids);
  const expected = o.expectedSnapshots ?? [];
  const gone = expected.filter((id) => !present.has(id));
  // With this computer's newest backup in the folder and whole, the files are safe again: the ones gone are told this once, then noted.
  const newest = expected.at(-1);
  const later = newest !== undefined && present.has(newest) && !report.damagedSnapshots.includes(newest) && !unopened.has(newest);
  for (const id of gone)
    report.bad.push({
      item: `snapshot ${id}`,
      reason: `this computer wrote it and never forgot it, but it is missing from the backup folder (deleted, or the folder was rolled back)${
        later
          ? '; the versions only it held are lost, a later backup holds the files, and this is now noted in the audit trail and not reported again'
          : '; back up now, and the next check after that notes the loss'
      }`,
    });
  if (later) report.noted = gone;
  progress.tick(true);
  return report;
}
