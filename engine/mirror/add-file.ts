// A file dropped on the app's window, put into the vault folder. A name that
// is taken is never renamed behind the person's back: the app asks first
// (addFileCheck) and then says what it wants: keep both (the new one as
// "branch members (added 5 Dec 2026).csv"), or replace (the version being
// replaced is first sealed into the cloud copy's trash, where it stays for
// the trash period, so the replacement loses nothing), or skip (no call).
// Without a choice, a taken name writes nothing and says so. Every write is
// a temporary file moved into place. Spec: docs/desktop-app.md ("Home").
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import { assertSafeVaultPath, ObjectSealer, toHex } from '../../crypto/index.js';
import { fileNameDay, type AddFileOutcome, type AddFileReport } from '../../contract/index.js';
import { Refused } from '../errors.js';
import { fsyncDir, placeNew, tempName, writeTemp } from '../fsutil/atomic.js';
import { lstatIfExists } from '../fsutil/read.js';
import { assertCloudWritable } from '../keys/cloud-key-file.js';
import { safeJoin } from './restore-objects.js';
import { uploadFile, type SyncContext } from './sync.js';
import { trashName } from './trash.js';
import { emptyFolderReplaced, replacedSentence } from './vault-identity.js';

export interface AddFileDeps {
  home: string;
  vaultDir: string;
  locale: string;
  /** The cloud, for keeping a replaced version in its trash. */
  syncContext: () => Promise<SyncContext>;
}

/** "notes.csv" -> "notes (added 5 Dec 2026).csv", then "notes (added 5 Dec 2026, 2).csv". */
export function addedName(full: string, day: string, n: number): string {
  const dot = full.lastIndexOf('.');
  const slash = full.lastIndexOf(sep);
  const label = `(added ${day}${n > 1 ? `, ${n}` : ''})`;
  return dot > slash + 1 ? `${full.slice(0, dot)} ${label}${full.slice(dot)}` : `${full} ${label}`;
}

/** The vault paths (of those asked about) that are taken already. */
export async function existingPaths(vaultDir: string, paths: string[]): Promise<string[]> {
  const taken: string[] = [];
  for (const p of new Set(paths)) {
    assertSafeVaultPath(p);
    if (await lstatIfExists(safeJoin(vaultDir, p))) taken.push(p);
  }
  return taken;
}

/** Seal the vault file `path`, as it is now, into the cloud's trash (its object ID kept, so it is a file of this vault there). */
async function keepInTrash(ctx: SyncContext, path: string): Promise<void> {
  await assertCloudWritable({ ...ctx, vaultId: ctx.keys.vaultId, publicKey: ctx.keys.publicKey, authKey: ctx.keys.authKey });
  const sealer = await ObjectSealer.create(ctx.keys);
  try {
    await uploadFile(ctx, sealer, path, path, (id) => trashName(toHex(id), new Date()));
    await ctx.remote.flush?.();
  } finally {
    sealer.dispose();
  }
}

/**
 * A file is added only to the folder synced before: into a vault folder that
 * is missing (its drive not connected) the write would make a new, nearly
 * empty one, whose next pass would take every other file for deleted.
 */
async function assertVaultFolderThere(d: AddFileDeps): Promise<void> {
  const st = await stat(d.vaultDir).catch(() => undefined);
  if (!st?.isDirectory()) throw new Refused(`the vault folder ${d.vaultDir} is missing, so nothing is added`, 'put-vault-folder-back'); // then add the file again
  if ((await readdir(d.vaultDir)).length === 0 && (await emptyFolderReplaced(d.home, d.vaultDir))) throw new Refused(replacedSentence(d.vaultDir, 'added'));
}

export async function addFile(
  d: AddFileDeps,
  path: string,
  content: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  ifExists: 'refuse' | 'keep-both' | 'replace' = 'refuse',
): Promise<AddFileReport> {
  assertSafeVaultPath(path);
  await assertVaultFolderThere(d);
  const full = safeJoin(d.vaultDir, path);
  await mkdir(dirname(full), { recursive: true });
  const tmp = tempName(dirname(full));
  const report = (written: string, outcome: AddFileOutcome): AddFileReport => ({ path: relative(d.vaultDir, written).split(sep).join('/'), outcome });
  try {
    await writeTemp(
      tmp,
      (async function* () {
        yield* content;
      })(),
      0o600,
    );
    if (placeNew(tmp, full)) return report(full, 'added');
    if (ifExists === 'refuse') return report(full, 'exists');
    if (ifExists === 'replace') {
      const st = await lstatIfExists(full);
      if (!st?.isFile()) throw new Refused('something that is not a file has that name in the vault, so it was not replaced; choose to keep both');
      try {
        await keepInTrash(await d.syncContext(), path);
      } catch (e) {
        if (e instanceof Refused) throw e;
        throw new Refused('the version it would replace could not be kept in the cloud copy just now, so nothing was replaced; keep both, or try again later');
      }
      await rename(tmp, full);
      await fsyncDir(dirname(full));
      return report(full, 'replaced');
    }
    const day = fileNameDay(new Date(), d.locale);
    for (let n = 1; n < 1000; n++) {
      const candidate = addedName(full, day, n);
      if (placeNew(tmp, candidate)) return report(candidate, 'kept-both');
    }
    throw new Refused('too many files of that name were added today; rename the file and add it again');
  } finally {
    await rm(tmp, { force: true });
  }
}
