// The API contract: every method a shell may call, with the schema of its
// parameters and the type of its result. The engine implements it
// (engine/transport/dispatch.ts); the renderer, the preload and the CLI
// depend on it and on nothing inside the engine. One dispatch table serves
// Electron IPC and browser mode, so the renderer cannot tell them apart.
// Spec: docs/api.md.
import { z } from 'zod';
import type { AuditRow, AuditVerifyReport, OtherTrail } from './audit.js';
import type { BackupReport, BackupStatus, BackupVerifyReport, ForgetReport, RestoreReport, SnapshotInfo, SnapshotTree } from './backup.js';
import type { FailureInfo, NextStep } from './errors.js';
import type { ArchiveDeletion, ArchiveEntry, ArchiveOutcome, CaseInfo, DeleteReport, Records, RetentionReport } from './housekeeping.js';
import { escrowKeySchema, escrowSecretSchema, pathParam, secretSchema, text, type ReencryptReport, type RotateReport, type Strength } from './keys.js';
import type { HandoverReport, HandoverStatus, RemoveReport } from './leaving.js';
import { cloudSchema, type RecoverReport, type StatusReport, type SyncReport, type VaultFiles, type VerifyReport } from './mirror.js';
import type { SarExportReport, SarSearchReport } from './sar.js';
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

/** Each method's parameters, validated before the engine sees them. */
export const API_PARAMS = {
  hasVault: none,
  status: none,
  sync: none,
  unlock: secretSchema,
  lock: none,
  passphraseStrength: z.object({ passphrase: z.string().max(1024) }).strict(),
  init: z.object({ vaultDir: pathParam, cloud: cloudSchema, backupDir: pathParam.optional(), passphrase: text(1024) }).strict(),
  verifyCloud: none,
  auditVerify: none,
  auditEntries: none,
  otherAuditTrails: none,
  backup: none,
  snapshots: none,
  backupStatus: none,
  restoreBackup: z
    .object({ snapshot: text(100).optional(), path: pathParam.optional(), paths: z.array(pathParam).min(1).max(10_000).optional(), to: pathParam })
    .strict(),
  snapshotTree: z.object({ snapshot: text(100).optional() }).strict(),
  auditExport: z.object({ format: z.enum(['csv', 'html']), filter: auditFilterSchema.optional() }).strict(),
  recordAccessReview: none,
  settings: none,
  vaultFiles: none,
  startDropboxSignIn: none,
  finishDropboxSignIn: none,
  updateSettings: settingsUpdateSchema,
  verifyBackup: z.object({ quick: z.boolean().optional() }).strict(),
  forget: z.object({ prune: z.boolean().optional() }).strict(),
  /** A file dropped on the window (the desktop app's IPC; browser mode streams it instead). */
  addFile: z.object({ path: pathParam, data: z.instanceof(Uint8Array) }).strict(),
  changePassphrase: z.object({ newPassphrase: text(1024) }).strict(),
  newRecoveryKey: none,
  /** The person typed the recovery key back (first run, a new key, after a rotation). */
  confirmRecoveryKey: z.object({ recoveryKey: text(1024) }).strict(),
  /** Lost computer: new vault keys, a new passphrase and recovery key (shown once); picks up an interrupted rotation. Then finishKeyRotation re-encrypts the cloud copy. */
  rotateKeys: z.object({ newPassphrase: text(1024) }).strict(),
  finishKeyRotation: none,
  sarSearch: z.object({ terms: sarTerms, reference: text(200).optional() }).strict(),
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
  recover: z.object({ vaultDir: pathParam, cloud: cloudSchema, secret: z.union([secretSchema, escrowSecretSchema]) }).strict(),
  escrowShow: none,
  escrowAdd: escrowKeySchema,
  escrowRemove: none,
  handoverStatus: none,
  handover: z.object({ to: pathParam, passphrase: text(1024), escrow: escrowKeySchema.optional() }).strict(),
  removeVault: z.object({ yes: z.literal(true), cloud: keepOrDelete.optional(), backups: keepOrDelete.optional() }).strict(),
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
  backupStatus: BackupStatus;
  restoreBackup: RestoreReport;
  snapshotTree: SnapshotTree;
  auditExport: { text: string; entries: number };
  recordAccessReview: Settings;
  settings: Settings;
  vaultFiles: VaultFiles;
  startDropboxSignIn: { url: string };
  finishDropboxSignIn: { connected: true };
  updateSettings: Settings;
  verifyBackup: BackupVerifyReport;
  forget: ForgetReport;
  addFile: { path: string };
  changePassphrase: Record<string, never>;
  newRecoveryKey: { recoveryKey: string };
  confirmRecoveryKey: { confirmed: true };
  rotateKeys: RotateReport;
  finishKeyRotation: ReencryptReport;
  sarSearch: SarSearchReport;
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
  removeVault: RemoveReport;
}

export type ApiMethod = keyof typeof API_PARAMS;
export type ApiParams<M extends ApiMethod> = z.infer<(typeof API_PARAMS)[M]>;
export type ApiResult<M extends ApiMethod> = ApiResults[M];
export type ApiResponse<T = unknown> = { ok: true; value: T } | { ok: false; error: FailureInfo };

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(API_PARAMS, name);
}
