// The API contract: every method a shell may call, with its argument schema.
// One dispatch table serves the browser mode (HTTP) and Electron IPC; the
// renderer cannot tell them apart. Arguments are validated here, so no
// transport passes anything unchecked into the engine.
import { z } from 'zod';
import { cloudSchema } from '../config.js';
import type { Engine } from '../engine.js';
import { isShowable } from '../errors.js';
import { passphraseStrength } from '../keys/passphrase.js';
import { settingsUpdateSchema } from '../settings.js';

const text = (max: number) => z.string().min(1).max(max);
const path = text(4096);
const secret = z.union([z.object({ passphrase: text(1024) }).strict(), z.object({ recoveryKey: text(1024) }).strict()]);
const none = z.object({}).strict();
/** Archive or delete: the person's confirmation is part of the call, never implied. */
const caseRequest = z.object({ cases: z.array(path).min(1).max(1000), confirm: z.literal(true), force: z.boolean().optional() }).strict();
const archiveIds = z.object({ ids: z.array(z.string().regex(/^[0-9a-fA-F]{4,32}$/)).min(1).max(1000), confirm: z.literal(true) }).strict();
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const auditFilter = z.object({ events: z.array(text(200)).max(100).optional(), from: day.optional(), to: day.optional(), text: z.string().max(200).optional() }).strict();
const escrowSecret = z.object({ escrowKeyFile: path, escrowPassphrase: text(1024) }).strict();
const escrowKey = z.object({ publicKeyFile: path, fingerprint: text(100) }).strict();
const keepOrDelete = z.enum(['keep', 'delete']);
const handoverParams = z.object({ to: path, passphrase: text(1024), escrow: escrowKey.optional() }).strict();


export const API = {
  hasVault: { params: none, run: (e: Engine) => e.hasVault() },
  status: { params: none, run: (e: Engine) => e.status() },
  sync: { params: none, run: (e: Engine) => e.sync() },
  unlock: { params: secret, run: (e: Engine, p: z.infer<typeof secret>) => e.unlock(p).then(() => ({ unlocked: true })) },
  lock: { params: none, run: (e: Engine) => e.lock().then(() => ({ unlocked: false })) },
  passphraseStrength: { params: z.object({ passphrase: z.string().max(1024) }).strict(), run: (_e: Engine, p: { passphrase: string }) => passphraseStrength(p.passphrase) },
  init: {
    params: z.object({ vaultDir: path, cloud: cloudSchema, backupDir: path.optional(), passphrase: text(1024) }).strict(),
    // The interactive shells keep the vault in sync from the moment it exists.
    run: async (e: Engine, p: { vaultDir: string; cloud: z.infer<typeof cloudSchema>; backupDir?: string; passphrase: string }) => {
      const r = await e.init(p);
      // The vault exists now: its recovery key must reach the person even if live sync cannot start yet (Home shows why).
      await e.startLiveSync().catch(() => {});
      return r;
    },
  },
  verifyCloud: { params: none, run: (e: Engine) => e.verifyCloud() },
  auditVerify: { params: none, run: (e: Engine) => e.auditVerify() },
  auditEntries: { params: none, run: (e: Engine) => e.auditEntries() },
  otherAuditTrails: { params: none, run: (e: Engine) => e.otherAuditTrails() },
  backup: { params: none, run: (e: Engine) => e.backup() },
  snapshots: { params: none, run: (e: Engine) => e.snapshots() },
  backupStatus: { params: none, run: (e: Engine) => e.backupStatus() },
  restoreBackup: {
    params: z.object({ snapshot: text(100).optional(), path: path.optional(), paths: z.array(path).min(1).max(10_000).optional(), to: path }).strict(),
    run: (e: Engine, p: { snapshot?: string; path?: string; paths?: string[]; to: string }) => e.restoreBackup(p),
  },
  snapshotTree: { params: z.object({ snapshot: text(100).optional() }).strict(), run: (e: Engine, p: { snapshot?: string }) => e.snapshotTree(p.snapshot) },
  auditExport: {
    params: z.object({ format: z.enum(['csv', 'html']), filter: auditFilter.optional() }).strict(),
    run: (e: Engine, p: { format: 'csv' | 'html'; filter?: z.infer<typeof auditFilter> }) => e.auditExport(p),
  },
  recordAccessReview: { params: none, run: (e: Engine) => e.recordAccessReview() },
  settings: { params: none, run: (e: Engine) => e.settings() },
  vaultFiles: { params: none, run: (e: Engine) => e.vaultFiles() },
  startDropboxSignIn: { params: none, run: (e: Engine) => e.startDropboxSignIn() },
  finishDropboxSignIn: { params: none, run: (e: Engine) => e.finishDropboxSignIn() },
  updateSettings: { params: settingsUpdateSchema, run: (e: Engine, p: z.infer<typeof settingsUpdateSchema>) => e.updateSettings(p) },
  verifyBackup: { params: z.object({ quick: z.boolean().optional() }).strict(), run: (e: Engine, p: { quick?: boolean }) => e.verifyBackup(p) },
  forget: { params: z.object({ prune: z.boolean().optional() }).strict(), run: (e: Engine, p: { prune?: boolean }) => e.forget(p) },
  /** A file dropped on the window (the desktop app's IPC; browser mode streams it: engine/server.ts). */
  addFile: {
    params: z.object({ path, data: z.instanceof(Uint8Array) }).strict(),
    run: (e: Engine, p: { path: string; data: Uint8Array }) => e.addFile(p.path, [p.data]),
  },
  changePassphrase: { params: z.object({ newPassphrase: text(1024) }).strict(), run: (e: Engine, p: { newPassphrase: string }) => e.changePassphrase(p.newPassphrase).then(() => ({})) },
  newRecoveryKey: { params: none, run: (e: Engine) => e.newRecoveryKey() },
  /** Lost computer: new vault keys, a new passphrase and recovery key (shown once); picks up an interrupted rotation. Then finishKeyRotation re-encrypts the cloud copy. */
  rotateKeys: { params: z.object({ newPassphrase: text(1024) }).strict(), run: (e: Engine, p: { newPassphrase: string }) => e.rotateKeys(p) },
  finishKeyRotation: { params: none, run: (e: Engine) => e.finishKeyRotation() },
  sarSearch: {
    params: z.object({ terms: z.array(text(500)).min(1).max(50), reference: text(200).optional() }).strict(),
    run: (e: Engine, p: { terms: string[]; reference?: string }) => e.sarSearch(p),
  },
  sarExport: {
    params: z.object({ terms: z.array(text(500)).min(1).max(50), paths: z.array(path).min(1).max(100_000), reference: text(200).optional(), to: path, zip: z.boolean() }).strict(),
    run: (e: Engine, p: { terms: string[]; paths: string[]; reference?: string; to: string; zip: boolean }) => e.sarExport(p),
  },
  retention: { params: none, run: (e: Engine) => e.retention() },
  setRetentionYears: { params: z.object({ years: z.number().int().min(1).max(100) }).strict(), run: (e: Engine, p: { years: number }) => e.setRetentionYears(p.years) },
  closeCase: {
    params: z.object({ case: path, date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }).strict(),
    run: (e: Engine, p: { case: string; date?: string }) => e.closeCase(p.case, p.date),
  },
  reopenCase: { params: z.object({ case: path }).strict(), run: (e: Engine, p: { case: string }) => e.reopenCase(p.case) },
  archiveCases: { params: caseRequest, run: (e: Engine, p: z.infer<typeof caseRequest>) => e.archiveCases(p) },
  deleteCases: { params: caseRequest, run: (e: Engine, p: z.infer<typeof caseRequest>) => e.deleteCases(p) },
  archives: { params: none, run: (e: Engine) => e.archives() },
  deleteArchives: { params: archiveIds, run: (e: Engine, p: z.infer<typeof archiveIds>) => e.deleteArchives(p) },
  records: { params: none, run: (e: Engine) => e.records() },
  recordsHtml: { params: none, run: (e: Engine) => e.recordsHtml().then((html) => ({ html })) },
  recover: {
    params: z.object({ vaultDir: path, cloud: cloudSchema, secret: z.union([secret, escrowSecret]) }).strict(),
    run: async (e: Engine, p: { vaultDir: string; cloud: z.infer<typeof cloudSchema>; secret: z.infer<typeof secret> | z.infer<typeof escrowSecret> }) => {
      const r = await e.recover(p);
      await e.startLiveSync();
      return r;
    },
  },
  escrowShow: { params: none, run: (e: Engine) => e.escrowShow() },
  escrowAdd: { params: escrowKey, run: (e: Engine, p: z.infer<typeof escrowKey>) => e.escrowAdd(p.publicKeyFile, p.fingerprint) },
  escrowRemove: { params: none, run: (e: Engine) => e.escrowRemove() },
  handoverStatus: { params: none, run: (e: Engine) => e.handoverStatus() },
  handover: { params: handoverParams, run: (e: Engine, p: z.infer<typeof handoverParams>) => e.handover(p) },
  removeVault: {
    params: z.object({ yes: z.literal(true), cloud: keepOrDelete.optional(), backups: keepOrDelete.optional() }).strict(),
    run: (e: Engine, p: { yes: true; cloud?: 'keep' | 'delete'; backups?: 'keep' | 'delete' }) => e.removeVault(p),
  },
} as const;

export type ApiMethod = keyof typeof API;
export type ApiResult<M extends ApiMethod> = Awaited<ReturnType<(typeof API)[M]['run']>>;

export type ApiResponse = { ok: true; value: unknown } | { ok: false; error: { kind: string; message: string } };

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(API, name);
}

/** The error as a shell shows it: its kind and one sentence, never a stack, a key or a path from inside the vault. */
export function errorPayload(e: unknown): { kind: string; message: string } {
  if (isShowable(e)) return { kind: e.name, message: e.message };
  return { kind: 'Failed', message: 'something unexpected went wrong; try again' };
}

export async function dispatch(engine: Engine, method: string, params: unknown): Promise<ApiResponse> {
  if (!isApiMethod(method)) return { ok: false, error: { kind: 'UsageError', message: 'unknown method' } };
  const spec = API[method];
  const parsed = spec.params.safeParse(params ?? {});
  if (!parsed.success) return { ok: false, error: { kind: 'UsageError', message: 'invalid arguments' } };
  try {
    return { ok: true, value: await (spec.run as (e: Engine, p: unknown) => Promise<unknown>)(engine, parsed.data) };
  } catch (e) {
    return { ok: false, error: errorPayload(e) };
  }
}
