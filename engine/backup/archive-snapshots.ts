// Archives: snapshots of some cases only, taken by housekeeping before it
// removes their plaintext (docs/housekeeping.md). An archive is an ordinary
// snapshot manifest plus a marker file `archives/<snapshot id>` (empty; no
// name or date in it) written BEFORE the manifest, so there is never a
// moment when the archive exists unmarked. Marked snapshots are left out of
// the retention policy (forget keeps them all, prune keeps their chunks)
// and out of "latest" (restoring the latest backup never means one case).
// CASEVAULT_HOME/backup-state.json lists them too, so a marker deleted from
// the drive does not expose the archive to forget on this computer.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { DamagedData, toHex } from '../../crypto/index.js';
import { Damaged, Refused } from '../errors.js';
import { safeJoin } from '../mirror/restore-objects.js';
import { snapshotName, type BoxReader, type Repository } from './repository.js';

const PREFIX = 'archives/';
const HEX32 = /^[0-9a-f]{32}$/;

export const archiveName = (hex: string) => `${PREFIX}${hex}`;

/** The snapshot IDs marked as archives on the drive, plus those this computer remembers. */
export async function archiveIds(repo: Repository, remembered: readonly string[]): Promise<Set<string>> {
  const out = new Set(remembered);
  for await (const e of repo.storage.remote.list(PREFIX)) {
    const hex = e.name.slice(PREFIX.length);
    if (HEX32.test(hex)) out.add(hex);
  }
  return out;
}

export async function markArchive(repo: Repository, hex: string): Promise<void> {
  await repo.storage.remote.put(archiveName(hex), new Uint8Array(0));
  await repo.flush();
}

/**
 * Remove an archive (one that failed its read-back, or one deleted by hand):
 * the manifest first, then the marker, each flushed. Killed between the two,
 * a marker with no manifest is left: harmless, and never an archive that
 * looks whole. Its chunks go at the next prune.
 */
export async function discardArchive(repo: Repository, hex: string): Promise<void> {
  await repo.storage.remote.delete(snapshotName(hex));
  await repo.flush();
  await repo.storage.remote.delete(archiveName(hex));
  await repo.flush();
}

export interface ArchivedFile {
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * Read the archive back from the drive (the index reloaded from disk, every
 * chunk decrypted and checked against its keyed ID) and compare every file
 * byte for byte with the vault's copy. Throws DamagedData if anything
 * differs, Refused if a vault file changed since it was archived.
 */
export async function readBackArchive(
  repo: Repository,
  readers: readonly BoxReader[],
  hex: string,
  vaultDir: string,
  expected: ReadonlySet<string>,
): Promise<ArchivedFile[]> {
  const damaged = () =>
    new Damaged('the archive did not read back the same as the files in the vault (the backup drive may be failing); nothing was removed', 'verify-backup');
  let manifest;
  try {
    await repo.loadIndex();
    manifest = await repo.readManifest(hex, readers);
  } catch (e) {
    if (e instanceof DamagedData) throw damaged();
    throw e;
  }
  const paths = manifest.files.map((f) => f.path);
  if (paths.length !== expected.size || paths.some((p) => !expected.has(p))) throw damaged();
  for (const f of manifest.files) {
    const fh = await open(safeJoin(vaultDir, f.path), constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const st = await fh.stat();
      if (!st.isFile() || st.size !== f.size || st.mtimeMs !== f.mtimeMs) {
        throw new Refused('a file of the case changed while it was being archived; nothing was removed: archive it again');
      }
      let at = 0;
      for (const id of f.chunks) {
        const loc = repo.blobs.get(toHex(id));
        if (!loc) throw damaged();
        let raw: Uint8Array;
        try {
          raw = await repo.readBlob(loc, readers);
        } catch {
          throw damaged();
        }
        const mine = Buffer.alloc(raw.length);
        const { bytesRead } = await fh.read(mine, 0, raw.length, at);
        if (bytesRead !== raw.length || !mine.equals(raw)) throw damaged();
        at += raw.length;
      }
      if (at !== f.size) throw damaged();
    } finally {
      await fh.close();
    }
  }
  repo.wipeSlotKeys();
  return manifest.files.map((f) => ({ path: f.path, size: f.size, mtimeMs: f.mtimeMs }));
}
