// Leaving the role: a complete, independent copy of the vault for a
// successor (or the union), made as a new vault in the cloud-folder format
// with its own keys and passphrase, then read back and checked against the
// vault's plaintext. The vault itself is only read: a run killed at any
// point leaves it as it was, and the next run into the same folder clears
// the half-made copy and starts again. Spec: docs/handover.md.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { escrowPublicKeyOf, openKeyFile, openObject, parseKeyFile, wipeKeys, type AuditEntry, type WriteKeys } from '../../crypto/index.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { sealTrail } from '../audit/trail.js';
import { configWriteKeys, loadConfig, type VaultConfig } from '../config.js';
import { Refused, UsageError } from '../errors.js';
import { homeFiles } from '../home.js';
import { runPool } from '../fsutil/pool.js';
import { readKeyFileBytes } from '../keys/cloud-key-file.js';
import { readLocalKeyFile } from '../keys/lifecycle.js';
import { confirmedEscrowKey } from '../keys/escrow.js';
import { describeObjectFailure, listObjects } from '../mirror/restore-objects.js';
import { FolderRemote } from '../remotes/folder.js';
import { scanVault } from '../mirror/scan.js';
import { canonical, inside } from '../mirror/layout.js';
import {
  foldersAndFiles,
  type CloudSpec,
  type Emit,
  type EngineEvents,
  type HandoverOptions,
  type HandoverReport,
  type SyncReport,
} from '../../contract/index.js';
import { parseOr, readIfExists, statIfExists } from '../fsutil/read.js';
import { copyObjects, type CopyObject } from './copy-record.js';
import { hasMarks, loadMarks, type Marks } from '../housekeeping/marks.js';
import { fetchMirror, putMirror } from '../housekeeping/mirror.js';

/** One vault file as the copy must hold it. */
export type FileDigest = [path: string, size: number, sha256: string];

export interface VaultDigest {
  files: FileDigest[];
  /** SHA-256 over the sorted list: what a removal compares against. */
  digest: string;
}

/** The record of a verified copy (CASEVAULT_HOME/handover-verified.json). */
export interface VerifiedHandover {
  to: string;
  at: string;
  digest: string;
  files: FileDigest[];
  bytes: number;
  /** The copy's objects as verified (absent in a record of an earlier version): what a removal checks are still there. */
  objects?: CopyObject[];
  /** Archives of closed cases in the backup folder, not in the copy (absent in a record of an earlier version). */
  archives?: number;
  /** The backup folder that holds them. */
  backupFolder?: string;
}

/** What the handover uses of the copy's own engine (an Engine for the copy's home). */
export interface CopyEngine {
  events: { on<K extends keyof EngineEvents>(type: K, fn: (e: EngineEvents[K]) => void): unknown };
  init(o: { vaultDir: string; cloud: CloudSpec; passphrase: string }): Promise<{ recoveryKey: string }>;
  unlock(s: { passphrase: string }): Promise<void>;
  escrowAdd(publicKeyFile: string, fingerprint: string, receiptFile?: string): Promise<{ vaultFingerprint: string; receiptFile?: string }>;
  lock(): Promise<void>;
  sync(): Promise<SyncReport>;
}

/** What the handover needs of the Engine that runs it. */
export interface HandoverDeps {
  home: string;
  config: VaultConfig;
  /** The predecessor's audit trail, decrypted (the vault is unlocked). */
  auditEntries: () => Promise<AuditEntry[]>;
  /** A new Engine for the copy's own home (the copy is made by the ordinary init and sync). */
  newEngine: (home: string) => CopyEngine;
  /** How many archives of closed cases the backup folder holds (they are not copied). */
  archives: () => Promise<number>;
  emit: Emit;
}

const IN_PROGRESS = homeFiles.handover;
const VERIFIED = homeFiles.handoverVerified;
const WORK_HOME = homeFiles.handoverWork;
/** What a Casevault cloud folder holds (engine/remotes/folder.ts): a half-made copy has nothing else. */
const CLOUD_NAMES = new Set(['casevault.key', 'objects', 'trash', 'devices', 'audit', 'highwater', 'housekeeping', 'tmp']);

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const piece of createReadStream(path)) h.update(piece as Buffer);
  return h.digest('hex');
}

function digestOf(files: FileDigest[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(`${JSON.stringify(f)}\n`);
  return h.digest('hex');
}

const byPath = (a: FileDigest, b: FileDigest) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** Every file of the vault folder with its SHA-256, as sync sees the folder (links and scratch files left out). */
export async function hashVault(vaultDir: string): Promise<VaultDigest> {
  const scan = await scanVault(vaultDir);
  if (scan.unreadable.length > 0) throw new Refused('some folders in the vault cannot be read; fix their permissions (status lists failures) and try again');
  const files: FileDigest[] = [];
  await runPool([...scan.files.values()], 4, async (f) => {
    files.push([f.path, f.size, await sha256File(join(vaultDir, ...f.path.split('/')))]);
  });
  files.sort(byPath);
  return { files, digest: digestOf(files) };
}

export async function loadVerified(home: string): Promise<VerifiedHandover | undefined> {
  const text = await readIfExists(join(home, VERIFIED), 'utf8');
  try {
    return text === undefined ? undefined : (JSON.parse(text) as VerifiedHandover);
  } catch {
    return undefined; // a damaged record is no verified copy: removal stays refused until a new one is made
  }
}

/** The copy must go somewhere of its own: not in or around the vault, its cloud copy, its backups or this computer's settings. */
async function checkTarget(home: string, config: VaultConfig, to: string): Promise<void> {
  const target = await canonical(to);
  const others = [config.vaultDir, home, ...(config.cloud.kind === 'folder' ? [config.cloud.dir] : []), ...(config.backupDir ? [config.backupDir] : [])];
  for (const o of others) {
    const c = await canonical(o);
    if (inside(target, c) || inside(c, target)) {
      throw new UsageError(
        `the handover folder must be separate from the vault folder, its cloud copy, its backups and Casevault's settings folder (${home}); choose another folder (a USB drive, for instance)`,
      );
    }
  }
}

/**
 * What is in `to`, if it may take the copy: nothing (new or empty), or
 * (named by this home's marker) a half-made copy from a run that died, or
 * the verified copy made there before the vault changed (out of date: it
 * must not reach the successor), to be cleared. Anything else is refused.
 */
async function leftovers(home: string, vaultDir: string, to: string): Promise<string[]> {
  const st = await statIfExists(to);
  if (st && !st.isDirectory()) throw new UsageError('the handover path exists and is not a folder; choose a new or empty folder');
  const entries = st ? await readdir(to) : [];
  if (entries.length === 0) return [];
  const verified = await loadVerified(home);
  const marker = parseOr<{ to?: string }>(await readIfExists(join(home, IN_PROGRESS), 'utf8'));
  // While the marker still names it, even a verified copy is one whose run was killed before it ended (its recovery key never shown): made again.
  const unfinished = marker?.to === to;
  const ours = entries.every((e) => CLOUD_NAMES.has(e));
  if (verified?.to === to && !unfinished) {
    const made = verified.at.slice(0, 10);
    if ((await hashVault(vaultDir)).digest === verified.digest) {
      throw new Refused(
        `this folder already holds the verified handover copy made ${made}; give it to your successor, or choose a new or empty folder to make another`,
      );
    }
    if (ours) return entries;
    throw new Refused(
      `this folder holds the handover copy made ${made}, which is out of date as the vault has changed since, and other files besides, so it is not cleared; do not give it to your successor: choose a new or empty folder for the handover copy`,
    );
  }
  if (!unfinished || !ours) {
    throw new Refused('the handover folder is not empty; choose a new or empty folder');
  }
  return entries;
}

/** The predecessor's audit trail, sealed again under the copy's keys (one chain, original times), as the copy's audit/<device>.log. */
async function copyAuditTrail(remote: FolderRemote, keys: WriteKeys, deviceId: string, entries: AuditEntry[]): Promise<void> {
  await remote.put(`audit/${deviceId}.log`, new TextEncoder().encode((await sealTrail(keys, entries)).text));
  await remote.flush();
}

/**
 * Read the copy back as a successor would: open its key file with the new
 * passphrase, decrypt every object in full, and compare each file's SHA-256
 * with the vault's. Any difference fails the handover.
 */
async function verifyCopy(
  to: string,
  passphrase: string,
  vault: VaultDigest,
  emit: Emit,
  escrowPublicKey: Uint8Array | undefined,
  marks: Marks | undefined,
): Promise<void> {
  const remote = new FolderRemote(to);
  const bytes = await readKeyFileBytes(remote);
  if (!bytes) throw new Refused('the handover copy has no key file; run the handover again');
  const kf = parseKeyFile(bytes);
  if (escrowPublicKey && !Buffer.from(escrowPublicKeyOf(kf) ?? []).equals(Buffer.from(escrowPublicKey))) {
    throw new Refused("the handover copy's key file lacks the escrow key; run the handover again");
  }
  const keys = await openKeyFile(kf, { passphrase });
  const copied = new Map<string, { size: number; sha: string }>();
  const bad: string[] = [];
  let marksBack: Marks | undefined;
  try {
    // The retention marks as the successor's recover adopts them: the authentic sealed copy, opened with the copy's keys.
    if (marks) marksBack = await fetchMirror(remote, keys);
    const names = await listObjects(remote);
    const progress = { task: 'verify' as const, filesDone: 0, filesTotal: names.length, bytesDone: 0, bytesTotal: 0 };
    await runPool(names, 4, async ({ name, idHex }) => {
      try {
        if (!idHex) throw new Error('not an object');
        const { meta, content } = await openObject(keys, Buffer.from(idHex, 'hex'), remote.get(name));
        const h = createHash('sha256');
        for await (const piece of content) h.update(piece);
        copied.set(meta.path, { size: meta.size, sha: h.digest('hex') });
        emit('file', { task: 'verify', path: meta.path, state: 'ok' });
      } catch (e) {
        bad.push(describeObjectFailure(e));
      }
      progress.filesDone++;
      emit('progress', { ...progress });
    });
  } finally {
    await wipeKeys(keys);
  }
  const same =
    bad.length === 0 &&
    copied.size === vault.files.length &&
    vault.files.every(([path, size, sha]) => copied.get(path)?.size === size && copied.get(path)?.sha === sha);
  if (!same) {
    throw new Refused(
      'the handover copy does not match the vault (a file changed while it was copied, or the copy could not be read back); run the handover again',
    );
  }
  if (marks && JSON.stringify(marksBack) !== JSON.stringify(marks)) {
    throw new Refused(
      "the handover copy's retention marks (closing days, retention period, archive records) could not be read back as they are in the vault; run the handover again",
    );
  }
}

/** The copy holds nothing of the predecessor's keys: their passphrase must not open it. */
async function refuseOwnPassphrase(home: string, passphrase: string): Promise<void> {
  const { kf } = await readLocalKeyFile(home);
  const opens = await openKeyFile(kf, { passphrase }).then(
    async (k) => (await wipeKeys(k), true),
    () => false,
  );
  if (opens) {
    throw new UsageError("the successor's passphrase must not be the vault's current one, which would then open the copy too", 'choose-new-passphrase');
  }
}

/** Whether `to` may take the copy, by the very rules the copy is made by: the wizard asks at its step 2, before anything is written. */
export async function checkHandoverFolder(home: string, config: VaultConfig, to: string): Promise<void> {
  await checkTarget(home, config, resolve(to));
  await leftovers(home, config.vaultDir, resolve(to));
}

export async function makeHandover(d: HandoverDeps, o: HandoverOptions): Promise<HandoverReport> {
  const to = resolve(o.to);
  await checkTarget(d.home, d.config, to);
  await refuseOwnPassphrase(d.home, o.passphrase);
  const escrow = o.escrow ? await confirmedEscrowKey(o.escrow.publicKeyFile, o.escrow.fingerprint) : undefined;
  const clear = await leftovers(d.home, d.config.vaultDir, to);
  // The marker first: a run killed from here on (an out-of-date copy half
  // cleared included) leaves a folder the marker names, which the next run
  // clears. Then a new handover replaces the record of any earlier one
  // (before the clearing, as the copy cleared may be one verified just
  // before a kill): from here until this copy is verified, no removal is allowed.
  await writeFileAtomic(join(d.home, IN_PROGRESS), JSON.stringify({ to, started: new Date().toISOString() }));
  await rm(join(d.home, VERIFIED), { force: true });
  for (const e of clear) await rm(join(to, e), { recursive: true, force: true });
  const workHome = join(d.home, WORK_HOME);
  await rm(workHome, { recursive: true, force: true });
  let report: HandoverReport;
  try {
    const copy = d.newEngine(workHome);
    copy.events.on('progress', (e) => d.emit('progress', e));
    copy.events.on('file', (e) => d.emit('file', e));
    const { recoveryKey } = await copy.init({ vaultDir: d.config.vaultDir, cloud: { kind: 'folder', dir: to }, passphrase: o.passphrase });
    let receipt: { vaultFingerprint: string; receiptFile?: string } | undefined;
    if (o.escrow) {
      await copy.unlock({ passphrase: o.passphrase });
      try {
        receipt = await copy.escrowAdd(o.escrow.publicKeyFile, o.escrow.fingerprint, o.escrow.receiptFile);
      } finally {
        await copy.lock();
      }
    }
    const synced = await copy.sync();
    if (synced.failed.length > 0) {
      const n = synced.failed.length;
      const folders = synced.unreadableFolders; // listed among the failures (a folder that cannot be read, or whose name is not valid text)
      throw new Refused(
        `${foldersAndFiles(folders, n - folders)} of the vault could not be copied (unreadable, still being written, or a name that is not valid text); a sync lists the same ones: fix ${n === 1 ? 'it' : 'them'} and make the handover copy again`,
        'check-sync-status',
      );
    }
    const copyConfig = await loadConfig(workHome);
    const remote = new FolderRemote(to);
    // The computer that made the copy is no computer of the successor's: without its
    // record, the successor's computer is the copy's only one (engine/devices.ts).
    await remote.delete(`devices/${copyConfig.deviceId}`);
    await copyAuditTrail(remote, configWriteKeys(copyConfig), d.config.deviceId, await d.auditEntries());
    // The retention marks (closing days, the period, the archive records), sealed again under the copy's keys
    // where the successor's recover adopts them, as it adopts a cloud copy's (engine/housekeeping/mirror.ts).
    const marks = (await hasMarks(d.home)) ? await loadMarks(d.home) : undefined;
    if (marks) await putMirror(remote, configWriteKeys(copyConfig), d.config.deviceId, marks);
    const archives = await d.archives();
    const vault = await hashVault(d.config.vaultDir);
    await verifyCopy(to, o.passphrase, vault, d.emit, escrow?.publicKey, marks);
    const verified: VerifiedHandover = {
      to,
      at: new Date().toISOString(),
      digest: vault.digest,
      files: vault.files,
      bytes: vault.files.reduce((n, f) => n + f[1], 0),
      objects: await copyObjects(to),
      archives,
      ...(d.config.backupDir ? { backupFolder: d.config.backupDir } : {}),
    };
    await writeFileAtomic(join(d.home, VERIFIED), JSON.stringify(verified));
    report = {
      to,
      files: vault.files.length,
      bytes: verified.bytes,
      digest: vault.digest,
      verifiedAt: verified.at,
      recoveryKey,
      archivesNotInCopy: archives,
      ...(d.config.backupDir ? { backupFolder: d.config.backupDir } : {}),
      ...(escrow ? { escrowFingerprint: escrow.fingerprint } : {}),
      ...(receipt ? { escrowVaultFingerprint: receipt.vaultFingerprint, ...(receipt.receiptFile ? { escrowReceiptFile: receipt.receiptFile } : {}) } : {}),
    };
  } finally {
    // The copy's own settings (its write keys): the copy itself holds all it needs.
    await rm(workHome, { recursive: true, force: true });
  }
  // Last: until the marker goes, a re-run clears this copy and makes it again.
  await rm(join(d.home, IN_PROGRESS), { force: true });
  return report;
}
