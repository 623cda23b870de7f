// On a new computer (a fresh home): rebuild the vault folder from the cloud
// copy with the passphrase, the recovery key or the union's escrow key. The
// folder must be new or empty; an interrupted recover into the same folder
// picks up where it stopped (CASEVAULT_HOME/recovering.json names the folder
// until the end), even one killed after it wrote this computer's settings.
// Objects that fail are listed; every other file is restored, and the sync
// records are written so the next sync uploads nothing. A backup folder from
// before is checked before anything is written (a refused one stops the
// recovery there) and attached at the end.
import { statSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { keyring, parseKeyFile, toBase64, wipeKeys, writeKeysOf, type ReadKeys } from '../../crypto/index.js';
import { fileCount, type RecoverReport } from '../../contract/index.js';
import { attachedState, describeAttached, folderReport, inspectBackupFolder } from '../backup/folder.js';
import { emptyBackupState, saveBackupState } from '../backup/local.js';
import { ensureFreshHome, hasConfig, loadConfig, newConfig } from '../config.js';
import type { Core } from '../core.js';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { withHomeLock } from '../fsutil/lockfile.js';
import { homeFiles } from '../home.js';
import { mirrorAudit } from '../audit/trail.js';
import { adoptMirroredMarks } from '../housekeeping/mirror.js';
import { openWith } from '../keys/lifecycle.js';
import { rotationPending } from '../keys/rotation-steps.js';
import { readKeyFileBytes } from '../keys/cloud-key-file.js';
import type { RecoverOptions } from '../engine.js';
import type { Remote } from '../remotes/remote.js';
import { record } from './file-read.js';
import { checkAndPin } from './high-water.js';
import { checkLayout } from './layout.js';
import { restoreAll, type RestoredFile } from './restore-objects.js';
import { emptyState, saveState, type FileRecord } from './state.js';
import { TrackedMap } from '../fsutil/line-log.js';
import { parseOr, readIfExists } from '../fsutil/read.js';
import { keepS3Connection } from '../remotes/open-cloud.js';
import { s3FromEnv } from '../remotes/s3/location.js';
import { repoStorageAt } from '../backup/storage.js';
import { deviceNameOf } from '../devices/this-device.js';
import { listRecords } from '../devices/records.js';

/**
 * The keys that read cloud objects: the current ones, and the earlier ones
 * only on the computer whose own rotation is re-encrypting the cloud (its
 * record in CASEVAULT_HOME says so; never the cloud's key file, whose
 * authentic "re-encrypting" state a cloud can replay after the rotation).
 */
export async function cloudRing(home: string, keys: ReadKeys): Promise<ReadKeys[]> {
  return (await rotationPending(home)) ? keyring(keys) : [keys];
}

/** A computer's name from its authentic device record under the current keys (the cloud cannot name one). */
async function computerName(remote: Remote, keys: ReadKeys, deviceId: string): Promise<string | null> {
  const records = await listRecords(remote, [keys]).catch(() => []);
  return records.find((r) => r.id === deviceId && r.generation === 0)?.record?.name ?? null;
}

/** The folder to rebuild a vault into: new or empty (`resume`: an interrupted rebuild into it goes on). */
export async function assertNewOrEmpty(dir: string, resume: boolean): Promise<void> {
  const entries = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    if (e.code === 'ENOTDIR') throw new UsageError('the vault path exists and is not a folder; choose a new or empty folder');
    throw e;
  });
  if (entries.length > 0 && !resume) throw new UsageError('the folder to recover into is not empty; choose a new or empty folder');
}

/** The sync records of the files restored into `vaultDir`, so the next sync uploads none of them again. */
export function recordsOf(restored: readonly RestoredFile[], vaultDir: string): TrackedMap<FileRecord> {
  const files = new TrackedMap<FileRecord>();
  for (const r of restored) {
    if (r.written !== join(vaultDir, ...r.meta.path.split('/'))) continue; // renamed beside a clash: let sync upload it
    const st = statSync(r.written); // a few microseconds, where 10,000 awaited calls on the thread pool took most of a second
    files.set(r.meta.path, record(st, Buffer.from(r.idHex, 'hex'), r.tag));
  }
  return files;
}

export async function recoverVault(core: Core, o: RecoverOptions, dropbox: RecoverOptions['dropbox']): Promise<RecoverReport> {
  const markerPath = join(core.home, homeFiles.recovering);
  const marker = parseOr<{ vaultDir?: string }>(await readIfExists(markerPath, 'utf8'));
  const resume = marker?.vaultDir === resolve(o.vaultDir);
  // A recovery into this folder killed after it wrote the settings (they name the folder): finished by running it again. Any other vault here is refused.
  if (!resume || !(await hasConfig(core.home)) || (await loadConfig(core.home)).vaultDir !== resolve(o.vaultDir)) await ensureFreshHome(core.home);
  await checkLayout(o.vaultDir, o.cloud.kind === 'folder' ? o.cloud.dir : undefined);
  await assertNewOrEmpty(o.vaultDir, resume);
  const remote = await core.newRemote(o.cloud, dropbox, o.s3);
  const kfBytes = await readKeyFileBytes(remote);
  if (!kfBytes) throw new UsageError('there is no Casevault vault in that cloud folder (it has no key file)', 'choose-other-folder');
  const cloudKf = parseKeyFile(kfBytes);
  const keys = await openWith(cloudKf, o.secret);
  try {
    const backup = o.backupDir
      ? await inspectBackupFolder({
          dir: o.backupDir,
          vaultDir: o.vaultDir,
          home: core.home,
          cloud: o.cloud,
          writeKeys: writeKeysOf(keys),
          earlierAuthKeys: (keys.previous ?? []).map((k) => toBase64(k.authKey)),
          earlierKeysLocked: false,
          storage: (d) => repoStorageAt(d, async () => o.s3 ?? s3FromEnv(core.env)), // an s3:// backup location: with the connection given, else the environment's
        })
      : undefined;
    return await withHomeLock(core.home, async () => {
      await mkdir(o.vaultDir, { recursive: true });
      await writeFileAtomic(markerPath, JSON.stringify({ vaultDir: resolve(o.vaultDir) }));
      const result = await restoreAll(remote, keyring(keys), o.vaultDir, core.emit, 'recover', resume);
      const config = await newConfig(core.home, o.vaultDir, o.cloud, keys, backup?.dir, deviceNameOf(core.env));
      if (backup) await saveBackupState(core.home, attachedState(emptyBackupState(), undefined, backup));
      if (dropbox) await core.keepDropboxToken(keys, dropbox);
      await keepS3Connection(core.home, keys, o.cloud, o.s3, core.env, o.backupDir);
      await writeFileAtomic(join(core.home, homeFiles.keyFile), kfBytes);
      const state = emptyState();
      state.files = recordsOf(result.restored, config.vaultDir);
      await saveState(core.home, state);
      const { newest } = await checkAndPin(core.home, remote, keys.authKey); // nothing pinned yet: what the cloud holds now is the mark from here on
      const lastChanged = newest && { at: new Date(newest.timeMs).toISOString(), by: await computerName(remote, keys, newest.deviceId) };
      await adoptMirroredMarks(core.home, remote, keys);
      await rm(markerPath, { force: true });
      await core.record(
        'vault recovered onto this computer',
        `${fileCount(result.restored.length)}, ${result.failed.length} damaged${'escrowKeyFile' in o.secret ? ", opened with the union's escrow key" : ''}`,
      );
      await mirrorAudit(core.home, remote, config.deviceId, keys.authKey).catch(() => {}); // the recovery is on record in the cloud at once; else at the first sync pass
      const attached = backup && folderReport(backup, null);
      if (attached) await core.record('backup folder attached', describeAttached(attached));
      return {
        restored: result.restored.length,
        bytes: result.restored.reduce((n, r) => n + r.meta.size, 0),
        failed: result.failed,
        lastChanged: lastChanged ?? null,
        ...(attached ? { backup: attached } : {}),
      };
    });
  } finally {
    await wipeKeys(keys);
  }
}
