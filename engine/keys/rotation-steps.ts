// Rotating the vault's keys after a computer is lost. The new keys are made
// first and kept in CASEVAULT_HOME/rotating.json (their key file: it opens
// only with the new passphrase), then the vault switches to them (cloud and
// home key files, settings, stored sign-in, audit trail, housekeeping marks),
// so from that moment nothing new is readable with the lost computer's keys,
// and the new recovery key is handed to the person. Then every cloud object
// still under the old keys is re-encrypted under the new ones and the old
// copy deleted. Each step can be repeated, so a run killed at any point is
// finished by running it again with the new passphrase.
// Spec: docs/key-rotation.md.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  keyring,
  objectId,
  objectRemoteName,
  ObjectSealer,
  openObject,
  parseKeyFile,
  toBase64,
  toHex,
  utf8,
  writeKeysOf,
  type KeyFile,
  type ReadKeys,
} from '../../crypto/index.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { rekeyAudit } from '../audit/trail.js';
import { saveConfig, writeKeyFields, type VaultConfig } from '../config.js';
import { loadDropboxToken, loadS3Connection, storeDropboxToken, storeS3Connection } from '../remotes/open-cloud.js';
import { remoteTag, tagOf, tapFirst } from '../mirror/devices.js';
import { Damaged, isDataDefect } from '../errors.js';
import { homeFiles } from '../home.js';
import { hasMarks, loadMarks } from '../housekeeping/marks.js';
import { putMirror } from '../housekeeping/mirror.js';
import { runPool } from '../fsutil/pool.js';
import { describeObjectFailure, listObjects } from '../mirror/restore-objects.js';
import { type Remote } from '../remotes/remote.js';
import { loadState, saveState, type FileRecord } from '../mirror/state.js';
import { parseTrashName, trashName } from '../mirror/trash.js';
import { type ReencryptReport, type Emit, type KeyRotationState, type ObjectFailure } from '../../contract/index.js';
import { exists } from '../fsutil/read.js';

const BATCH = 256;
const CONCURRENCY = 4;

/** A rotation that has started on this computer and not finished: its new key file, and whether its recovery key has reached the person. */
export interface PendingRotation {
  keyFile: KeyFile;
  recoveryShown: boolean;
}

const pendingSchema = z.object({ keyFile: z.unknown(), recoveryShown: z.boolean() }).strict();

export async function loadRotation(home: string): Promise<PendingRotation | undefined> {
  const text = await readFile(join(home, homeFiles.rotating), 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (text === undefined) return undefined;
  try {
    const p = pendingSchema.parse(JSON.parse(text));
    return { keyFile: parseKeyFile(utf8(JSON.stringify(p.keyFile))), recoveryShown: p.recoveryShown };
  } catch {
    throw new Damaged(
      `this computer's record of the unfinished key rotation (${homeFiles.rotating}) is damaged; recover the vault afresh with the new passphrase (or, if the rotation never reached the cloud, the old one)`,
      'recover-afresh',
    );
  }
}

/** Whether a rotation is pending on this computer (even one whose record is damaged). */
export async function rotationPending(home: string): Promise<boolean> {
  return exists(join(home, homeFiles.rotating));
}

/** A rotation re-encrypting now (`running`, the engine's own), else one stopped part-way, else none. */
export async function rotationState(home: string, running: boolean): Promise<KeyRotationState> {
  return running ? 'running' : (await rotationPending(home)) ? 'interrupted' : 'none';
}

export async function saveRotation(home: string, p: PendingRotation): Promise<void> {
  await writeFileAtomic(join(home, homeFiles.rotating), JSON.stringify(p));
}

export async function endRotation(home: string): Promise<void> {
  await rm(join(home, homeFiles.rotating), { force: true });
}

/**
 * This computer's settings and sealed secrets, moved to new keys (`keys`,
 * whose `previous` holds the old ones): the write keys in config.json, the
 * Dropbox sign-in, the housekeeping marks' cloud copy, the audit trail. The
 * backup folder's key is re-wrapped by the backups (the auth keys it may
 * still be under are kept in config.json until then). Repeatable.
 */
export async function moveHomeToKeys(o: { home: string; config: VaultConfig; remote: Remote; keys: ReadKeys }): Promise<void> {
  const { home, keys } = o;
  const retired = o.config.backupDir ? [...new Set([...(o.config.retiredAuthKeys ?? []), ...(keys.previous ?? []).map((k) => toBase64(k.authKey))])] : [];
  const retiredPublicKeys = (keys.previous ?? []).map((k) => toBase64(k.publicKey));
  const config: VaultConfig = {
    ...o.config,
    ...writeKeyFields(writeKeysOf(keys)),
    ...(retired.length ? { retiredAuthKeys: retired } : {}),
    ...(retiredPublicKeys.length ? { retiredPublicKeys } : {}),
  };
  if (!retired.length) delete config.retiredAuthKeys;
  await saveConfig(home, config);
  for (const k of keyring(keys)) {
    const token = await loadDropboxToken(home, k).catch(() => undefined);
    if (token) {
      await storeDropboxToken(home, keys, token);
      break;
    }
  }
  for (const k of keyring(keys)) {
    const s3 = await loadS3Connection(home, k).catch(() => undefined);
    if (s3) {
      await storeS3Connection(home, keys, s3);
      break;
    }
  }
  if (await hasMarks(home)) await putMirror(o.remote, keys, config.deviceId, await loadMarks(home)).catch(() => {}); // mirrored again at the next change
  await rekeyAudit(home, keys.previous ?? [], keys);
}

/**
 * On a computer taking on keys rotated elsewhere: each file's record names
 * its object under the new keys (there once the other computer has
 * re-encrypted it; until then the next sync uploads the file again). The
 * write tags are dropped: they name writes under the old keys.
 */
export async function renameSyncRecords(home: string, keys: ReadKeys): Promise<void> {
  const state = await loadState(home);
  for (const [path, rec] of state.files) {
    rec.id = toHex(await objectId(keys.nameKey, rec.conflictCopy ?? path));
    delete rec.tag;
  }
  await saveState(home, state);
}

interface Job {
  name: string;
  idHex: string;
  /** For a trashed object: its trash time stamp (kept, so it is purged when it would have been). */
  stamp?: string;
}

/**
 * Re-encrypt every cloud object (and trashed object) still under earlier
 * keys. Each is decrypted in full and written under the current keys at its
 * new name before the old one is deleted, and only once this computer's
 * state names the new one. An object whose file already has a current one
 * (written by a sync since the switch, or by a run killed before deleting)
 * is not copied: the old one is deleted. Objects no key opens are left for
 * verify to report.
 */
export async function reencryptCloud(o: { home: string; remote: Remote; keys: ReadKeys; emit: Emit }): Promise<ReencryptReport & { unreadableNow: number }> {
  const { remote, keys } = o;
  const ring = keyring(keys);
  const jobs: Job[] = [];
  const present = new Set<string>();
  for (const { name, idHex } of await listObjects(remote)) {
    if (!idHex) continue; // not an object: verify reports it
    present.add(idHex);
    jobs.push({ name, idHex });
  }
  for await (const e of remote.list('trash/')) {
    const t = parseTrashName(e.name);
    if (t) jobs.push({ name: e.name, ...t });
  }
  const state = await loadState(o.home);
  const byId = new Map<string, FileRecord[]>();
  for (const rec of state.files.values()) byId.set(rec.id, [...(byId.get(rec.id) ?? []), rec]);
  // unreadableNow: objects that could not be read just now (the connection, the cloud folder): the rotation is not finished.
  const report = { reencrypted: 0, failed: [] as ObjectFailure[], reuploaded: 0, unreadableNow: 0 };
  const progress = { task: 'rotate' as const, filesDone: 0, filesTotal: jobs.length, bytesDone: 0, bytesTotal: 0 };
  o.emit('progress', { ...progress });
  const sealer = await ObjectSealer.create(writeKeysOf(keys));
  try {
    for (let at = 0; at < jobs.length; at += BATCH) {
      const done: string[] = [];
      const damaged: Job[] = [];
      await runPool(jobs.slice(at, at + BATCH), CONCURRENCY, async (job) => {
        try {
          if (await reencryptOne(job, { remote, ring, sealer, present, byId })) done.push(job.name);
        } catch (e) {
          if (!isDataDefect(e)) report.unreadableNow++;
          else {
            report.failed.push({ object: job.name, reason: describeObjectFailure(e) });
            if (!job.stamp && byId.has(job.idHex)) damaged.push(job);
          }
        }
        progress.filesDone++;
        o.emit('progress', { ...progress });
      });
      // A damaged object of one of this computer's files: its record goes (the next sync uploads the file under the new keys) and the object to the trash.
      for (const job of damaged) for (const [path, rec] of state.files) if (rec.id === job.idHex) state.files.delete(path);
      await remote.flush?.();
      await saveState(o.home, state);
      for (const name of done) await remote.delete(name);
      for (const job of damaged) await remote.move(job.name, trashName(job.idHex, new Date()));
      report.reencrypted += done.length;
      report.reuploaded += damaged.length;
    }
  } finally {
    sealer.dispose();
  }
  return report;
}

/** Returns whether the old object `job` is now to be deleted (false: it is under the current keys already). */
async function reencryptOne(
  job: Job,
  c: { remote: Remote; ring: ReadKeys[]; sealer: ObjectSealer; present: Set<string>; byId: Map<string, FileRecord[]> },
): Promise<boolean> {
  const opened = await openObject(c.ring, Buffer.from(job.idHex, 'hex'), c.remote.get(job.name));
  if (opened.generation === 0) {
    await opened.content.return(undefined);
    return false;
  }
  const newId = await objectId(c.ring[0]!.nameKey, opened.meta.path);
  const newHex = toHex(newId);
  const newName = job.stamp ? trashName(newHex, job.stamp) : objectRemoteName(newId);
  let tag: string | undefined;
  if (!job.stamp && c.present.has(newHex)) {
    await opened.content.return(undefined);
    tag = await remoteTag(c.remote, newName);
  } else {
    await c.remote.put(
      newName,
      tapFirst(c.sealer.encrypt(newId, opened.meta, opened.content), (head) => (tag = tagOf(head))),
    );
  }
  if (!job.stamp) {
    for (const rec of c.byId.get(job.idHex) ?? []) {
      rec.id = newHex;
      if (tag) rec.tag = tag;
      else delete rec.tag;
    }
  }
  return true;
}
