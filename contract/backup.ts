// Backups as the shells see them: snapshots, runs, restoring, checking and
// the retention policy.
import { z } from 'zod';
import type { HealthItem } from './health.js';
import type { PathReason } from './mirror.js';
import { fileCount } from './words.js';

const count = z.number().int().min(0).max(1000);
export const retentionSchema = z.object({ last: count, daily: count, weekly: count, monthly: count, yearly: count }).strict();
/** Which snapshots `forget` keeps: the newest N, and the newest of each of the last N days, ISO weeks, months, years. */
export type RetentionPolicy = z.infer<typeof retentionSchema>;

export interface BackupReport {
  /** The new snapshot's ID (32 hex digits). */
  snapshot: string;
  time: string;
  files: number;
  bytes: number;
  /** Files read (new or changed since the last backup from this computer). */
  filesRead: number;
  bytesRead: number;
  /** New chunks stored, and the bytes of the packs written (what the backup drive gained). */
  blobsAdded: number;
  bytesAdded: number;
  packsWritten: number;
  /** Files left out of this snapshot (unreadable, a name that is not valid text, or changing the whole time), and folders that could not be read (their path ends in '/'). */
  failed: PathReason[];
  skippedLinks: number;
  /** Folders that could not be read (each also in `failed`). */
  unreadableFolders: number;
  durationMs: number;
}

export interface SnapshotInfo {
  id: string;
  time: string;
  files: number;
  bytes: number;
  /** An archive of some cases (housekeeping): never forgotten, never "latest". */
  archive?: true;
}

/** The backup folder's snapshots, and those whose manifest cannot be read (damaged or tampered with): listed apart, never hidden. */
export interface SnapshotList {
  /** The readable ones, oldest first. */
  snapshots: SnapshotInfo[];
  /** IDs of the snapshots that cannot be read (verify --backup says what is wrong with each). */
  unreadable: string[];
  /** IDs of snapshots this computer took, and did not forget, that are gone from the backup folder (deleted, or the folder put back to an earlier state). */
  missing: string[];
  /** IDs of snapshots this computer forgot (backup-state.json) that are in the backup folder again: put back by someone who kept a copy (a replay). Never listed, never restored; `forget` removes them again. */
  replayed?: string[];
}

/** One backup run on this computer, taken or attempted. */
export interface BackupRun {
  at: string;
  ok: boolean;
  snapshot?: string;
  files: number;
  bytesAdded: number;
  durationMs: number;
  /** A failure's plain reason. */
  error?: string;
}

export interface BackupStatus {
  folder: string | null;
  /** Whether the backup folder is there now (a drive plugged in, a share mounted). */
  reachable: boolean;
  lastBackup: BackupRun | null;
  lastAttempt: BackupRun | null;
  nextBackup: string | null;
  overdue: boolean;
  /** The latest runs on this computer into this folder, newest first (up to 20): each backup taken or attempted. */
  runs: BackupRun[];
  /** The folder's snapshots as this computer last listed them (what it can say while the drive is away); null if never listed. */
  remembered: RememberedSnapshots | null;
  /** When a check (verify or restore) last found damaged data in the folder that is still recorded (ISO time); null if none. */
  damageFound: string | null;
  /**
   * The backups area's health from these facts (engine/health/backups.ts),
   * as Home's: not ok with the drive away, the last run failed, none taken,
   * damage found since, a backup late or overdue. `status().health` adds
   * what needs the folder read (the last backup readable, none gone).
   */
  health: HealthItem;
}

/** What BackupStatus says before its health is judged. */
export type BackupFacts = Omit<BackupStatus, 'health'>;

/** What this computer remembers of the backup folder's snapshots, from the last time it listed them. */
export interface RememberedSnapshots {
  /** When they were listed (ISO time). */
  at: string;
  /** Backups (archives not counted). */
  snapshots: number;
  archives: number;
  /** The latest backup's time (ISO), if any. */
  latest: string | null;
}

/**
 * A backup folder attached or changed. 'adopted': it holds this vault's
 * backups (from this or another computer, from before a key rotation too),
 * which are listed and restore from now on; 'empty': an empty folder;
 * 'new': no folder there yet (made at the next backup); 'unchanged': it was
 * the backup folder already.
 */
export interface BackupFolderReport {
  folder: string;
  previous: string | null;
  state: 'adopted' | 'empty' | 'new' | 'unchanged';
  snapshots: number;
  archives: number;
  /** The latest backup in it (ISO time), if any. */
  latest: string | null;
  /** Its key was under the vault's earlier keys (a key rotation while it was away) and is now under the current ones. */
  rewrapped: boolean;
}

/** One version of a file: what it was (size, change time, content) and the snapshots holding exactly that. */
export interface FileVersion {
  size: number;
  /** When the file was last changed, as the backup recorded it. */
  mtimeMs: number;
  /** Its content's chunks (a count: versions are told apart by the chunks themselves, which stay in the engine). */
  chunks: number;
  /** Newest first. */
  snapshots: { id: string; time: string; archive?: true }[];
}

/** A file's versions across the backup folder's snapshots, the most recently changed first. */
export interface FileVersions {
  path: string;
  versions: FileVersion[];
  /** Snapshots whose file list could not be read (damaged): they may hold other versions. */
  unreadable: string[];
}

export interface RestoreReport {
  snapshot: string;
  restored: number;
  bytes: number;
  /** Files already there with the same content, left as they were (counted in `restored`). */
  identical: number;
  /** Files written beside an existing, different file of the same name. */
  renamed: { path: string; writtenAs: string }[];
  /** Files not restored; `damaged`: the backup data they need is damaged or missing (an older snapshot may have it). */
  failed: (PathReason & { damaged: boolean })[];
  /** The folder restored into (absolute). */
  to: string;
  /** Where each restored file now is (absolute; beside an existing one if renamed), for the first 100 of them. */
  written: { path: string; writtenAs: string }[];
}

/**
 * What a restore wrote, in one sentence for the app and the command line:
 * files already there with the same content (left as they were) are said
 * apart, never counted as restored. `from`: "from snapshot 1a2b3c4d",
 * "into /home/…/Restored"; `size`: the shell's way of writing sizes.
 */
export function restoredSentence(r: Pick<RestoreReport, 'restored' | 'identical' | 'bytes'>, from: string, size: (bytes: number) => string): string {
  const written = r.restored - r.identical;
  if (r.identical === 0) return `Restored ${fileCount(written)} (${size(r.bytes)}) ${from}.`;
  const were = r.identical === 1 ? 'was' : 'were';
  if (written === 0) {
    return `Nothing needed restoring ${from}: ${r.identical === 1 ? 'the file was' : `all ${fileCount(r.identical)} (${size(r.bytes)}) were`} already there with the same content.`;
  }
  return `Restored ${fileCount(written)} ${from}; ${r.identical} more ${were} already there with the same content and left as ${r.identical === 1 ? 'it was' : 'they were'}.`;
}

/** A snapshot's files as the app's restore screen browses them (no chunk IDs). */
export interface SnapshotTree {
  snapshot: string;
  time: string;
  files: { path: string; size: number; mtimeMs: number }[];
}

/** Something wrong in the backup folder: the pack, index file or snapshot, and why. */
export interface BackupProblem {
  item: string;
  reason: string;
  /** A damaged pack every bad chunk of which a later backup stored again, sound, elsewhere: no snapshot needs it any more, and pruning removes it. */
  healed?: boolean;
  /** 'replayed': a snapshot this computer forgot, put back into the folder (`forget --prune` removes it again); 'not-a-snapshot': a file in snapshots/ that is not a snapshot of this repository (junk, cut short, another vault's): moved out by hand. */
  kind?: 'replayed' | 'not-a-snapshot';
}

export interface BackupVerifyReport {
  snapshots: number;
  packs: number;
  /** Packs whose data was decrypted (all, or the sample in quick mode). */
  packsRead: number;
  blobs: number;
  bytes: number;
  quick: boolean;
  bad: BackupProblem[];
  /** Snapshots (hex IDs) that need damaged or missing data: restoring them recovers every other file. */
  damagedSnapshots: string[];
  /**
   * Snapshots this computer took that are missing from the folder while a
   * later one of its own is there: named among `bad` this once, recorded in
   * the audit trail, and not reported missing again (by `snapshotList`,
   * restore of "latest" or the next verify).
   */
  noted: string[];
}

export interface PruneReport {
  packsDeleted: number;
  packsRewritten: number;
  packsWritten: number;
  blobsRemoved: number;
  /** Bytes of packs before and after. */
  bytesBefore: number;
  bytesAfter: number;
  /** Chunks a snapshot needs that the repository lacks (verify --backup says which). */
  missingBlobs: number;
  /** Packs no snapshot needs that the storage's Object Lock keeps (S3): not deleted yet; all can go from `until` (the latest of their dates). */
  locked?: { packs: number; bytes: number; until: string };
  /** Files in snapshots/ that are not snapshots of this repository (junk, cut short, another vault's): left alone, and nothing kept for them. */
  notSnapshots?: string[];
}

export interface ForgetReport {
  kept: { id: string; time: string; reasons: string[] }[];
  removed: { id: string; time: string }[];
  /** Snapshots whose summary could not be read: never removed. */
  unreadable: string[];
  /** Snapshots the policy lets go that the storage's Object Lock keeps until `until` (S3): not removed yet (a later forget removes them). */
  locked?: { id: string; time: string; until: string }[];
  /** Snapshots this computer had forgotten that were back in the folder (a replay): removed again. */
  replayed?: string[];
  prune?: PruneReport;
}

/**
 * An archive as the backup folder holds it. 'snapshot': its manifest is
 * there; 'marker only': an archive run, or a deletion, stopped part way
 * (nothing restorable); 'unreadable': a manifest that does not open;
 * 'missing': this computer remembers it, the folder holds neither manifest
 * nor marker.
 */
export type DriveArchiveState = 'snapshot' | 'marker only' | 'unreadable' | 'missing';

export interface ArchiveRemoval {
  id: string;
  /** What was in the backup folder and is gone now ('nothing': only this computer's record was left). */
  removed: 'snapshot and marker' | 'marker' | 'nothing';
  time: string | null;
  files: number | null;
  /** Pack bytes freed by the prune that followed (which also takes any other data no snapshot needs). */
  bytesFreed: number;
  prune: PruneReport;
}
