// A file's versions across snapshots: the same path as each snapshot's
// manifest recorded it, grouped into distinct versions. Two entries are one
// version when size, change time and chunk list are all equal (the chunk
// IDs are keyed hashes of the content, so equal lists mean equal bytes); a
// file saved again with the same bytes but a new time is a version of its
// own, since that is how a person remembers it ("the copy from Tuesday").
// Change times within a millisecond are the same time: a file put back by
// recover or restore gets its time through utimes, whose seconds-as-a-float
// round the sub-millisecond part (by up to about a microsecond), and the
// same file must not turn into two versions that read alike.
// The most recently changed version comes first; within one, the newest
// snapshot first (restoring from it is as good as from any other).
import { toHex } from '../../crypto/index.js';
import type { ManifestFile } from '../../crypto/backup/index.js';
import type { FileVersion } from '../../contract/index.js';

export interface FoundFile {
  snapshot: FileVersion['snapshots'][number];
  file: ManifestFile;
}

/** How far apart two recorded change times of the same save may be (ms). */
const SAME_TIME_MS = 1;

export function fileVersions(found: readonly FoundFile[]): FileVersion[] {
  // By content first (size and chunk list), then by change time within that content.
  const byContent = new Map<string, FileVersion[]>();
  for (const { snapshot, file } of found) {
    const key = `${file.size}:${file.chunks.map(toHex).join(',')}`;
    const same = byContent.get(key) ?? [];
    byContent.set(key, same);
    let v = same.find((x) => Math.abs(x.mtimeMs - file.mtimeMs) < SAME_TIME_MS);
    if (!v) {
      v = { size: file.size, mtimeMs: file.mtimeMs, chunks: file.chunks.length, snapshots: [] };
      same.push(v);
    }
    v.snapshots.push(snapshot);
  }
  const newestFirst = (a: { time: string; id: string }, b: { time: string; id: string }) => b.time.localeCompare(a.time) || a.id.localeCompare(b.id);
  const versions = [...byContent.values()].flat();
  for (const v of versions) v.snapshots.sort(newestFirst);
  return versions.sort((a, b) => b.mtimeMs - a.mtimeMs || newestFirst(a.snapshots[0]!, b.snapshots[0]!));
}
