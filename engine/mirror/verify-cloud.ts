// verify --cloud: read every object back, authenticate and decrypt it in
// full, and check it against what this computer last uploaded: an object
// that authenticates but is not the write this computer recorded (its tag
// differs) was put back from an older copy, when no other computer of the
// vault could have written it; and, where no other computer shares the
// vault, that no object is there that no file of the vault has (a deleted
// file put back would come back at the next recovery).
import { lstat } from 'node:fs/promises';
import { DamagedData, keyFileAuthentic, openObject, parseKeyFile, type ReadKeys } from '../../crypto/index.js';
import { tagOf, tapFirst } from './devices.js';
import { countDevices } from '../devices/this-device.js';
import { checkAndPin, othersSum } from './high-water.js';
import { describeObjectFailure, listObjects, safeJoin } from './restore-objects.js';
import { openEach } from './object-pool.js';
import { FolderRemote } from '../remotes/folder.js';
import { LINK_IN_CLOUD } from '../remotes/folder-links.js';
import type { Remote } from '../remotes/remote.js';
import type { SyncState } from './state.js';
import { type VerifyReport, type Emit } from '../../contract/index.js';

/** An authentic object no file of the vault has, where no other computer could have written it: a deleted file put back from the trash or an older copy, or one planted with the vault's keys. */
export const NOT_OURS =
  "no file of the vault has this object, and no other computer shares the vault: a deleted file put back, or a file planted with the vault's keys (a recovery would bring it back; the next sync moves it to the cloud's trash)";

/** Whether the cloud's key file, different from this computer's copy, is genuine for the current keys (a passphrase changed elsewhere), not tampering. */
async function authenticKeyFile(bytes: Uint8Array, keys: ReadKeys): Promise<boolean> {
  try {
    return await keyFileAuthentic(parseKeyFile(bytes), keys);
  } catch {
    return false; // not a key file at all
  }
}

/** Whether the vault folder holds a file at `path` now. */
async function inVault(vaultDir: string | undefined, path: string): Promise<boolean> {
  if (!vaultDir) return false;
  try {
    return (await lstat(safeJoin(vaultDir, path))).isFile();
  } catch {
    return false; // not there, or a path that is not one of the vault's
  }
}

/**
 * `ring`: the vault's keys, current first (earlier ones only while a key
 * rotation re-encrypts the cloud). `cloudKeyFile`: the cloud's key file as
 * read for the key check before (engine/keys/cloud-key-file.ts assertCloudKeys).
 * `deviceId`: this computer's, to tell whether another computer could have
 * replaced an object since this one wrote it.
 */
export async function verifyCloud(
  remote: Remote,
  ring: readonly ReadKeys[],
  state: SyncState,
  localKeyFile: Uint8Array,
  cloudKeyFile: Uint8Array | undefined,
  emit: Emit,
  deviceId: string,
  /** CASEVAULT_HOME, whose pins the computers' high-water records are checked against (and raised to). */
  home?: string,
  /** The vault folder: an object of a file that is there now is that file's, whatever records the sync state lost. */
  vaultDir?: string,
): Promise<VerifyReport> {
  const report: VerifyReport = {
    checked: 0,
    ok: 0,
    bytes: 0,
    bad: [],
    missing: [],
    keyFileMatches: !!cloudKeyFile && Buffer.from(cloudKeyFile).equals(localKeyFile),
  };
  if (!report.keyFileMatches && cloudKeyFile) report.keyFileAuthentic = await authenticKeyFile(cloudKeyFile, ring[0]!);
  if (remote instanceof FolderRemote) remote.newPass();
  const names = await listObjects(remote);
  // The write this computer recorded for each object. With other computers, a different write is a sign of tampering only if none of them has finished a pass since (their high-water counters have not risen).
  const alone = (await countDevices(remote, deviceId, ring[0]!.authKey)).others === 0;
  const othersNow = alone ? 0 : await othersSum(remote, ring[0]!.authKey, deviceId);
  const written = new Map<string, string>();
  for (const rec of state.files.values()) if (rec.tag && (alone || (rec.others !== undefined && othersNow <= rec.others))) written.set(rec.id, rec.tag);
  // Alone, and synced at least once (a lost state knows nothing): every object of the current keys is one of this computer's files.
  const ours = alone && state.lastSync !== undefined ? new Set([...state.files.values()].map((r) => r.id)) : undefined;
  const present = new Set(names.map((n) => n.idHex));
  const progress = { task: 'verify' as const, filesDone: 0, filesTotal: names.length, bytesDone: 0, bytesTotal: 0 };
  /** Whether an object that authenticated whole is the one this computer's records expect; throws DamagedData if not. */
  const judge = async (idHex: string, opened: { path: string; generation: number; tag: string | undefined }) => {
    const recorded = written.get(idHex);
    if (recorded !== undefined && opened.tag !== recorded) throw new DamagedData('replaced with an older copy since this computer wrote it');
    if (ours && opened.generation === 0 && !ours.has(idHex) && !(await inVault(vaultDir, opened.path))) throw new DamagedData(NOT_OURS);
  };
  const outcome = (name: string, checked: { path: string } | { reason: string }) => {
    report.checked++;
    if ('path' in checked) {
      report.ok++;
      emit('file', { task: 'verify', path: checked.path, state: 'ok' });
    } else {
      report.bad.push({ object: name, reason: checked.reason });
      emit('file', { task: 'verify', path: name, state: 'damaged', reason: checked.reason });
    }
    progress.filesDone++;
    emit('progress', { ...progress });
  };
  const onMain = async ({ name, idHex }: { name: string; idHex: string | undefined }) => {
    try {
      if (!idHex) throw new DamagedData('an unexpected file in the cloud folder is not a Casevault object (if nobody put it there on purpose, delete it)');
      let tag: string | undefined;
      const { meta, content, generation } = await openObject(
        ring,
        Buffer.from(idHex, 'hex'),
        tapFirst(remote.get(name), (head) => (tag = head.length >= 61 ? tagOf(head) : undefined)),
      );
      for await (const piece of content) report.bytes += piece.length;
      await judge(idHex, { path: meta.path, generation, tag });
      outcome(name, { path: meta.path });
    } catch (e) {
      outcome(name, { reason: describeObjectFailure(e) });
    }
  };
  // A folder cloud's small objects are checked on worker threads (object-pool.ts), the rest beside them on the main thread.
  await openEach(remote, names, ring, undefined, onMain, async (r) => {
    if (r.kind === 'failed') outcome(r.job.name, { reason: r.reason });
    else if (r.kind === 'checked') {
      report.bytes += r.bytes;
      try {
        await judge(r.job.idHex, { path: r.path, generation: r.generation, tag: r.tag });
        outcome(r.job.name, { path: r.path });
      } catch (e) {
        outcome(r.job.name, { reason: describeObjectFailure(e) });
      }
    }
  });
  for (const [path, rec] of state.files) if (!present.has(rec.id)) report.missing.push(path);
  if (home) report.bad.push(...(await checkAndPin(home, remote, ring[0]!.authKey)).rolledBack);
  // A link in the cloud folder was not followed: what it points at was neither listed nor read; the link is named.
  if (remote instanceof FolderRemote) {
    for (const link of remote.linksMet()) {
      report.bad.push({ object: link, reason: LINK_IN_CLOUD });
      emit('file', { task: 'verify', path: link, state: 'damaged', reason: LINK_IN_CLOUD });
    }
  }
  return report;
}
