// Housekeeping as the shells see it: cases and their retention dates,
// archiving and deleting cases, the archives, and the records the union's
// policy asks for.
import type { ArchiveRemoval, DriveArchiveState, RetentionPolicy } from './backup.js';

/** A day, "YYYY-MM-DD" in UTC: a case's closing date is a day, not an instant. */
export type CalendarDate = string;

export interface CaseInfo {
  name: string;
  kind: 'folder' | 'file';
  files: number;
  bytes: number;
  /** The day it was marked closed, if it was. */
  closed: CalendarDate | null;
  /** The day its newest file was last changed (UTC). */
  newestFile: CalendarDate;
  /** What the due date counts from. */
  basis: 'closed' | 'newest file';
  /**
   * Marked closed, but a file of the case changed after the closing day (new
   * documents, or a new case that took the name): the mark does not count,
   * and the basis is the newest file, until the case is closed again or reopened.
   */
  changedSinceClosed: boolean;
  /** From this day on, the case is past retention. */
  due: CalendarDate;
  past: boolean;
  /** Not yet past, but due within the report's dueSoonDays. */
  dueSoon: boolean;
}

/** A case whose `delete` or `archive` was interrupted (killed): the same request, confirmed, finishes it (with the archive already made, for an archive). */
export interface UnfinishedCase {
  case: string;
  doing: 'delete' | 'archive';
}

export interface RetentionReport {
  years: number;
  /** Today (UTC), the day the list was made. */
  today: CalendarDate;
  dueSoonDays: number;
  /** Past retention first, then by due date. */
  cases: CaseInfo[];
  /** Deletions and archivings that were interrupted; a case whose files all went is no longer in `cases`. */
  unfinished: UnfinishedCase[];
}

export interface CaseRequest {
  cases: string[];
  /** The person confirmed (CLI --yes, the app's dialog). Nothing is removed without it. */
  confirm: boolean;
  /** Act on a case that is not yet past retention (recorded as such). */
  force?: boolean;
}

export interface ArchiveOutcome {
  case: string;
  /** The archive's snapshot ID: restoring the case from it brings it back. */
  archive: string;
  files: number;
  bytes: number;
  /** Plaintext files removed after the read-back succeeded. */
  removed: number;
  /** Files kept because they changed after they were archived. */
  changed: string[];
  /** Something stayed in the case's folder (links, changed files, unreadable names). */
  leftovers: boolean;
  forced: boolean;
}

/** When one copy of a deleted case will be gone. */
export interface CopyFate {
  copy: 'this computer' | 'cloud' | 'backups';
  /** 'now', 'never' (an archive keeps it), 'unknown', or the day (UTC). */
  gone: CalendarDate | 'now' | 'never' | 'unknown';
  estimate: boolean;
  note: string;
}

export interface DeletionOutcome {
  case: string;
  files: number;
  removed: number;
  leftovers: boolean;
  forced: boolean;
  copies: CopyFate[];
  /** Other computers of the vault whose device record lists the case as of their last sync: their next sync uploads it again. */
  heldElsewhere: string[];
  /** Other computers whose record could not be opened (the vault locked): they may hold it too. */
  othersUnknown: number;
}

export interface DeleteReport {
  cases: DeletionOutcome[];
  /** Whether the sync pass that moves the cloud objects to the trash ran. */
  synced: boolean;
}

export interface ArchiveEntry {
  id: string;
  /** When it was taken (the drive's record), else when this computer recorded it. */
  time: string | null;
  /** As the backup folder holds it; 'missing' also for a record of this computer's that the folder lacks. */
  state: DriveArchiveState;
  files: number | null;
  bytes: number | null;
  /** What this computer recorded for it; false: an archive made elsewhere (or a record lost). */
  recorded: boolean;
  cases: { case: string; files: number; at: string }[];
}

export interface ArchiveDeleteRequest {
  ids: string[];
  /** The person confirmed (CLI --yes, the app's dialog). Nothing is deleted without it. */
  confirm: boolean;
}

export interface ArchiveDeletion extends ArchiveRemoval {
  /** The cases this computer recorded in it. */
  cases: string[];
  recorded: boolean;
}

export interface BackupRecord {
  what: { vaultFolder: string; files: number; bytes: number };
  where: string | null;
  howOften: string;
  retention: RetentionPolicy & { inWords: string };
  lastSuccess: string | null;
  lastFailure: { at: string; reason: string } | null;
  /** As status says: late by the schedule's warning, or no backup ever taken into the backup folder. */
  overdue: boolean;
  /** Snapshots and archives in the backup folder, if it could be read. */
  snapshots: number | null;
  archives: number | null;
}

export interface AssetRecord {
  copies: { where: 'this computer' | 'cloud' | 'backup'; location: string; details: string }[];
  encryption: string[];
}

/** The backup record and the asset record. */
export interface Records {
  generatedAt: string;
  backup: BackupRecord;
  assets: AssetRecord;
}
