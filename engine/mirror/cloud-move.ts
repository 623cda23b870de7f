// Moving the cloud copy to another place (a folder, Dropbox or S3 storage): every object
// and trashed object, the device records, audit trails and housekeeping marks
// are copied, the new place is read back (every object authenticates, every
// file of this computer's records is there), the key file goes last, and
// only then does this computer's config switch to it. Deleting the old copy
// is a separate, confirmed step. The old copy is only read until then, and
// the switch is one atomic write, so a run killed at any instant leaves the
// vault working on the old place or the new one, never neither; running it
// again finishes (cloud-move.json in Casevault's settings folder names the move under way).
//
// A place that already holds this vault (another computer moved it there
// first) is joined: only what is missing there is copied, nothing there is
// replaced, and a file this computer wrote to the old place meanwhile is
// uploaded again by the next sync (as a conflicted copy, if the other
// computer changed it too). Spec: docs/cloud-move.md.
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { KEYFILE_MAX_BYTES, openObject, parseKeyFile, parseObjectRemoteName, toBase64, type KeyFile, type ReadKeys } from '../../crypto/index.js';
import { cloudSchema, type CloudMoveReport, type CloudSpec, type Emit } from '../../contract/index.js';
import { saveConfig, type VaultConfig } from '../config.js';
import { Refused, UsageError } from '../errors.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { pruneEmptyFolders } from '../fsutil/empty-folders.js';
import { runPool } from '../fsutil/pool.js';
import { parseOr, readIfExists, statIfExists } from '../fsutil/read.js';
import { homeFiles } from '../home.js';
import { rotationPending } from '../keys/rotation-steps.js';
import { RemoteNotFound, type Remote } from '../remotes/remote.js';
import { describeCloud } from '../remotes/open-cloud.js';
import { remoteTag } from './devices.js';
import { canonical, checkLayout, checkS3Apart, inside, s3Overlap, VAULT_CLOUD_PREFIXES } from './layout.js';
import { cloudRing } from './recover.js';
import { loadState, saveState } from './state.js';
import { parseTrashName } from './trash.js';

const MARKER = homeFiles.cloudMove;
const KEY_FILE = 'casevault.key';
// The last two: a computer's high-water record, and its order and wipe receipt (docs/devices.md).
const OURS = [
  /^devices\/[0-9a-f]{32}$/,
  /^audit\/[0-9a-f]{32}\.log$/,
  /^housekeeping\/[0-9a-f]{32}$/,
  /^highwater\/[0-9a-f]{32}$/,
  /^devices\/[0-9a-f]{32}\.(order|wiped)$/,
];
/** What a cloud folder holds at its root: a folder with only these (and a sync client's own files) is a half-made copy. */
const CLOUD_NAMES = new Set([KEY_FILE, 'objects', 'trash', 'devices', 'audit', 'housekeeping', 'highwater', 'tmp']);
const CLIENT_FILES = /^(\..*|desktop\.ini|Thumbs\.db|Icon\r)$/i;

const markerSchema = z.object({
  from: cloudSchema,
  to: cloudSchema,
  startedAt: z.string(),
  /** This computer uses `to` now; `from` is the old copy, until it is deleted. */
  switchedAt: z.string().optional(),
  /** Files whose records name an object the new place lacks or holds in another computer's version: uploaded again by the next sync. */
  reupload: z.array(z.string()).optional(),
  /** Deleting the old copy: everything in it is deleted, and its emptied folder may be gone (a re-run after a kill then only ends the move). */
  oldEmptiedAt: z.string().optional(),
});
export type CloudMoveMarker = z.infer<typeof markerSchema>;

export async function loadMoveMarker(home: string): Promise<CloudMoveMarker | undefined> {
  const parsed = markerSchema.safeParse(parseOr(await readIfExists(join(home, MARKER), 'utf8')));
  return parsed.success ? parsed.data : undefined; // none, or a damaged one: no move is under way (the vault's config says where its cloud is)
}

const saveMarker = (home: string, m: CloudMoveMarker) => writeFileAtomic(join(home, MARKER), JSON.stringify(m));

export function sameCloud(a: CloudSpec, b: CloudSpec): boolean {
  if (a.kind === 's3' || b.kind === 's3') return a.kind === 's3' && b.kind === 's3' && a.bucket === b.bucket && a.prefix === b.prefix;
  return a.kind === 'folder' && b.kind === 'folder' ? a.dir === b.dir : a.kind === 'dropbox' && b.kind === 'dropbox' && a.root === b.root;
}

export interface MoveDeps {
  home: string;
  config: VaultConfig;
  keys: ReadKeys;
  /** The vault's cloud now. */
  from: Remote;
  /** A connection to the new place (for a folder, made here first). */
  open: (cloud: CloudSpec) => Promise<Remote>;
  /** Before the switch: keep what the new place needs on this computer (a Dropbox sign-in). */
  prepare: (cloud: CloudSpec) => Promise<void>;
  emit: Emit;
}

/** Every name of the vault's in `remote` (the key file apart). */
async function vaultNames(remote: Remote): Promise<{ name: string; size: number }[]> {
  const out: { name: string; size: number }[] = [];
  for (const prefix of VAULT_CLOUD_PREFIXES) {
    for await (const e of remote.list(prefix)) {
      if (parseObjectRemoteName(e.name) || parseTrashName(e.name) || OURS.some((re) => re.test(e.name))) out.push(e);
    }
  }
  return out;
}

/** The new folder must be apart from the vault folder, the cloud copy, the backups and this computer's settings. */
async function checkFolder(config: VaultConfig, home: string, dir: string): Promise<void> {
  if (config.cloud.kind === 'folder' && (await canonical(config.cloud.dir)) === (await canonical(dir))) {
    throw new UsageError('the cloud copy is already in that folder', 'choose-other-folder');
  }
  await checkLayout(config.vaultDir, dir);
  const target = await canonical(dir);
  const apart: [string | undefined, string][] = [
    [home, `Casevault's settings folder (${home})`],
    [config.cloud.kind === 'folder' ? config.cloud.dir : undefined, 'the current cloud folder'],
    [config.backupDir && !config.backupDir.startsWith('s3://') ? config.backupDir : undefined, 'the backup folder'],
  ];
  for (const [other, what] of apart) {
    if (!other) continue;
    const c = await canonical(other);
    if (inside(target, c)) throw new UsageError(`the cloud copy cannot go inside ${what}, so that one mishap cannot reach both; choose a folder apart from it`);
    if (inside(c, target))
      throw new UsageError(`the cloud copy cannot go into a folder that holds ${what}, so that one mishap cannot reach both; choose a folder apart from it`);
  }
  const st = await statIfExists(dir);
  if (st && !st.isDirectory()) throw new UsageError('that path exists and is not a folder', 'choose-other-folder');
  await mkdir(dir, { recursive: true }); // chosen by the person: made here, as init makes a new cloud folder
}

/**
 * What the new place holds: this vault already ('join'), nothing (or a copy
 * this computer started into it: 'copy'); another vault or anything else is
 * refused.
 */
async function destinationKind(dest: Remote, to: CloudSpec, keys: ReadKeys, marker: CloudMoveMarker | undefined): Promise<'join' | 'copy'> {
  const bytes = await dest.read(KEY_FILE, KEYFILE_MAX_BYTES).catch((e: unknown) => (e instanceof RemoteNotFound ? undefined : Promise.reject(e)));
  if (bytes) {
    let kf: KeyFile;
    try {
      kf = parseKeyFile(bytes);
    } catch {
      throw new Refused('the new place holds a key file that is not a Casevault vault key file, so nothing was copied there; choose a new or empty folder');
    }
    if (kf.vaultId !== toBase64(keys.vaultId) || kf.publicKey !== toBase64(keys.publicKey)) {
      throw new Refused('the new place holds another vault, so nothing was copied there', 'choose-other-folder');
    }
    return 'join';
  }
  const resuming = marker && !marker.switchedAt && sameCloud(marker.to, to);
  const foreign =
    to.kind === 'folder'
      ? (await readdir(to.dir)).filter((n) => !CLIENT_FILES.test(n) && !(resuming && CLOUD_NAMES.has(n)))
      : resuming
        ? []
        : to.kind === 's3'
          ? await firstName(dest) // a prefix of a shared bucket: anything under it (another tool's, another vault's backups) is not ours to mix with
          : await vaultNames(dest); // Dropbox's app folder: what matters is that no vault's files are there
  if (foreign.length > 0) throw new Refused('the new place is not empty, so nothing was copied there; choose a new or empty folder');
  return 'copy';
}

/** The first name under a remote's place, if any. */
async function firstName(remote: Remote): Promise<string[]> {
  for await (const e of remote.list('')) return [e.name];
  return [];
}

/** A new place on S3 storage: apart from the backups there, and not inside the current cloud copy on S3 (nor holding it). */
function checkS3Place(config: VaultConfig, to: CloudSpec): void {
  checkS3Apart(to, config.backupDir);
  if (to.kind === 's3' && config.cloud.kind === 's3' && s3Overlap(to, config.cloud)) {
    throw new UsageError('the new place on S3 storage is inside the cloud copy there, or holds it; choose a prefix apart from it', 'choose-other-folder');
  }
}

/** Copies `names` that the new place lacks (or, copying into a place of our own, holds in another version: a copy a killed run left half done). */
async function copyNames(from: Remote, dest: Remote, names: { name: string; size: number }[], mode: 'join' | 'copy', deviceId: string, emit: Emit) {
  const progress = { task: 'move' as const, filesDone: 0, filesTotal: names.length, bytesDone: 0, bytesTotal: names.reduce((n, e) => n + e.size, 0) };
  let copied = 0;
  await runPool(names, 4, async ({ name, size }) => {
    // This computer's own records are always brought up to date; in a place another computer made, nothing of theirs is replaced.
    const mine = OURS.some((re) => re.test(name)) && name.includes(deviceId);
    const there = mine ? undefined : await dest.stat(name);
    let skip = false;
    if (there && mode === 'join') skip = true;
    else if (there && there.size === size && (name.startsWith('objects/') || name.startsWith('trash/'))) {
      skip = (await remoteTag(dest, name)) === (await remoteTag(from, name)); // the same write: a killed run copied it already
    }
    if (!skip) {
      await dest.put(name, from.get(name));
      copied++;
    }
    progress.filesDone++;
    progress.bytesDone += size;
    emit('progress', { ...progress });
  });
  await dest.flush?.();
  return copied;
}

/** Reads every object and trashed object of the new place back in full: each must authenticate under the vault's keys. */
async function verifyObjects(dest: Remote, ring: ReadKeys[], emit: Emit): Promise<{ checked: number; bad: number }> {
  const names = (await vaultNames(dest)).filter((e) => e.name.startsWith('objects/') || e.name.startsWith('trash/'));
  const progress = { task: 'verify' as const, filesDone: 0, filesTotal: names.length, bytesDone: 0, bytesTotal: names.reduce((n, e) => n + e.size, 0) };
  let bad = 0;
  await runPool(names, 4, async ({ name, size }) => {
    try {
      const idHex = parseObjectRemoteName(name) ?? parseTrashName(name)!.idHex;
      const { content } = await openObject(ring, Buffer.from(idHex, 'hex'), dest.get(name));
      for await (const piece of content) void piece;
    } catch {
      bad++;
    }
    progress.filesDone++;
    progress.bytesDone += size;
    emit('progress', { ...progress });
  });
  return { checked: names.length, bad };
}

/** Copy, check and switch to `to`. The caller holds the home's lock, with live sync paused and the vault unlocked. */
export async function moveCloud(d: MoveDeps, to: CloudSpec): Promise<CloudMoveReport> {
  if (await rotationPending(d.home))
    throw new Refused('a key rotation on this computer has not finished, so the cloud copy was not moved', 'finish-key-rotation');
  const marker = await loadMoveMarker(d.home);
  if (sameCloud(d.config.cloud, to)) {
    if (marker && !marker.switchedAt && sameCloud(marker.to, to)) return finishSwitch(d, marker, { objects: 0, copied: 0, joined: false });
    throw new UsageError('the cloud copy is already there', 'choose-other-folder');
  }
  if (to.kind === 'folder') await checkFolder(d.config, d.home, to.dir);
  checkS3Place(d.config, to);
  const dest = await d.open(to);
  const mode = await destinationKind(dest, to, d.keys, marker);
  const keyFile = await d.from.read(KEY_FILE, KEYFILE_MAX_BYTES).catch((e: unknown) => {
    if (e instanceof RemoteNotFound) throw new Refused('the cloud copy has no key file, so it cannot be moved', 'verify-cloud');
    throw e;
  });
  const kf = parseKeyFile(keyFile);
  if (kf.publicKey !== toBase64(d.keys.publicKey)) {
    throw new Refused(
      "the cloud copy's key file is not this computer's (the vault's keys were changed on another computer), so the cloud copy was not moved",
      'unlock-with-new-passphrase',
    );
  }
  await saveMarker(d.home, { from: d.config.cloud, to, startedAt: new Date().toISOString() });

  const names = await vaultNames(d.from);
  const copied = await copyNames(d.from, dest, names, mode, d.config.deviceId, d.emit);
  const { checked, bad } = await verifyObjects(dest, await cloudRing(d.home, d.keys), d.emit);
  if (bad > 0) {
    throw new Refused(
      `${bad === 1 ? '1 object' : `${bad} objects`} at the new place could not be read back (damaged in the cloud copy, or while copying); nothing was switched, so check the cloud copy and move it again`,
      'verify-cloud',
    );
  }
  // Every file of this computer's records: its object must be at the new place, as this computer wrote it.
  const inOld = new Set(names.map((e) => e.name));
  const state = await loadState(d.home);
  const reupload: string[] = [];
  for (const [path, rec] of state.files) {
    const name = `objects/${rec.id.slice(0, 2)}/${rec.id}`;
    if (!inOld.has(name)) continue; // missing in the old place too: the next sync uploads it again, as it would there
    const there = await dest.stat(name);
    const sameWrite = there && (!rec.tag || (await remoteTag(dest, name)) === rec.tag);
    if (sameWrite) continue;
    if (mode === 'copy') throw new Refused('a file of this computer is missing at the new place after copying; nothing was switched, so move it again');
    reupload.push(path);
  }
  for (const mine of names.filter((e) => OURS.some((re) => re.test(e.name)) && e.name.includes(d.config.deviceId))) {
    if (!(await dest.stat(mine.name)))
      throw new Refused("this computer's records are missing at the new place after copying; nothing was switched, so move it again");
  }
  if (mode === 'copy') {
    await dest.put(KEY_FILE, keyFile);
    await dest.flush?.();
    if (!Buffer.from(await dest.read(KEY_FILE, KEYFILE_MAX_BYTES)).equals(Buffer.from(keyFile)))
      throw new Refused('the key file could not be written to the new place; move it again');
  }
  await d.prepare(to);
  const switching = { from: d.config.cloud, to, startedAt: new Date().toISOString(), reupload };
  await saveMarker(d.home, switching);
  return finishSwitch(d, switching, { objects: checked, copied, joined: mode === 'join' });
}

/** The switch (one atomic write of the config), then the records of files to upload again; a re-run after a kill lands here too. */
async function finishSwitch(d: MoveDeps, m: CloudMoveMarker, counts: { objects: number; copied: number; joined: boolean }): Promise<CloudMoveReport> {
  if (!sameCloud(d.config.cloud, m.to)) await saveConfig(d.home, { ...d.config, cloud: m.to });
  if (m.reupload?.length) {
    const state = await loadState(d.home);
    for (const p of m.reupload) state.files.delete(p);
    await saveState(d.home, state);
  }
  const switchedAt = new Date().toISOString();
  await saveMarker(d.home, { from: m.from, to: m.to, startedAt: m.startedAt, switchedAt });
  let others = 0;
  const dest = await d.open(m.to);
  for await (const e of dest.list('devices/')) if (OURS[0]!.test(e.name) && !e.name.endsWith(d.config.deviceId)) others++;
  return {
    from: describeCloud(m.from),
    to: describeCloud(m.to),
    objects: counts.objects,
    copied: counts.copied,
    joined: counts.joined,
    uploadAgain: m.reupload?.length ?? 0,
    otherComputers: others,
    movedAt: switchedAt,
  };
}

/**
 * After a move: delete the old copy (what Casevault wrote there only), through
 * `open`'s connection. The key file goes first, so a half-deleted copy is
 * never taken for a whole vault. The marker goes last; a run killed after the
 * emptied folder itself went is finished by the next without opening it.
 */
export async function deleteOldCloud(
  home: string,
  marker: CloudMoveMarker,
  open: () => Promise<Remote>,
  keys: Pick<ReadKeys, 'publicKey'>,
): Promise<{ deleted: number }> {
  if (marker.oldEmptiedAt && marker.from.kind === 'folder' && !(await statIfExists(marker.from.dir))) {
    await rm(join(home, MARKER), { force: true });
    return { deleted: 0 };
  }
  const old = await open();
  const bytes = await old.read(KEY_FILE, KEYFILE_MAX_BYTES).catch((e: unknown) => (e instanceof RemoteNotFound ? undefined : Promise.reject(e)));
  if (bytes) {
    let ours: boolean;
    try {
      ours = parseKeyFile(bytes).publicKey === toBase64(keys.publicKey);
    } catch {
      ours = false;
    }
    if (!ours) throw new Refused('the old place now holds a vault with other keys, so nothing there was deleted');
    await old.delete(KEY_FILE);
    await old.flush?.();
  }
  const names = await vaultNames(old);
  for (const e of names) await old.delete(e.name);
  await old.flush?.();
  if (marker.from.kind === 'folder') {
    // Before the folder itself may go: a re-run that finds it gone then knows it was emptied (not a drive unplugged).
    await saveMarker(home, { ...marker, oldEmptiedAt: new Date().toISOString() });
    await rm(join(marker.from.dir, 'tmp'), { recursive: true, force: true }); // what killed writes left
    await pruneEmptyFolders(marker.from.dir);
  }
  await rm(join(home, MARKER), { force: true });
  return { deleted: names.length + (bytes ? 1 : 0) };
}
