// The cloud copy as the shells see it: where it is, sync passes, the vault's
// files and their state, checking the cloud copy, recovering onto a new
// computer, and the overall status.
import { z } from 'zod';
import type { HealthItem } from './health.js';
import type { BackupFolderReport } from './backup.js';

export const cloudSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('folder'), dir: z.string() }),
  z.object({ kind: z.literal('dropbox'), root: z.string() }),
  z.object({ kind: z.literal('s3'), bucket: z.string(), prefix: z.string() }),
]);
/**
 * The connection to S3-compatible storage a person types in (the union's
 * storage administrator gives it): the server's address (none: AWS's own),
 * its region, and the caseworker's access key. The secret is kept sealed by
 * the engine and never echoed back.
 */
export const s3ConnectionSchema = z
  .object({
    endpoint: z
      .string()
      .max(2000)
      .regex(/^https?:\/\/[^\s]+$/, 'the S3 endpoint is an address starting with https:// (or http://)')
      .optional(),
    region: z.string().min(1).max(100),
    accessKeyId: z.string().min(1).max(500),
    secretAccessKey: z.string().min(1).max(500),
  })
  .strict();
export type S3ConnectionInput = z.infer<typeof s3ConnectionSchema>;

export interface S3Location {
  bucket: string;
  /** '' or a relative name of safe parts ("unions/branch-7/alice"), without a trailing '/'. */
  prefix: string;
}

// S3's bucket naming rules: 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// The names Casevault gives objects are made of these parts too (engine/remotes/remote.ts).
const PREFIX = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** `s3://BUCKET/PREFIX` (as --cloud and --backup take it) as a location, or one sentence saying what is wrong with it. */
export function parseS3Url(url: string): S3Location | string {
  const m = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(url);
  if (!m) return 'an S3 location is written s3://BUCKET/PREFIX';
  const bucket = m[1]!;
  if (!BUCKET.test(bucket)) return 'the bucket name in an s3:// location must be 3 to 63 lower-case letters, digits, dots or hyphens';
  const prefix = (m[2] ?? '').replace(/\/+$/, '');
  if (prefix !== '' && (!PREFIX.test(prefix) || prefix.split('/').some((p) => p === '.' || p === '..'))) {
    return 'the prefix in an s3:// location may hold only letters, digits, dots, hyphens and underscores, in /-separated parts';
  }
  return { bucket, prefix };
}

export function s3Url(l: S3Location): string {
  return `s3://${l.bucket}${l.prefix ? `/${l.prefix}` : ''}`;
}

/** Where the encrypted copy lives: a folder (a sync folder, a share), Dropbox through its API, or S3-compatible storage (`s3://bucket/prefix`). */
export type CloudSpec = z.infer<typeof cloudSchema>;

export interface PathReason {
  path: string;
  reason: string;
}

export interface SyncReport {
  uploaded: number;
  deleted: number;
  unchanged: number;
  bytesUploaded: number;
  /** Files not synced, and folders that could not be read (their path ends in '/'): their files are not synced either. */
  failed: PathReason[];
  /** Unchanged files uploaded again because their object was missing or damaged in the cloud. */
  repaired: number;
  /** Files another computer changed in the cloud meanwhile: this computer's version was kept beside, as `keptAs`. */
  conflicts: { path: string; keptAs: string }[];
  /** Symbolic links seen and not followed. */
  skippedLinks: number;
  /** Folders that could not be read (each also in `failed`; nothing under them was treated as deleted). */
  unreadableFolders: number;
  /** Set when the cloud copy was found put back to an earlier state than this computer last wrote (its files were all uploaded again). */
  rolledBack?: string;
}

export interface VerifyReport {
  checked: number;
  ok: number;
  bytes: number;
  /** Objects that failed (damaged, tampered, swapped, foreign). */
  bad: ObjectFailure[];
  /** Files this computer uploaded whose object is not in the cloud. */
  missing: string[];
  /** Whether the cloud's key file is byte for byte this computer's copy. */
  keyFileMatches: boolean;
  /**
   * When the cloud's key file differs: true if it is genuine for this
   * vault's current keys (its passphrase or recovery key was changed on
   * another computer, or an earlier genuine copy was put back; both open the
   * same keys), false if it is not (tampered, another vault's, damaged).
   */
  keyFileAuthentic?: boolean;
}

/** A cloud object that could not be read, by its name in the cloud (its real path may be unknown). */
export interface ObjectFailure {
  object: string;
  reason: string;
  /** Under the vault's keys from before a key rotation (not re-encrypted yet, or planted with a lost computer's keys): not read. */
  earlierKeys?: boolean;
  /** The object itself is damaged, tampered with or not this vault's; otherwise it could not be read or written here (a full disk, a path too long for the folder, ...). */
  damaged?: boolean;
}

export interface VaultFile {
  path: string;
  size: number;
  mtimeMs: number;
  state: 'synced' | 'waiting' | 'failed';
  reason?: string;
}

export interface VaultFiles {
  total: number;
  files: VaultFile[];
}

/** Home's view: the status and the file list, computed from one reading of the vault. */
export interface HomeView {
  status: StatusReport;
  files: VaultFiles;
}

/** What a running live sync reports about itself. */
export interface LiveSyncState {
  since: number;
  online: boolean;
  lastPassAt?: number;
  /** One sentence, when the last pass failed as a whole. */
  lastError?: string;
  nextRetryAt?: number;
}

export interface RecoverReport {
  restored: number;
  bytes: number;
  failed: ObjectFailure[];
  /**
   * When a sync pass last changed the cloud copy, and the name of the
   * computer that made it (null: one that has not synced since an update),
   * from the newest authentic high-water record; null when the cloud holds
   * none. A new computer has nothing to compare with: an older copy put
   * back by the cloud reads as the latest, so the person is told the date.
   */
  lastChanged: { at: string; by: string | null } | null;
  /** The backup folder attached at recovery, if one was given. */
  backup?: BackupFolderReport;
}

/** The vault folder put back from the cloud copy (`restored` files), or another folder taken as the vault (none restored). */
export interface VaultFolderReport {
  vaultDir: string;
  restored: number;
  bytes: number;
  failed: ObjectFailure[];
}

/** The sentence that tells a person recovering which state of the cloud copy they got. */
export function lastChangedText(l: NonNullable<RecoverReport['lastChanged']>, when: string): string {
  return `The cloud copy was last changed on ${when}${l.by ? ` by the computer "${l.by}"` : ''}. If you changed files after that, the cloud gave back an older copy: keep the computer that has the newer files and check the cloud copy there.`;
}

export interface StatusReport {
  vaultDir: string;
  /** Casevault's settings folder on this computer (CASEVAULT_HOME): where this computer's copy of the key file is. */
  settingsFolder: string;
  cloud: string;
  locked: boolean;
  files: { total: number; synced: number; pending: number; failed: number };
  /**
   * Whether the cloud was listed for this report (a cloud folder that is there): if not (Dropbox, S3, a folder that
   * is away or did not answer in time), `files.synced` counts the files that were in the cloud at the last sync.
   */
  cloudListedNow: boolean;
  /** Files deleted from the vault whose cloud objects are not yet in the remote trash. */
  pendingDeletions: number;
  failures: PathReason[];
  /** Files another computer changed too: this computer's version goes to the cloud as `keptAs`. */
  conflicts: { path: string; keptAs: string }[];
  lastSync: { at: string; uploaded: number; deleted: number; failed: number } | null;
  /** Up to 1,000 of the files waiting to sync. */
  pendingFiles: string[];
  /** A running live sync on this computer, if any: whether the cloud is reachable, the last error, when it retries. */
  live: (LiveSyncState & { watching: true }) | { watching: false };
  /** When the last backup succeeded, and the next is due (ISO times; null without a backup folder). */
  lastBackup: string | null;
  nextBackup: string | null;
  /** No backup has succeeded for too long (the warning period in the settings). */
  backupOverdue: boolean;
  /** The periodic review of who has access is due (settings: every N months). */
  accessReviewDue: boolean;
  /** A key rotation on this computer stopped before it finished, or is re-encrypting the cloud copy now. */
  keyRotation: KeyRotationState;
  /** The vault's health: every area once, worst first (contract/health.ts). */
  health: HealthItem[];
}

/** A key rotation on this computer: none, stopped before it finished (to be finished), or re-encrypting the cloud copy now. */
export type KeyRotationState = 'none' | 'interrupted' | 'running';

/** What became of a dropped file: added under its own name; its name was taken (nothing written); kept beside the file of that name; put in place of it. */
export type AddFileOutcome = 'added' | 'exists' | 'kept-both' | 'replaced';

/** For a dropped file whose name is taken: write nothing ('refuse', the default), keep both, or replace (the old version kept in the cloud's trash). */
export type AddFileChoice = 'refuse' | 'keep-both' | 'replace';

export interface AddFileReport {
  /** The vault path written (for 'exists': the path that is taken). */
  path: string;
  outcome: AddFileOutcome;
  /** For 'replaced': how many days the replaced version stays in the cloud copy's trash. */
  trashDays?: number;
}

/** A move of the cloud copy to another place (cloud-move). */
export interface CloudMoveReport {
  /** The old and new places, described ("folder /media/x", "Dropbox (app folder)"). */
  from: string;
  to: string;
  /** Objects (and trashed objects) at the new place, each read back and authenticated. */
  objects: number;
  /** Items copied by this run (a re-run copies only what a killed one had not). */
  copied: number;
  /** The new place held this vault already (another computer moved it there first): only what was missing was copied. */
  joined: boolean;
  /** Files this computer's next sync uploads again (changed here after another computer moved the copy). */
  uploadAgain: number;
  /** Other computers of the vault still in use (not marked lost or wiped): each must be pointed at the new place. */
  otherComputers: number;
  movedAt: string;
}

export interface CloudMoveStatus {
  /** Where the cloud copy is now. */
  cloud: string;
  /** After a move: the old copy, kept until its deletion is confirmed. */
  oldCopy: { cloud: string; movedAt: string } | null;
  /** A move that stopped before it switched: running it again with the same place finishes it. */
  interrupted: { to: string } | null;
}
