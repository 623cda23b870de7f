// The cloud copy as the shells see it: where it is, sync passes, the vault's
// files and their state, checking the cloud copy, recovering onto a new
// computer, and the overall status.
import { z } from 'zod';

export const cloudSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('folder'), dir: z.string() }),
  z.object({ kind: z.literal('dropbox'), root: z.string() }),
]);
/** Where the encrypted copy lives: a folder (a sync folder, a share) or Dropbox through its API. */
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
  failed: PathReason[];
  /** Unchanged files uploaded again because their object was missing or damaged in the cloud. */
  repaired: number;
  /** Files another computer changed in the cloud meanwhile: this computer's version was kept beside, as `keptAs`. */
  conflicts: { path: string; keptAs: string }[];
  /** Symbolic links seen and not followed. */
  skippedLinks: number;
  /** Folders that could not be read (nothing under them was treated as deleted). */
  unreadableFolders: number;
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
}

/** A cloud object that could not be read, by its name in the cloud (its real path may be unknown). */
export interface ObjectFailure {
  object: string;
  reason: string;
  /** Under the vault's keys from before a key rotation (not re-encrypted yet, or planted with a lost computer's keys): not read. */
  earlierKeys?: boolean;
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
}

export interface StatusReport {
  vaultDir: string;
  cloud: string;
  locked: boolean;
  files: { total: number; synced: number; pending: number; failed: number };
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
  keyRotation: 'none' | 'interrupted' | 'running';
}
