// The engine's side of the API contract (contract/api.ts): one handler per
// method, typed by the contract, so a handler that returns anything but the
// contract's result does not compile. The same table serves Electron IPC and
// browser mode. Parameters are validated against the contract's schemas
// before any handler runs, so no transport passes anything unchecked in.
// Every call but the app's own polls counts as a person's use for
// auto-lock (contract/api.ts BACKGROUND_METHODS).
import { API_PARAMS, BACKGROUND_METHODS, isApiMethod, type ApiMethod, type ApiParams, type ApiResponse, type ApiResults } from '../../contract/index.js';
import type { z } from 'zod';
import type { Engine } from '../engine.js';
import { failureOf } from '../errors.js';
import { passphraseStrength } from '../keys/passphrase.js';

type Handler<M extends ApiMethod> = (e: Engine, p: ApiParams<M>) => Promise<ApiResults[M]>;

const HANDLERS: { [M in ApiMethod]: Handler<M> } = {
  hasVault: (e) => e.hasVault(),
  status: (e) => e.status(),
  sync: (e) => e.sync(),
  unlock: (e, p) => e.unlock(p).then(() => ({ unlocked: true as const })),
  lock: (e) => e.lock().then(() => ({ unlocked: false as const })),
  passphraseStrength: (_e, p) => passphraseStrength(p.passphrase),
  init: async (e, p) => {
    const r = await e.init(p);
    // The interactive shells keep the vault in sync from the moment it exists; its recovery key must reach the person even if live sync cannot start yet (Home shows why).
    await e.startLiveSync().catch(() => {});
    return r;
  },
  verifyCloud: (e) => e.verifyCloud(),
  auditVerify: (e) => e.auditVerify(),
  auditEntries: (e) => e.auditEntries(),
  otherAuditTrails: (e) => e.otherAuditTrails(),
  backup: (e) => e.backup(),
  snapshots: (e) => e.snapshots(),
  snapshotList: (e) => e.snapshotList(),
  backupStatus: (e) => e.backupStatus(),
  restoreBackup: (e, p) => e.restoreBackup(p),
  snapshotTree: (e, p) => e.snapshotTree(p.snapshot),
  attachBackupFolder: (e, p) => e.attachBackupFolder(p.dir),
  fileVersions: (e, p) => e.fileVersions(p.path),
  auditExport: (e, p) => e.auditExport(p),
  recordAccessReview: (e) => e.recordAccessReview(),
  settings: (e) => e.settings(),
  vaultFiles: (e) => e.vaultFiles(),
  homeView: (e) => e.homeView(),
  startDropboxSignIn: (e) => e.startDropboxSignIn(),
  finishDropboxSignIn: (e) => e.finishDropboxSignIn(),
  connectS3: (e, p) => e.connectS3(p),
  updateSettings: (e, p) => e.updateSettings(p),
  verifyBackup: (e, p) => e.verifyBackup(p),
  forget: (e, p) => e.forget(p),
  addFile: (e, p) => e.addFile(p.path, [p.data], p.ifExists),
  addFileCheck: (e, p) => e.addFileCheck(p.paths),
  changePassphrase: (e, p) => e.changePassphrase(p.newPassphrase).then(() => ({})),
  newRecoveryKey: (e) => e.newRecoveryKey(),
  confirmRecoveryKey: (e, p) => e.confirmRecoveryKey(p.recoveryKey),
  rotateKeys: (e, p) => e.rotateKeys(p),
  devices: (e) => e.devices(),
  markDevice: (e, p) => e.markDevice(p),
  breachReport: (e, p) => e.breachReport(p.device),
  finishKeyRotation: (e) => e.finishKeyRotation(),
  sarSearch: (e, p) => e.sarSearch(p),
  sarDestination: (e, p) => e.sarDestination(p),
  sarExport: (e, p) => e.sarExport(p),
  retention: (e) => e.retention(),
  setRetentionYears: (e, p) => e.setRetentionYears(p.years),
  closeCase: (e, p) => e.closeCase(p.case, p.date),
  reopenCase: (e, p) => e.reopenCase(p.case),
  archiveCases: (e, p) => e.archiveCases(p),
  deleteCases: (e, p) => e.deleteCases(p),
  archives: (e) => e.archives(),
  deleteArchives: (e, p) => e.deleteArchives(p),
  records: (e) => e.records(),
  recordsHtml: (e) => e.recordsHtml().then((html) => ({ html })),
  recover: async (e, p) => {
    const r = await e.recover(p);
    await e.startLiveSync();
    return r;
  },
  escrowShow: (e) => e.escrowShow(),
  escrowAdd: (e, p) => e.escrowAdd(p.publicKeyFile, p.fingerprint, p.receiptFile),
  escrowRemove: (e) => e.escrowRemove(),
  handoverStatus: (e) => e.handoverStatus(),
  handover: (e, p) => e.handover(p),
  handoverFolderCheck: (e, p) => e.handoverFolderCheck(p),
  removeVault: (e, p) => e.removeVault(p),
  locale: async (e) => ({ locale: e.locale }),
  sendFiles: (e, p) => e.sendFiles(p),
  sentPackages: (e) => e.sentPackages(),
  lockState: async (e) => e.lockState(),
  keyRotation: (e) => e.keyRotation(),
  stillHere: async (e) => e.lockState(),
  recoveryKitFacts: (e, p) => e.recoveryKitFacts(p.kit),
  saveRecoveryKit: (e, p) => e.saveRecoveryKit(p),
  moveCloud: (e, p) => e.moveCloud(p),
  cloudMoveStatus: (e) => e.cloudMoveStatus(),
  deleteOldCloud: (e) => e.deleteOldCloud(),
  putVaultBack: (e, p) => e.putVaultBack(p),
  useVaultFolder: (e, p) => e.useVaultFolder(p),
  putBackCloudKeyFile: (e) => e.putBackCloudKeyFile(),
  recoveryKeyState: (e) => e.recoveryKeyState(),
  handoverSheet: (e, p) => e.handoverSheet(p.madeBy),
};

/** A box left empty (a path of spaces only, once trimmed) is said as such; anything else a shell sent wrong stays "invalid arguments". */
function badArguments(e: z.ZodError): string {
  return e.issues.some((i) => i.code === 'too_small' && i.type === 'string')
    ? 'a box that needs a path or text was left empty; fill it in, then try again'
    : 'invalid arguments';
}

/** Runs one method; its parameters were checked against the contract's schema. */
async function run<M extends ApiMethod>(engine: Engine, method: M, params: unknown): Promise<ApiResponse> {
  const parsed = API_PARAMS[method].safeParse(params ?? {});
  if (!parsed.success) return { ok: false, error: { kind: 'usage', message: badArguments(parsed.error) } };
  try {
    // The schema for M produced the data, so it is ApiParams<M> (TypeScript cannot correlate the two lookups by itself).
    const call = () => HANDLERS[method](engine, parsed.data as ApiParams<M>);
    return { ok: true, value: await (BACKGROUND_METHODS.has(method) ? call() : engine.asUse(call)) };
  } catch (e) {
    return { ok: false, error: failureOf(e) };
  }
}

export function dispatch(engine: Engine, method: string, params: unknown): Promise<ApiResponse> {
  if (!isApiMethod(method)) return Promise.resolve({ ok: false, error: { kind: 'usage', message: 'unknown method' } });
  return run(engine, method, params);
}
