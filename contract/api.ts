// The API contract: every method a shell may call, with the schema of its
// parameters and the type of its result. The engine implements it
// (engine/transport/dispatch.ts); the renderer, the preload and the CLI
// depend on it and on nothing inside the engine. One dispatch table serves
// Electron IPC and browser mode, so the renderer cannot tell them apart.
// Spec: docs/api.md.
import { z } from 'zod';
import type { AuditRow, AuditVerifyReport, OtherTrail } from './audit.js';
import type {
  BackupFolderReport,
  BackupReport,
  BackupStatus,
  BackupVerifyReport,
  FileVersions,
  ForgetReport,
  RestoreReport,
  SnapshotInfo,
  SnapshotList,
  SnapshotTree,
} from './backup.js';
import type { FailureInfo, NextStep } from './errors.js';
import type { ArchiveDeletion, ArchiveEntry, ArchiveOutcome, CaseInfo, DeleteReport, Records, RetentionReport } from './housekeeping.js';
import { escrowKeySchema, escrowSecretSchema, pathParam, secretSchema, text, type ReencryptReport, type RotateReport, type Strength } from './keys.js';
import type { HandoverReport, HandoverStatus, RemoveReport } from './leaving.js';
import type { LockState } from './lock.js';
import {
  cloudSchema,
  s3ConnectionSchema,
  type AddFileReport,
  type KeyRotationState,
  type RecoverReport,
  type StatusReport,
  type HomeView,
  type SyncReport,
  type VaultFiles,
  type VerifyReport,
  type VaultFolderReport,
} from './mirror.js';
import type { RecoveryKitFacts } from './recovery-kit.js';
import type { CloudMoveReport, CloudMoveStatus } from './mirror.js';
import type { SarExportReport, SarSearchReport } from './sar.js';
import { sendSchema, type SendReport, type SentPackages } from './send.js';
import { breachReportSchema, devicesMarkSchema, type BreachReport, type DeviceInfo } from './devices.js';
import { settingsUpdateSchema, type Settings } from './settings.js';

const none = z.object({}).strict();
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const keepOrDelete = z.enum(['keep', 'delete']);
/** Archive or delete: the person's confirmation is part of the call, never implied. */
const caseRequest = z.object({ cases: z.array(pathParam).min(1).max(1000), confirm: z.literal(true), force: z.boolean().optional() }).strict();
export const auditFilterSchema = z
  .object({ events: z.array(text(200)).max(100).optional(), from: day.optional(), to: day.optional(), text: z.string().max(200).optional() })
  .strict();
const sarTerms = z.array(text(500)).min(1).max(50);
export const addFileChoice = z.enum(['refuse', 'keep-both', 'replace']);
const kitKind = z.enum(['vault', 'handover']);

/** Each method's parameters, validated before the engine sees them. */
export const API_PARAMS = {
  hasVault: none,
  status: none,
  sync: none,
  unlock: secretSchema,
  lock: none,
  passphraseStrength: z.object({ passphrase: z.string().max(1024) }).strict(),
  init: z
    .object({ vaultDir: pathParam, cloud: cloudSchema, backupDir: pathParam.optional(), passphrase: text(1024), s3: s3ConnectionSchema.optional() })
    .strict(),
  verifyCloud: none,
  auditVerify: none,
  auditEntries: none,
  otherAuditTrails: none,
  backup: none,
  snapshots: none,
  /** The snapshots, and those that cannot be read. */
  snapshotList: none,
  backupStatus: none,
  restoreBackup: z
    .object({ snapshot: text(100).optional(), path: pathParam.optional(), paths: z.array(pathParam).min(1).max(10_000).optional(), to: pathParam })
    .strict(),
  snapshotTree: z.object({ snapshot: text(100).optional() }).strict(),
  /** Attach or change the backup folder (a full path); one holding this vault's backups is adopted. */
  attachBackupFolder: z.object({ dir: pathParam }).strict(),
  /** One file's versions across the snapshots ('/'-separated vault path). */
  fileVersions: z.object({ path: pathParam }).strict(),
  auditExport: z.object({ format: z.enum(['csv', 'html']), filter: auditFilterSchema.optional() }).strict(),
  recordAccessReview: none,
  settings: none,
  vaultFiles: none,
  /** `status` and `vaultFiles` from one reading of the vault, as Home shows them. */
  homeView: none,
  startDropboxSignIn: none,
  finishDropboxSignIn: none,
  /** An S3 vault (its cloud copy or backups on S3 storage): replace the access key, checked against the bucket first; kept sealed (needs the vault unlocked). */
  connectS3: s3ConnectionSchema,
  updateSettings: settingsUpdateSchema,
  verifyBackup: z.object({ quick: z.boolean().optional() }).strict(),
  forget: z.object({ prune: z.boolean().optional() }).strict(),
  /** A file dropped on the window (the desktop app's IPC; browser mode streams it instead). */
  addFile: z.object({ path: pathParam, data: z.instanceof(Uint8Array), ifExists: addFileChoice.optional() }).strict(),
  /** Which of the paths of files about to be dropped are taken already: the app asks about each. */
  addFileCheck: z.object({ paths: z.array(pathParam).min(1).max(100_000) }).strict(),
  changePassphrase: z.object({ newPassphrase: text(1024) }).strict(),
  newRecoveryKey: none,
  /** The person typed the recovery key back (first run, a new key, after a rotation). */
  confirmRecoveryKey: z.object({ recoveryKey: text(1024) }).strict(),
  /** Lost computer: new vault keys, a new passphrase and recovery key (shown once); picks up an interrupted rotation. Then finishKeyRotation re-encrypts the cloud copy. */
  rotateKeys: z.object({ newPassphrase: text(1024) }).strict(),
  finishKeyRotation: none,
  /** The vault's computers (docs/devices.md). */
  devices: none,
  /** Mark a computer lost (and order its wipe) or found again; lost needs `confirm`. */
  markDevice: devicesMarkSchema,
  /** What was on a computer at its last sync, for the data-protection lead. */
  breachReport: breachReportSchema,
  sarSearch: z.object({ terms: sarTerms, reference: text(200).optional() }).strict(),
  /** Where an export goes unless the officer says otherwise (Documents, named after the reference and the day). */
  sarDestination: z.object({ reference: text(200).optional(), zip: z.boolean(), to: pathParam.optional() }).strict(),
  sarExport: z
    .object({ terms: sarTerms, paths: z.array(pathParam).min(1).max(100_000), reference: text(200).optional(), to: pathParam, zip: z.boolean() })
    .strict(),
  retention: none,
  setRetentionYears: z.object({ years: z.number().int().min(1).max(100) }).strict(),
  closeCase: z.object({ case: pathParam, date: day.optional() }).strict(),
  reopenCase: z.object({ case: pathParam }).strict(),
  archiveCases: caseRequest,
  deleteCases: caseRequest,
  archives: none,
  deleteArchives: z
    .object({
      ids: z
        .array(z.string().regex(/^[0-9a-fA-F]{4,32}$/))
        .min(1)
        .max(1000),
      confirm: z.literal(true),
    })
    .strict(),
  records: none,
  recordsHtml: none,
  recover: z
    .object({
      vaultDir: pathParam,
      cloud: cloudSchema,
      secret: z.union([secretSchema, escrowSecretSchema]),
      backupDir: pathParam.optional(),
      s3: s3ConnectionSchema.optional(),
    })
    .strict(),
  escrowShow: none,
  escrowAdd: escrowKeySchema,
  escrowRemove: none,
  handoverStatus: none,
  /** Whether `to` may take a handover copy (the same rules as `handover`): the wizard's step 2 asks before going on. */
  handoverFolderCheck: z.object({ to: pathParam }).strict(),
  handover: z.object({ to: pathParam, passphrase: text(1024), escrow: escrowKeySchema.optional() }).strict(),
  removeVault: z.object({ yes: z.literal(true), cloud: keepOrDelete.optional(), backups: keepOrDelete.optional() }).strict(),
  /** The computer's locale, for dates the app shows (contract/dates.ts). */
  locale: none,
  /** Send securely: files and folders into a passphrase-protected package the recipient opens in a browser. */
  sendFiles: sendSchema,
  /** The record of packages sent from this computer. */
  sentPackages: none,
  /** Locked or not, and why it locked by itself (the header's indicator). */
  lockState: none,
  /** Whether a key rotation on this computer is re-encrypting now or stopped part-way (`status().keyRotation`, without walking the vault). */
  keyRotation: none,
  /** The person is using the window (a key, a click, scrolling): counts as use for auto-lock, like any call a person's action makes. */
  stillHere: none,
  /** What a recovery kit says besides the words: the vault's name, where its encrypted copy is, today's date. */
  recoveryKitFacts: z.object({ kit: kitKind }).strict(),
  /** Write a recovery kit into a new file outside the vault, cloud and backup folders (the words must open the vault's, or the handover copy's, key file). */
  saveRecoveryKit: z.object({ kit: kitKind, recoveryKey: text(1024), to: pathParam }).strict(),
  /** Move the cloud copy (copy, read back, switch); the old copy stays until deleteOldCloud. `s3`: the connection to S3 storage, for a move there (else the environment's or the one kept). */
  moveCloud: z.object({ to: cloudSchema, s3: s3ConnectionSchema.optional() }).strict(),
  cloudMoveStatus: none,
  /** The vault folder missing or replaced: rebuild it from the cloud copy into where it was, or `to` (new or empty); needs the vault unlocked. */
  putVaultBack: z.object({ to: pathParam.optional() }).strict(),
  /** The vault folder missing or replaced: use `dir`, a folder holding this vault's files (moved there), as the vault folder. */
  useVaultFolder: z.object({ dir: pathParam }).strict(),
  /** The cloud holds no key file of this vault, or a damaged or old one: put this computer's copy there (then sync). */
  putBackCloudKeyFile: none,
  /** Which recovery key the vault's key file holds now (the `id` newRecoveryKey gave with it): a window showing an older one withdraws it. */
  recoveryKeyState: none,
  /** After a move: delete the old copy; the person's confirmation is part of the call. */
  deleteOldCloud: z.object({ confirm: z.literal(true) }).strict(),
  /** The printable sheet for the successor (no secret on it); `madeBy` is printed as who made it (else this computer's name). */
  handoverSheet: z.object({ madeBy: text(200).optional() }).strict(),
} as const;

/** Each method's result. */
export interface ApiResults {
  hasVault: boolean;
  status: StatusReport;
  sync: SyncReport;
  unlock: { unlocked: true };
  lock: { unlocked: false };
  passphraseStrength: Strength;
  init: { recoveryKey: string };
  verifyCloud: VerifyReport;
  auditVerify: AuditVerifyReport;
  auditEntries: AuditRow[];
  otherAuditTrails: OtherTrail[];
  backup: BackupReport;
  snapshots: SnapshotInfo[];
  snapshotList: SnapshotList;
  backupStatus: BackupStatus;
  restoreBackup: RestoreReport;
  snapshotTree: SnapshotTree;
  attachBackupFolder: BackupFolderReport;
  fileVersions: FileVersions;
  auditExport: { text: string; entries: number };
  recordAccessReview: Settings;
  settings: Settings;
  vaultFiles: VaultFiles;
  homeView: HomeView;
  startDropboxSignIn: { url: string };
  finishDropboxSignIn: { connected: true };
  connectS3: { connected: true };
  updateSettings: Settings;
  verifyBackup: BackupVerifyReport;
  forget: ForgetReport;
  addFile: AddFileReport;
  addFileCheck: { existing: string[] };
  changePassphrase: Record<string, never>;
  /** `id`: which key it is, as recoveryKeyState names the current one (no word of it). */
  newRecoveryKey: { recoveryKey: string; id: string };
  confirmRecoveryKey: { confirmed: true };
  rotateKeys: RotateReport;
  finishKeyRotation: ReencryptReport;
  devices: DeviceInfo[];
  markDevice: DeviceInfo;
  breachReport: BreachReport;
  sarSearch: SarSearchReport;
  sarDestination: { to: string };
  sarExport: SarExportReport;
  retention: RetentionReport;
  setRetentionYears: { years: number };
  closeCase: CaseInfo;
  reopenCase: CaseInfo;
  archiveCases: ArchiveOutcome[];
  deleteCases: DeleteReport;
  archives: ArchiveEntry[];
  deleteArchives: ArchiveDeletion[];
  records: Records;
  recordsHtml: { html: string };
  recover: RecoverReport;
  /** `vaultFingerprint`: what an escrow receipt pins, for a union that has none yet. */
  escrowShow: { fingerprint: string; vaultFingerprint: string } | null;
  /** `vaultFingerprint`: what the escrow receipt pins, for the union to keep (`receiptFile`: where the receipt was written). */
  escrowAdd: { fingerprint: string; vaultFingerprint: string; receiptFile?: string };
  /** `next`: earlier copies of the key file still open with the union's key, until the keys are rotated. */
  escrowRemove: { removed: boolean; next?: Extract<NextStep, 'rotate-keys'> };
  handoverStatus: HandoverStatus;
  handover: HandoverReport;
  handoverFolderCheck: { ok: true };
  removeVault: RemoveReport;
  locale: { locale: string };
  sendFiles: SendReport;
  sentPackages: SentPackages;
  lockState: LockState;
  keyRotation: KeyRotationState;
  stillHere: LockState;
  recoveryKitFacts: RecoveryKitFacts;
  saveRecoveryKit: { path: string };
  moveCloud: CloudMoveReport;
  cloudMoveStatus: CloudMoveStatus;
  deleteOldCloud: { deleted: number; cloud: string };
  putVaultBack: VaultFolderReport;
  useVaultFolder: VaultFolderReport;
  putBackCloudKeyFile: { cloud: string; put: boolean };
  recoveryKeyState: { id: string };
  handoverSheet: { html: string };
}

/**
 * Reads the app makes by itself (Home's and Backups' polls, the header, the
 * tray, the desktop app's settings check): they never count as a person's
 * use for auto-lock, so a screen left open does not keep the vault unlocked.
 * Every other method does (docs/api.md, "Auto-lock").
 */
export const BACKGROUND_METHODS: ReadonlySet<ApiMethod> = new Set<ApiMethod>([
  'hasVault',
  'status',
  'vaultFiles',
  'homeView',
  'backupStatus',
  'snapshots',
  'settings',
  'handoverStatus',
  'lockState',
  'keyRotation',
  'recoveryKitFacts',
  'recoveryKeyState',
]);

export type ApiMethod = keyof typeof API_PARAMS;
export type ApiParams<M extends ApiMethod> = z.infer<(typeof API_PARAMS)[M]>;
export type ApiResult<M extends ApiMethod> = ApiResults[M];
export type ApiResponse<T = unknown> = { ok: true; value: T } | { ok: false; error: FailureInfo };

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(API_PARAMS, name);
}
