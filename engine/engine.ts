// The engine: one object per CASEVAULT_HOME that the CLI, the desktop app
// (over IPC) and browser mode all call (the API contract's methods, in
// contract/api.ts) and listen to (`events`). It holds what lives as long as
// the process does (the reading keys while unlocked, the cloud connection,
// live sync) and hands each method to the part that does the work:
// keys/ (key file, unlock, rotation), mirror/ (sync, verify, recover, live
// sync), backup/, housekeeping/, sar/, audit/, leaving/. It knows nothing of
// Electron, React or terminals. Spec: docs/api.md, docs/architecture.md.
// A room that only some methods use (backups, housekeeping, subject access,
// sending, leaving, devices, key rotation, recovery kits, cloud moves, the status and its health checks) is
// imported inside those methods, so a command loads only what it runs: a
// no-change sync would otherwise spend most of its time loading modules.
import { EventEmitter } from 'node:events';
import { rmdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { KDF_PROFILES, keyring, parseObjectRemoteName, runArgon2Elsewhere, toBase64, wipeKeys, type KdfProfile, type ReadKeys } from '../crypto/index.js';
import {
  auditCsv,
  auditHtml,
  count,
  fileCount,
  localeFromEnv,
  filterAudit,
  type AddFileChoice,
  type AddFileReport,
  lockCauseText,
  type AnySecretInput,
  type ArchiveDeleteRequest,
  type ArchiveDeletion,
  type ArchiveEntry,
  type ArchiveOutcome,
  type AuditFilter,
  type AuditRow,
  type AuditVerifyReport,
  type BackupFolderReport,
  type BackupReport,
  type BackupStatus,
  type BackupVerifyReport,
  type CaseInfo,
  type CaseRequest,
  type CloudMoveReport,
  type CloudMoveStatus,
  type CloudSpec,
  type DeleteReport,
  type BreachReport,
  type DeviceInfo,
  type DevicesMark,
  type EngineEvents,
  type FileVersions,
  type ForgetReport,
  type HandoverOptions,
  type HandoverReport,
  type HandoverStatus,
  type KitKind,
  type LockCause,
  type LockState,
  type OtherTrail,
  type RecoverReport,
  type RecoveryKitFacts,
  type Records,
  type ReencryptReport,
  type RemoveOptions,
  type RemoveReport,
  type RestoreReport,
  type RetentionReport,
  type RotateReport,
  type SarExportOptions,
  type SarExportReport,
  type SarSearchReport,
  type SendOptions,
  type SendReport,
  type SentPackages,
  type Settings,
  type SnapshotInfo,
  type SnapshotList,
  type SnapshotTree,
  type StatusReport,
  type HomeView,
  type KeyRotationState,
  type SyncReport,
  type VaultFiles,
  type VaultFolderReport,
  type VerifyReport,
} from '../contract/index.js';
import { appendAudit, otherTrails, ownMirror, readAudit, verifyAudit } from './audit/trail.js';
import type { BackupApi, BackupApiDeps, ForgetOptions, RestoreOptions } from './backup/service.js';
import type { StatusInputs } from './status.js';
import { realClock, type Clock } from './clock.js';
import { configWriteKeys, hasConfig, loadConfig } from './config.js';
import type { Core } from './core.js';
import { Locked, UsageError } from './errors.js';
import { requireFullPath } from './fsutil/full-path.js';
import { withHomeLock } from './fsutil/lockfile.js';
import type { Housekeeping } from './housekeeping/housekeeping.js';
import { AutoLock } from './keys/auto-lock.js';
import { writeEscrowKey } from './keys/escrow.js';
import {
  changePassphrase,
  confirmRecoveryKey,
  checkStrength,
  createVault,
  escrowAdd,
  escrowRemove,
  escrowShow,
  kdfProfile,
  newRecoveryKey,
  readLocalKeyFile,
  unlockKeys,
  describeSecret,
} from './keys/lifecycle.js';
import type { KeyPlaceFolders } from './keys/recovery-kit.js';
import { assertCloudKeys, assertCloudWritable, KEY_FILE_NAME, putBackKeyFile, type CloudKeyCheck } from './keys/cloud-key-file.js';
import { CloudProber } from './health/cloud-probe.js';
import { loadDamaged, saveDamaged } from './mirror/damaged.js';
import { deviceName } from './mirror/devices.js';
import type { ListDeps } from './devices/list.js';
import { deviceHooks, withDeviceFields } from './devices/this-device.js';
import { resumeWipe, Wiped } from './devices/wipe.js';
import { LiveSync, type LiveOptions } from './mirror/live.js';
import { loadState } from './mirror/state.js';
import { syncOnce, type SyncContext } from './mirror/sync.js';
import { argon2OnThread } from './keys/kdf-thread.js';
import { DropboxConnect } from './remotes/dropbox/connect.js';
import {
  describeCloud,
  dropboxFromEnv,
  loadDropboxToken,
  loadS3Connection,
  openCloud,
  storeS3Connection,
  usesS3,
  storeDropboxToken,
  type DropboxCredentials,
  type OsTokenStore,
  type RetryTuning,
} from './remotes/open-cloud.js';
import type { Remote } from './remotes/remote.js';
import { s3FromEnv, type S3Connection } from './remotes/s3/location.js';
import type { SearchLimits } from './sar/search.js';
import { backupSchedule, loadSettings, saveSettings, updateSettings } from './settings.js';

export type { LiveOptions };

export interface InitOptions {
  vaultDir: string;
  cloud: CloudSpec;
  /** For a Dropbox cloud: the sign-in (default: from the environment). */
  dropbox?: DropboxCredentials;
  /** For a cloud copy or backups on S3 storage: the connection (default: from the environment). */
  s3?: S3Connection;
  backupDir?: string;
  passphrase: string;
  /** Argon2id cost; default 'moderate'. */
  kdf?: KdfProfile;
}

export interface RecoverOptions {
  vaultDir: string;
  cloud: CloudSpec;
  dropbox?: DropboxCredentials;
  s3?: S3Connection;
  secret: AnySecretInput;
  /** A backup folder from before (the old backup drive): checked before anything is written, then attached (adopted if it holds this vault's backups). */
  backupDir?: string;
}

export interface EngineOptions {
  /** The clock auto-lock's idle timer reads (tests move one by hand). */
  clock?: Clock;
  /** The cloud's retries, where it is Dropbox or S3 storage (tests shorten the waits). */
  retry?: RetryTuning;
}

/** Typed listener surface over Node's EventEmitter. */
export interface EngineEventEmitter {
  on<K extends keyof EngineEvents>(type: K, fn: (e: EngineEvents[K]) => void): this;
  off<K extends keyof EngineEvents>(type: K, fn: (e: EngineEvents[K]) => void): this;
  emit<K extends keyof EngineEvents>(type: K, e: EngineEvents[K]): boolean;
}

// The WASM build's Argon2id gives back the heap it grows (engine/keys/kdf-thread.ts).
runArgon2Elsewhere(argon2OnThread);

export class Engine {
  readonly events: EngineEventEmitter = new EventEmitter() as EngineEventEmitter;
  readonly home: string;
  /** The computer's locale, for the dates and file names people read (contract/dates.ts). */
  readonly locale: string;
  private keys: ReadKeys | undefined;
  private connected: Remote | undefined;
  /** S3 storage's connection once given or unsealed in this run: backups at an s3:// location keep running while the vault is locked, as the cloud connection does. */
  private s3Held: S3Connection | undefined;
  /** finishKeyRotation is re-encrypting the cloud copy now. */
  private rotating = false;
  private readonly dropboxSignIn: DropboxConnect;
  private readonly live: LiveSync;
  /** What the engine's parts get of it (engine/core.ts). */
  private readonly core: Core;
  /** The vault's health reads the cloud's key file through this: one read at a time, each with a deadline. */
  private readonly prober = new CloudProber();
  private readonly clock: Clock;
  private readonly retryTuning: RetryTuning | undefined;
  private readonly autoLock: AutoLock;
  /** Why the vault locked by itself, while it stays locked (lockState). */
  private autoLocked: LockState['autoLocked'] = null;

  /** `osTokens`: the desktop shell's keychain copy of the Dropbox sign-in (engine/remotes/open-cloud.ts). */
  constructor(
    home: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly osTokens?: OsTokenStore,
    options: EngineOptions = {},
  ) {
    this.home = resolve(home);
    // On Linux a locale is chosen in the environment or not at all; elsewhere the runtime reads the operating system's.
    this.locale = localeFromEnv(env, process.platform === 'linux' ? undefined : Intl.DateTimeFormat().resolvedOptions().locale);
    this.clock = options.clock ?? realClock;
    this.retryTuning = options.retry;
    this.autoLock = new AutoLock({
      clock: this.clock,
      minutes: async () => (await loadSettings(this.home)).autoLockMinutes,
      unlocked: () => this.unlocked,
      lock: (minutes) => this.lock({ by: 'idle', minutes }),
    });
    this.dropboxSignIn = new DropboxConnect(env);
    this.live = new LiveSync({
      home: this.home,
      hasVault: () => this.hasVault(),
      syncContext: () => this.syncContext(),
      backupStatus: () => this.backupStatus(),
      backup: (o) => this.backup(o),
    });
    const keysNow = () => this.keys;
    this.core = {
      home: this.home,
      env,
      emit: this.emit,
      get keys() {
        return keysNow();
      },
      requireKeys: () => this.requireKeys(),
      holdKeys: async (keys) => {
        const was = this.keys;
        if (was && was !== keys) await wipeKeys(was);
        this.keys = keys;
        if (!was) this.lockChanged();
      },
      lock: () => this.lock(),
      remote: (config) => this.remote(config),
      newRemote: (cloud, dropbox, s3) => this.newRemote(cloud, dropbox, s3),
      keepRemote: (remote) => {
        this.connected = remote;
      },
      keepDropboxToken: (keys, c) => this.keepDropboxToken(keys, c),
      record: (event, detail) => this.record(event, detail),
      exclusive: (fn) => this.live.exclusive(fn),
      backups: () => this.backups(),
    };
  }

  private emit = <K extends keyof EngineEvents>(type: K, e: EngineEvents[K]) => {
    this.events.emit(type, e);
  };

  /** Whether this home has a vault (the desktop app shows first-run otherwise). A wipe or removal killed part way is finished first: then there is none. */
  async hasVault(): Promise<boolean> {
    await this.finishWipe().catch(() => {});
    await this.finishRemoval().catch(() => {});
    return hasConfig(this.home);
  }

  /** A removal killed after the settings went (engine/leaving/remove-vault.ts) is finished; its report, or undefined if there was none. */
  private async finishRemoval(): Promise<RemoveReport | undefined> {
    const { removalLeftover, finishRemoval } = await import('./leaving/remove-vault.js');
    if (!(await removalLeftover(this.home))) return undefined;
    const report = await withHomeLock(this.home, () => finishRemoval(this.home));
    if (report) await rmdir(this.home).catch(() => {}); // empty now, unless something else was kept there
    return report;
  }

  /** At a start: a wipe ordered from another computer and killed part way (engine/devices/wipe.ts) is finished now, and Wiped thrown; otherwise nothing. */
  async finishWipe(): Promise<void> {
    await resumeWipe(
      this.home,
      (c) => this.remote(c),
      (fn) => withHomeLock(this.home, fn),
    ).catch(this.afterWipe);
  }

  get unlocked(): boolean {
    return this.keys !== undefined;
  }

  private requireKeys(): ReadKeys {
    if (!this.keys) throw new Locked('the vault is locked');
    return this.keys;
  }

  // ---- the cloud connection ---------------------------------------------------

  private async newRemote(cloud: CloudSpec, dropbox: DropboxCredentials | undefined, s3?: S3Connection): Promise<Remote> {
    const remote = await openCloud(cloud, this.env, dropbox, cloud.kind === 's3' ? (s3 ?? (await this.s3Connection())) : undefined, this.retryTuning);
    if (!remote && cloud.kind === 's3') throw new UsageError('connecting to S3 storage needs its address and an access key', 'connect-s3');
    if (!remote) throw new UsageError('connecting to Dropbox needs a sign-in', 'reconnect-dropbox');
    return remote;
  }

  /** The vault's cloud: a folder, or Dropbox with the environment's sign-in or the stored one (which needs the vault unlocked once). */
  private async remote(config: Awaited<ReturnType<typeof loadConfig>>): Promise<Remote> {
    if (this.connected) return this.connected;
    const stored = async () => (this.keys ? await loadDropboxToken(this.home, this.keys) : undefined) ?? (await this.osTokens?.load().catch(() => undefined)); // no keychain copy: the sealed one, after an unlock
    const dropbox = config.cloud.kind === 'dropbox' ? (dropboxFromEnv(this.env) ?? (await stored())) : undefined;
    const s3 = config.cloud.kind === 's3' ? await this.s3Connection() : undefined;
    const remote = await openCloud(config.cloud, this.env, dropbox, s3, this.retryTuning);
    if (!remote && config.cloud.kind === 's3' && this.keys) throw new UsageError('connecting to S3 storage needs its address and an access key', 'connect-s3');
    if (!remote && config.cloud.kind === 's3')
      throw new Locked("this vault's S3 access key is stored encrypted, so reaching the cloud needs the vault unlocked");
    if (!remote) throw new Locked("this vault's Dropbox sign-in is stored encrypted, so reaching the cloud needs the vault unlocked");
    this.connected = remote;
    return remote;
  }

  /** S3 storage's connection: the environment's, else the one given or unsealed earlier in this run, else the one kept sealed here (which needs the vault unlocked). */
  private async s3Connection(): Promise<S3Connection | undefined> {
    const env = s3FromEnv(this.env);
    if (env) return env;
    if (!this.s3Held && this.keys) this.s3Held = await loadS3Connection(this.home, this.keys).catch(() => undefined); // none (or unreadable): the connect-s3 step asks for it
    return this.s3Held;
  }

  /** What the cloud's key file is checked against: this computer's pinned keys. */
  private async cloudKeyCheck(config: Awaited<ReturnType<typeof loadConfig>>): Promise<CloudKeyCheck> {
    return { home: this.home, cloud: config.cloud, remote: await this.remote(config), ...configWriteKeys(config), retiredPublicKeys: config.retiredPublicKeys };
  }

  /** The vault's cloud, once its key file says it may be written to (engine/keys/cloud-key-file.ts): a missing cloud is never filled. */
  private async writableRemote(config: Awaited<ReturnType<typeof loadConfig>>): Promise<Remote> {
    const check = await this.cloudKeyCheck(config);
    await assertCloudWritable(check);
    return check.remote;
  }

  /** The Dropbox sign-in, sealed under the vault in the home and, in the desktop app, also in the OS keychain. */
  private async keepDropboxToken(keys: ReadKeys, c: DropboxCredentials): Promise<void> {
    await storeDropboxToken(this.home, keys, c);
    await this.osTokens?.save(c).catch(() => {}); // no keychain: the sealed copy serves, after an unlock
  }

  /** Whether reaching the cloud needs an unlock first (a Dropbox sign-in stored encrypted, none in the environment). */
  async needsUnlockToConnect(): Promise<boolean> {
    const config = await loadConfig(this.home);
    if (config.cloud.kind === 's3') return !this.connected && !s3FromEnv(this.env) && !this.s3Held && !this.keys;
    return (
      config.cloud.kind === 'dropbox' && !this.connected && !dropboxFromEnv(this.env) && !this.keys && !(await this.osTokens?.load().catch(() => undefined))
    );
  }

  /** Connect to the cloud now (after an unlock, so that locking again keeps the connection). */
  async connect(): Promise<void> {
    await this.remote(await loadConfig(this.home));
  }

  // ---- setting up, unlocking, keys --------------------------------------------

  /** Create a vault. Returns the recovery key's words, to be shown once. */
  async init(o: InitOptions): Promise<{ recoveryKey: string }> {
    requireFullPath(o.vaultDir, 'vault folder');
    await this.finishRemoval();
    if (o.cloud.kind === 'folder') requireFullPath(o.cloud.dir, 'cloud folder');
    if (o.backupDir && !o.backupDir.startsWith('s3://')) requireFullPath(o.backupDir, 'backup folder');
    const dropbox = o.dropbox ?? (o.cloud.kind === 'dropbox' ? this.dropboxSignIn.take() : undefined) ?? dropboxFromEnv(this.env);
    const r = await createVault(this.core, o, dropbox);
    if (o.s3 && usesS3(o.cloud, o.backupDir)) this.s3Held = o.s3;
    return r;
  }

  /** On a new computer (a fresh home): rebuild the vault folder from the cloud copy. */
  async recover(o: RecoverOptions): Promise<RecoverReport> {
    requireFullPath(o.vaultDir, 'vault folder');
    await this.finishRemoval();
    if (o.cloud.kind === 'folder') requireFullPath(o.cloud.dir, 'cloud folder');
    const { recoverVault } = await import('./mirror/recover.js');
    const r = await recoverVault(this.core, o, o.dropbox ?? dropboxFromEnv(this.env));
    if (o.s3 && usesS3(o.cloud, o.backupDir)) this.s3Held = o.s3;
    return r;
  }

  /** Unlock with the passphrase, recovery key or escrow key: the reading keys live in memory until lock(). */
  async unlock(s: AnySecretInput): Promise<void> {
    const { keys, adopted } = await unlockKeys(this.core, s);
    const earlier = await this.wipe();
    if (earlier) await this.record('locked');
    this.keys = keys;
    this.lockChanged();
    if (adopted) {
      await this.record('took on the vault keys rotated on another computer', 'unlocked with the new passphrase');
      return;
    }
    await this.record('unlocked', describeSecret(s));
    const config = await loadConfig(this.home);
    if (this.osTokens && config.cloud.kind === 'dropbox' && !(await this.osTokens.load().catch(() => undefined))) {
      const c = await loadDropboxToken(this.home, keys).catch(() => undefined); // none stored: nothing to copy to the keychain
      if (c) await this.osTokens.save(c).catch(() => {}); // no keychain: the sealed copy serves, after an unlock
    }
  }

  /**
   * Wipe the reading keys from memory. Sync carries on (it needs none of
   * them). `cause`: it locked by itself (the idle timer, sleep, screen lock),
   * which the page then says.
   */
  async lock(cause?: LockCause): Promise<void> {
    if (!(await this.wipe())) return;
    this.autoLocked = cause ? { ...cause, at: new Date(this.clock.now()).toISOString() } : null;
    this.lockChanged();
    await this.record('locked', cause && lockCauseText(cause).replace(/^Locked /, ''));
  }

  /** Wipe the reading keys, if held; whether there were any. */
  private async wipe(): Promise<boolean> {
    const keys = this.keys;
    if (!keys) return false;
    this.keys = undefined;
    this.autoLock.disarm();
    await wipeKeys(keys);
    return true;
  }

  private lockChanged(): void {
    if (this.keys) this.autoLocked = null;
    this.emit('lock', this.lockState());
  }

  /** Locked or not, and why it locked by itself (the header's indicator). */
  lockState(): LockState {
    return { locked: !this.keys, autoLocked: this.keys ? null : this.autoLocked };
  }

  /** A key rotation re-encrypting now or stopped part-way: `status().keyRotation` without a walk of the vault (the rotation screen's poll). */
  async keyRotation(): Promise<KeyRotationState> {
    const running = this.rotating; // as of the call
    return (await import('./keys/rotation-steps.js')).rotationState(this.home, running);
  }

  /**
   * Run a call a person's action made (the shells' dispatch does, for every
   * method but the app's own polls): auto-lock waits while it runs, and the
   * idle time counts from its end.
   */
  async asUse<T>(fn: () => Promise<T>): Promise<T> {
    const end = this.autoLock.begin();
    try {
      return await fn();
    } finally {
      await end();
    }
  }

  changePassphrase(newPassphrase: string): Promise<void> {
    return changePassphrase(this.core, newPassphrase);
  }

  /** Replace the recovery key (the old one stops working). Returns the new words, to be shown once. */
  newRecoveryKey(): Promise<{ recoveryKey: string; id: string }> {
    return newRecoveryKey(this.core);
  }

  /** Which recovery key the vault's key file holds now (`newRecoveryKey`'s `id`), so a window showing an earlier one can tell it was replaced. */
  async recoveryKeyState(): Promise<{ id: string }> {
    const [{ kf }, { recoveryKeyId }] = await Promise.all([readLocalKeyFile(this.home), import('./keys/recovery-confirmation.js')]);
    return { id: recoveryKeyId(kf) };
  }

  /** The person typed the recovery key back: recorded, so the vault's health stops asking for it. */
  confirmRecoveryKey(recoveryKey: string): Promise<{ confirmed: true }> {
    return confirmRecoveryKey(this.core, recoveryKey);
  }

  /** What a recovery kit says besides the words: the vault's name, where its encrypted copy is, today's date. */
  async recoveryKitFacts(kit: KitKind): Promise<RecoveryKitFacts> {
    return (await import('./keys/recovery-kit.js')).recoveryKitFacts(this.core, kit, new Date(this.clock.now()));
  }

  /** Write a recovery kit into a new file, never inside the vault, cloud or backup folders (or this home). */
  async saveRecoveryKit(o: { kit: KitKind; recoveryKey: string; to: string }): Promise<{ path: string }> {
    return (await import('./keys/recovery-kit.js')).saveRecoveryKit(this.core, o, new Date(this.clock.now()));
  }

  /**
   * Refuse a file for a recovery key (the CLI's --recovery-key-out) inside a
   * folder that must never hold it: this vault's folders, or (before init)
   * the ones given.
   */
  async checkRecoveryKeyPlace(file: string, folders?: KeyPlaceFolders): Promise<void> {
    return (await import('./keys/recovery-kit.js')).checkKeyPlace(this.core, file, folders);
  }

  /** Lost computer, step 1: new keys, passphrase and recovery key (keys/rotation.ts). */
  async rotateKeys(o: { newPassphrase: string }): Promise<RotateReport> {
    return (await import('./keys/rotation.js')).rotateKeys(this.core, o);
  }

  /** Lost computer, step 2: the cloud copy re-encrypted under the new keys. */
  async finishKeyRotation(): Promise<ReencryptReport> {
    const { finishKeyRotation } = await import('./keys/rotation.js');
    this.rotating = true;
    try {
      return await finishKeyRotation(this.core);
    } finally {
      this.rotating = false;
    }
  }

  /** The union's side: a new escrow key pair into `out` (secret half under `passphrase`) and `out`.pub. No vault needed. */
  async escrowKeygen(out: string, passphrase: string): Promise<{ keyFile: string; publicFile: string; fingerprint: string }> {
    await checkStrength(passphrase);
    return writeEscrowKey(out, passphrase, KDF_PROFILES[kdfProfile(this.env)]);
  }

  escrowShow(): Promise<{ fingerprint: string; vaultFingerprint: string } | null> {
    return escrowShow(this.home);
  }

  escrowAdd(
    publicKeyFile: string,
    fingerprint: string,
    receiptFile?: string,
  ): Promise<{ fingerprint: string; vaultFingerprint: string; receiptFile?: string }> {
    return escrowAdd(this.core, publicKeyFile, fingerprint, receiptFile);
  }

  escrowRemove(): Promise<{ removed: boolean; next?: 'rotate-keys' }> {
    return escrowRemove(this.core);
  }

  // ---- the audit trail ----------------------------------------------------------

  /** Add an entry to the audit trail (mirrored to the cloud by the next sync pass, with any others). Never fails the action it records. */
  async record(event: string, detail?: string): Promise<void> {
    const config = await loadConfig(this.home).catch(() => undefined);
    if (!config) return; // no vault (removed, or not set up): nothing to record into
    try {
      await appendAudit(this.home, configWriteKeys(config), event, detail);
    } catch {
      // a full or read-only home: the action itself has been done; verify will show the gap
    }
  }

  /** Check the audit trail's chain and head (no passphrase needed), and compare it with this computer's mirror in the cloud where the cloud can be reached. */
  async auditVerify(): Promise<AuditVerifyReport> {
    const config = await loadConfig(this.home);
    const keys = configWriteKeys(config);
    const mirror = await this.remote(config)
      .then((remote) => ownMirror(remote, config.deviceId, keys.authKey))
      .catch(() => undefined); // the cloud out of reach (or locked away): the trail here is checked alone
    return verifyAudit(this.home, keys, mirror);
  }

  /** The audit trail's entries (needs the vault unlocked). */
  auditEntries(): Promise<AuditRow[]> {
    return readAudit(this.home, this.requireKeys());
  }

  /** The trails other computers of this vault (and, in a handover copy, the predecessor) mirrored to the cloud, each checked and decrypted. Needs the vault unlocked. */
  async otherAuditTrails(): Promise<OtherTrail[]> {
    const keys = this.requireKeys();
    const config = await loadConfig(this.home);
    return otherTrails(await this.remote(config), config.deviceId, keyring(keys));
  }

  /** The audit trail (filtered, newest first) as CSV or a printable HTML page with the chain check in its header. Needs the vault unlocked. */
  async auditExport(o: { format: 'csv' | 'html'; filter?: AuditFilter }): Promise<{ text: string; entries: number }> {
    const entries = filterAudit(await this.auditEntries(), o.filter);
    const config = await loadConfig(this.home);
    const text =
      o.format === 'csv'
        ? auditCsv(entries)
        : auditHtml(entries, { vault: config.vaultDir, exportedAt: new Date().toISOString(), check: await this.auditVerify() });
    await this.record(
      'audit trail exported',
      `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'} as ${o.format === 'csv' ? 'CSV' : 'a printable page'}`,
    );
    return { text, entries: entries.length };
  }

  /** The officer has reviewed who can reach the vault: recorded, and the reminder starts again. */
  async recordAccessReview(): Promise<Settings> {
    await loadConfig(this.home);
    const s = { ...(await loadSettings(this.home)), lastAccessReview: new Date().toISOString() };
    await saveSettings(this.home, s);
    await this.record('access reviewed');
    return s;
  }

  // ---- the cloud copy -------------------------------------------------------------

  /** One sync pass (live sync's, if it runs). */
  async sync(): Promise<SyncReport> {
    const live = this.live.syncNow();
    if (live) return live;
    const ctx = await this.syncContext();
    const report = await withHomeLock(this.home, () => syncOnce(ctx)).catch(this.afterWipe);
    if (report.deleted > 0) await this.record('deleted from the cloud copy', `${fileCount(report.deleted)} moved to the cloud trash`);
    return report;
  }

  /** A wipe carried out here (engine/devices/wipe.ts) leaves the home empty once its lock is let go: the folder goes too. */
  private afterWipe = async (e: unknown): Promise<never> => {
    if (e instanceof Wiped) await rmdir(this.home).catch(() => {}); // something else in it: left
    throw e;
  };

  private async syncContext(): Promise<SyncContext> {
    await this.finishWipe();
    const config = await withDeviceFields(this.home, await loadConfig(this.home), this.env);
    const remote = await this.remote(config);
    return {
      home: this.home,
      vaultDir: config.vaultDir,
      cloud: config.cloud,
      remote,
      keys: configWriteKeys(config),
      trashDays: config.trashDays,
      emit: this.emit,
      deviceId: config.deviceId,
      deviceName: deviceName(),
      ...(config.retiredPublicKeys ? { retiredPublicKeys: config.retiredPublicKeys } : {}),
      devices: deviceHooks({ home: this.home, config, remote, record: (event, detail) => this.record(event, detail) }),
    };
  }

  /** Start live sync in the background (the desktop app and browser mode do, once a vault exists). */
  startLiveSync(options: LiveOptions = {}): Promise<void> {
    return this.live.start(options);
  }

  stopLiveSync(): Promise<void> {
    return this.live.stop();
  }

  /** Keep syncing until `signal` aborts, and take backups when they are due (the CLI's `watch`). */
  watch(signal: AbortSignal, options: LiveOptions = {}): Promise<void> {
    return this.live.watch(signal, options).catch(this.afterWipe);
  }

  // ---- the vault's computers (docs/devices.md) ----------------------------------

  private async deviceDeps(): Promise<ListDeps> {
    const keys = this.requireKeys();
    const config = await withDeviceFields(this.home, await loadConfig(this.home), this.env);
    return { home: this.home, config, remote: await this.remote(config), keys, record: (event, detail) => this.record(event, detail) };
  }

  /** The computers using this vault (needs the vault unlocked: their records are sealed). */
  async devices(): Promise<DeviceInfo[]> {
    return (await (await import('./devices/list.js')).listDevices(await this.deviceDeps())).map((l) => l.info);
  }

  /** Mark a computer lost (and order its wipe) or found again. Recorded. */
  async markDevice(o: DevicesMark): Promise<DeviceInfo> {
    return (await import('./devices/list.js')).markDevice(await this.deviceDeps(), o);
  }

  /** What was on a computer at its last sync, for the data-protection lead. Recorded without case names. */
  async breachReport(device: string): Promise<BreachReport> {
    return (await import('./devices/breach.js')).breachReport(await this.deviceDeps(), device);
  }

  /** Read the whole cloud copy back and check it (needs the vault unlocked). Damaged objects are uploaded again by the next sync. */
  async verifyCloud(): Promise<VerifyReport> {
    const keys = this.requireKeys();
    const [{ verifyCloud }, { cloudRing }] = await Promise.all([import('./mirror/verify-cloud.js'), import('./mirror/recover.js')]);
    const config = await loadConfig(this.home);
    const { bytes } = await readLocalKeyFile(this.home);
    const check = await this.cloudKeyCheck(config);
    const remote = check.remote;
    const cloudKeyFile = await assertCloudKeys(check);
    const report = await verifyCloud(
      remote,
      await cloudRing(this.home, keys),
      await loadState(this.home),
      bytes,
      cloudKeyFile,
      this.emit,
      config.deviceId,
      this.home,
      config.vaultDir,
    );
    const damaged = report.bad.flatMap((b) => {
      const id = parseObjectRemoteName(b.object);
      return id ? [id] : [];
    });
    if (damaged.length > 0) await saveDamaged(this.home, new Set([...(await loadDamaged(this.home)), ...damaged]));
    return report;
  }

  /**
   * Move the cloud copy to `to` (engine/mirror/cloud-move.ts): copy, read
   * back, switch; the old copy stays until deleteOldCloud. Needs the vault
   * unlocked (every object is authenticated at the new place).
   */
  async moveCloud(o: { to: CloudSpec; dropbox?: DropboxCredentials; s3?: S3Connection }): Promise<CloudMoveReport> {
    const to: CloudSpec = o.to.kind === 'folder' ? { kind: 'folder', dir: resolve(requireFullPath(o.to.dir, 'new cloud folder')) } : o.to;
    const keys = this.requireKeys();
    const signIn = to.kind === 'dropbox' ? (o.dropbox ?? this.dropboxSignIn.take() ?? dropboxFromEnv(this.env)) : undefined;
    // S3 storage's connection: the one given (the app's form), else the environment's or the one kept here; kept sealed at the switch, as init keeps it.
    const s3 = to.kind === 's3' ? (o.s3 ?? (await this.s3Connection())) : undefined;
    const { moveCloud } = await import('./mirror/cloud-move.js');
    const report = await this.live.exclusive(async () => {
      const config = await loadConfig(this.home);
      const r = await moveCloud(
        {
          home: this.home,
          config,
          keys,
          from: await this.remote(config),
          open: async (c) => this.newRemote(c, c.kind === 'dropbox' ? (signIn ?? (await loadDropboxToken(this.home, keys))) : undefined, s3),
          prepare: async (c) => {
            if (c.kind === 'dropbox' && signIn) await this.keepDropboxToken(keys, signIn);
            if (c.kind === 's3' && s3) {
              await storeS3Connection(this.home, keys, s3);
              this.s3Held = s3;
            }
          },
          emit: this.emit,
        },
        to,
      );
      this.connected = undefined; // the next connection is to the new place
      return r;
    });
    // Only the computers still in use are to be pointed at the new place: one marked lost or wiped never will be (its records, if they cannot be read, all count).
    report.otherComputers = await this.devices().then(
      (all) => all.filter((x) => !x.this && x.status === 'active').length,
      () => report.otherComputers,
    );
    await this.record('cloud copy moved', `from ${report.from} to ${report.to}: ${report.objects} objects read back and checked`);
    return report;
  }

  /** Where the cloud copy is, the old copy a move left (until it is deleted), and a move that stopped before it switched. */
  async cloudMoveStatus(): Promise<CloudMoveStatus> {
    const config = await loadConfig(this.home);
    const m = await (await import('./mirror/cloud-move.js')).loadMoveMarker(this.home);
    return {
      cloud: describeCloud(config.cloud),
      oldCopy: m?.switchedAt ? { cloud: describeCloud(m.from), movedAt: m.switchedAt } : null,
      interrupted: m && !m.switchedAt ? { to: describeCloud(m.to) } : null,
    };
  }

  /** After a move, once the person confirmed: delete the old copy (only what Casevault wrote there). A Dropbox one needs the vault unlocked (its sign-in is sealed). */
  async deleteOldCloud(): Promise<{ deleted: number; cloud: string }> {
    const { deleteOldCloud, loadMoveMarker } = await import('./mirror/cloud-move.js');
    const m = await loadMoveMarker(this.home);
    if (!m?.switchedAt) throw new UsageError('there is no old cloud copy to delete: the cloud copy has not been moved, or its old copy is deleted already');
    const config = await loadConfig(this.home);
    const dropbox = m.from.kind === 'dropbox' ? (dropboxFromEnv(this.env) ?? (await loadDropboxToken(this.home, this.requireKeys()))) : undefined;
    const r = await withHomeLock(this.home, async () =>
      deleteOldCloud(this.home, m, () => this.newRemote(m.from, dropbox), { publicKey: configWriteKeys(config).publicKey }),
    );
    await this.record('old cloud copy deleted', `${describeCloud(m.from)}: ${count(r.deleted, 'item')}`);
    return { deleted: r.deleted, cloud: describeCloud(m.from) };
  }

  /**
   * The vault folder missing or replaced (engine/mirror/vault-folder.ts):
   * rebuild it from the cloud copy into where it was, or into `to` (new or
   * empty), with the recovery's restore. Needs the vault unlocked. Live sync
   * pauses meanwhile and then watches the folder put back.
   */
  async putVaultBack(o: { to?: string }): Promise<VaultFolderReport> {
    const ring = await (await import('./mirror/recover.js')).cloudRing(this.home, this.requireKeys());
    const { putVaultBack } = await import('./mirror/vault-folder.js');
    return this.live.exclusive(async () => {
      const config = await loadConfig(this.home);
      return putVaultBack(this.vaultFolderDeps(config), await this.remote(config), ring, o.to);
    });
  }

  /** The vault folder missing or replaced: use `dir`, which holds this vault's files (moved there), as the vault folder. */
  async useVaultFolder(o: { dir: string }): Promise<VaultFolderReport> {
    const { useVaultFolder } = await import('./mirror/vault-folder.js');
    return this.live.exclusive(async () => useVaultFolder(this.vaultFolderDeps(await loadConfig(this.home)), o.dir));
  }

  private vaultFolderDeps(config: Awaited<ReturnType<typeof loadConfig>>) {
    return { home: this.home, config, emit: this.emit, record: (event: string, detail: string) => this.record(event, detail) };
  }

  /**
   * The cloud holds no key file of this vault, or a damaged, old or forged
   * one: put this computer's copy there (engine/keys/cloud-key-file.ts), so
   * the next sync rebuilds the cloud copy from this computer. Recorded.
   */
  async putBackCloudKeyFile(): Promise<{ cloud: string; put: boolean }> {
    const config = await loadConfig(this.home);
    const { bytes } = await readLocalKeyFile(this.home);
    const put = await withHomeLock(this.home, async () => putBackKeyFile(await this.cloudKeyCheck(config), bytes));
    const cloud = describeCloud(config.cloud);
    if (put) await this.record("this computer's key file put back into the cloud copy", cloud);
    return { cloud, put };
  }

  /**
   * Put a file into the vault folder (dropped on the app's window), through a
   * temporary name. A name that is taken: nothing is written unless
   * `ifExists` says keep both or replace (the replaced version kept in the
   * cloud's trash first). Live sync picks it up.
   */
  async addFile(path: string, content: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, ifExists?: AddFileChoice): Promise<AddFileReport> {
    const config = await loadConfig(this.home);
    const { addFile } = await import('./mirror/add-file.js');
    const r = await addFile(
      { home: this.home, vaultDir: config.vaultDir, locale: this.locale, syncContext: () => this.syncContext() },
      path,
      content,
      ifExists,
    );
    if (r.outcome !== 'replaced') return r;
    await this.record('file replaced by a dropped file', 'the version it replaced was kept in the cloud trash');
    return { ...r, trashDays: config.trashDays };
  }

  /** Which of these vault paths are taken already (the app asks about each before adding a dropped file). */
  async addFileCheck(paths: string[]): Promise<{ existing: string[] }> {
    const config = await loadConfig(this.home);
    return { existing: await (await import('./mirror/add-file.js')).existingPaths(config.vaultDir, paths) };
  }

  async status(): Promise<StatusReport> {
    return (await import('./status.js')).vaultStatus(this.statusInputs());
  }

  /** Home's view: the status and the file list from one reading of the vault. */
  async homeView(limit?: number): Promise<HomeView> {
    return (await import('./status.js')).vaultHomeView(this.statusInputs(), limit);
  }

  private statusInputs(): StatusInputs {
    return {
      home: this.home,
      locked: !this.unlocked,
      rotating: this.rotating,
      backupStatus: () => this.backupStatus(),
      ownSnapshots: async (last) => (await this.backups()).ownSnapshots(last),
      probeCloud: async () => {
        const config = await loadConfig(this.home);
        return this.prober.probe(() => this.cloudKeyCheck(config), describeCloud(config.cloud));
      },
      remote: async () => this.remote(await loadConfig(this.home)),
    };
  }

  /** The vault's files with their sync state, for Home's list. No passphrase needed. */
  async vaultFiles(limit?: number): Promise<VaultFiles> {
    return (await import('./status.js')).vaultFileList(this.home, limit);
  }

  /** The desktop app's Dropbox sign-in, step 1: the address to open in a browser. */
  startDropboxSignIn(): Promise<{ url: string }> {
    return this.dropboxSignIn.start();
  }

  /**
   * Step 2: waits until Dropbox sends the person back. Before a vault
   * exists, init() uses the sign-in; for a Dropbox vault it replaces the
   * stored sign-in (sealed: needs the vault unlocked) and is recorded.
   */
  async finishDropboxSignIn(): Promise<{ connected: true }> {
    const config = (await this.hasVault()) ? await loadConfig(this.home) : undefined;
    if (config && config.cloud.kind !== 'dropbox') throw new UsageError("this vault's cloud copy is a folder, not Dropbox");
    const keys = config ? this.requireKeys() : undefined;
    const c = await this.dropboxSignIn.wait();
    if (config && keys) {
      this.dropboxSignIn.take();
      await this.keepDropboxToken(keys, c);
      this.connected = undefined;
      await this.live.restart();
      await this.record('dropbox reconnected');
    }
    return { connected: true };
  }

  /**
   * Replace an S3 vault's access key (its cloud copy or its backups on S3
   * storage): the keys are tried against the bucket first (the key file's
   * object, the backup location), then kept sealed. Nothing in the bucket
   * changes. Needs the vault unlocked, to seal them.
   */
  async connectS3(c: S3Connection): Promise<{ connected: true }> {
    const keys = this.requireKeys();
    const config = await loadConfig(this.home);
    const backupDir = config.backupDir;
    if (!usesS3(config.cloud, backupDir)) throw new UsageError('this vault keeps nothing on S3 storage');
    if (config.cloud.kind === 's3') await (await this.newRemote(config.cloud, undefined, c)).stat(KEY_FILE_NAME);
    if (backupDir?.startsWith('s3://')) await (await import('./backup/storage.js')).repoStorageAt(backupDir, c).probe();
    await storeS3Connection(this.home, keys, c);
    this.s3Held = c;
    this.connected = undefined;
    await this.live.restart();
    await this.record('s3 access key replaced');
    return { connected: true };
  }

  // ---- backups ------------------------------------------------------------------------

  private backupDeps(): BackupApiDeps {
    return { home: this.home, env: this.env, emit: this.emit, readKeys: () => this.requireKeys(), s3: () => this.s3Connection() };
  }

  /** The backup room is loaded on first use: a command that takes no backup never reads its modules. */
  /**
   * How many archives of closed cases the backup folder holds (docs/handover.md: they are
   * not in a handover copy). The drive away: those this computer recorded making.
   */
  private async archivesInBackupFolder(config: Awaited<ReturnType<typeof loadConfig>>): Promise<number> {
    if (!config.backupDir) return 0;
    try {
      return (await (await this.backups()).archives()).filter((a) => a.state !== 'missing').length;
    } catch {
      const { loadMarks } = await import('./housekeeping/marks.js');
      return new Set((await loadMarks(this.home)).archives.map((a) => a.snapshot)).size;
    }
  }

  /** Snapshots in the backup folder this computer did not take (archives apart); none where the folder cannot be listed (nothing there to delete either). */
  private async othersSnapshots(): Promise<number> {
    const { loadBackupState } = await import('./backup/local.js');
    const own = new Set((await loadBackupState(this.home)).snapshots);
    const listed = await (await this.backups()).list().catch(() => undefined);
    return listed?.snapshots.filter((s) => !s.archive && !own.has(s.id)).length ?? 0;
  }

  private async backups(): Promise<BackupApi> {
    const { BackupApi } = await import('./backup/service.js');
    return new BackupApi(this.backupDeps());
  }

  /** Take a backup snapshot now (write keys only: runs while locked). */
  async backup(o: { signal?: AbortSignal } = {}): Promise<BackupReport> {
    return (await this.backups()).backup(o);
  }

  async snapshots(): Promise<SnapshotInfo[]> {
    return (await this.snapshotList()).snapshots;
  }

  /** The snapshots, and the IDs of those that cannot be read (damaged or tampered with). */
  async snapshotList(): Promise<SnapshotList> {
    return (await this.backups()).list();
  }

  /** Restore a snapshot, or files and folders of it (needs the vault unlocked). */
  async restoreBackup(o: RestoreOptions): Promise<RestoreReport> {
    requireFullPath(o.to, 'folder to restore into');
    const r = await (await this.backups()).restore(o);
    const chosen = [...(o.path ? [o.path] : []), ...(o.paths ?? [])];
    await this.record(
      'restored from a backup',
      `${fileCount(r.restored)} from snapshot ${r.snapshot}${chosen.length ? ` (${chosen.join(', ')})` : ''} into ${o.to}`,
    );
    return r;
  }

  /** A snapshot's files and folders, to browse before restoring (needs the vault unlocked: the list is encrypted). */
  async snapshotTree(snapshot?: string): Promise<SnapshotTree> {
    return (await this.backups()).tree(snapshot);
  }

  /** One file's distinct versions across the snapshots, most recently changed first (needs the vault unlocked). */
  async fileVersions(path: string): Promise<FileVersions> {
    return (await this.backups()).fileVersions(path);
  }

  /**
   * Attach or change the backup folder (engine/backup/folder.ts): one that
   * holds this vault's backups is adopted, from before a key rotation too
   * (the earlier keys are in the unlocked key file; while locked, such a
   * folder asks for an unlock). Live sync pauses meanwhile, so no scheduled
   * backup straddles the change. Recorded.
   */
  async attachBackupFolder(dir: string): Promise<BackupFolderReport> {
    const config = await loadConfig(this.home);
    const { kf } = await readLocalKeyFile(this.home);
    const earlier = {
      authKeys: [...(config.retiredAuthKeys ?? []), ...(this.keys?.previous ?? []).map((k) => toBase64(k.authKey))],
      locked: !this.keys && kf.previous !== undefined,
    };
    const r = await this.live.exclusive(async () => (await this.backups()).attach(dir, earlier));
    if (r.state !== 'unchanged') {
      const { describeAttached } = await import('./backup/folder.js');
      await this.record(r.previous ? 'backup folder changed' : 'backup folder attached', describeAttached(r));
    }
    return r;
  }

  async verifyBackup(o: { quick?: boolean } = {}): Promise<BackupVerifyReport> {
    const r = await (await this.backups()).verify(o);
    if (r.noted.length > 0) await this.record('backups this computer took found missing from the backup folder and noted', r.noted.join(', '));
    return r;
  }

  /** Apply the retention policy; with prune, delete what no kept snapshot needs. */
  async forget(o: ForgetOptions = {}): Promise<ForgetReport> {
    const policy = { ...(await loadSettings(this.home)).retention, ...o.policy };
    const r = await (await this.backups()).forget({ ...o, policy });
    if (!o.dryRun) await this.record(o.prune ? 'backups forgotten and pruned' : 'backups forgotten');
    return r;
  }

  async backupStatus(): Promise<BackupStatus> {
    const schedule = backupSchedule(await loadSettings(this.home));
    return (await this.backups()).status(schedule);
  }

  // ---- settings --------------------------------------------------------------------------

  /** Auto-lock, backup schedule and retention, access reviews (no passphrase needed: nothing in them is secret). */
  settings(): Promise<Settings> {
    return loadSettings(this.home);
  }

  /** Change settings (validated: UsageError); the change is recorded in the audit trail. */
  async updateSettings(update: unknown): Promise<Settings> {
    await loadConfig(this.home);
    const { settings, changes } = await updateSettings(this.home, update);
    if (changes.length > 0) await this.record('settings changed', changes.join('; '));
    return settings;
  }

  // ---- subject access ----------------------------------------------------------------------

  /** Subject access request: the vault's files that mention a member (needs the vault unlocked: it reads members' data). */
  async sarSearch(o: { terms: string[]; reference?: string }, limits?: SearchLimits): Promise<SarSearchReport> {
    this.requireKeys();
    const config = await loadConfig(this.home);
    const [{ searchVault }, { requestLabel }] = await Promise.all([import('./sar/search.js'), import('./sar/manifest.js')]);
    const r = await searchVault(config.vaultDir, o.terms, limits, this.emit);
    await this.record('subject access search', `${requestLabel(o)}: ${fileCount(r.hits.length)} found`);
    return r;
  }

  /** Where an export goes unless the officer says otherwise: Documents (or the Desktop), named after the reference and the day. */
  async sarDestination(o: { reference?: string; zip: boolean; to?: string }): Promise<{ to: string }> {
    if (o.to !== undefined) return { to: (await import('./sar/export.js')).resolveDestination(requireFullPath(o.to, 'export', true)) }; // the place typed, as the export takes it
    return { to: await (await import('./sar/destination.js')).defaultDestination({ ...o, locale: this.locale }) };
  }

  /** Subject access request: copies of the chosen files and a manifest, into a new or empty folder or a new zip file (needs the vault unlocked). */
  async sarExport(o: SarExportOptions): Promise<SarExportReport> {
    this.requireKeys();
    requireFullPath(o.to, 'export', true);
    const config = await loadConfig(this.home);
    const [{ exportFiles }, { requestLabel }] = await Promise.all([import('./sar/export.js'), import('./sar/manifest.js')]);
    const r = await exportFiles({ vaultDir: config.vaultDir, ...(config.cloud.kind === 'folder' ? { cloudDir: config.cloud.dir } : {}) }, o, this.emit);
    await this.record('subject access export', `${requestLabel(o)}: ${fileCount(r.files)} to ${r.zip ? 'the zip file' : 'the folder'} ${r.to}`);
    return r;
  }

  // ---- sending securely ---------------------------------------------------------------------------

  /** Files and folders into a passphrase-protected page the recipient opens in a browser; recorded (needs the vault unlocked: it reads members' files). */
  async sendFiles(o: SendOptions): Promise<SendReport> {
    const keys = this.requireKeys();
    requireFullPath(o.out, 'package', true);
    const { sendPackage } = await import('./send/send.js');
    return sendPackage({ home: this.home, config: await loadConfig(this.home), keys, record: (event, detail) => this.record(event, detail) }, o);
  }

  /** The record of packages sent from this computer (needs the vault unlocked: it is sealed). */
  async sentPackages(): Promise<SentPackages> {
    const keys = this.requireKeys();
    await loadConfig(this.home);
    return (await import('./send/records.js')).readSent(this.home, keyring(keys));
  }

  // ---- housekeeping ----------------------------------------------------------------------------

  private async housekeeping(): Promise<Housekeeping> {
    const [{ Housekeeping }, { BackupApi }] = await Promise.all([import('./housekeeping/housekeeping.js'), import('./backup/service.js')]);
    return new Housekeeping({
      home: this.home,
      record: (event, detail) => this.record(event, detail),
      backups: () => new BackupApi(this.backupDeps()),
      sync: () => this.sync(),
      remote: (config) => this.writableRemote(config),
      readKeys: () => this.keys,
    });
  }

  /** Every case with its due date (housekeeping; no passphrase needed). */
  async retention(): Promise<RetentionReport> {
    return (await this.housekeeping()).list();
  }

  async setRetentionYears(years: number): Promise<{ years: number }> {
    return (await this.housekeeping()).setYears(years);
  }

  async closeCase(name: string, date?: string): Promise<CaseInfo> {
    return (await this.housekeeping()).close(name, date);
  }

  async reopenCase(name: string): Promise<CaseInfo> {
    return (await this.housekeeping()).reopen(name);
  }

  /** Archive cases into the backup folder, read back, then remove their plaintext (needs the vault unlocked). */
  async archiveCases(r: CaseRequest): Promise<ArchiveOutcome[]> {
    return (await this.housekeeping()).archive(r);
  }

  /** Delete cases: plaintext now, the cloud's copies via the trash, the backups' as snapshots expire. */
  async deleteCases(r: CaseRequest): Promise<DeleteReport> {
    return (await this.housekeeping()).delete(r);
  }

  /** The archives in the backup folder, with the cases this computer recorded (no passphrase needed). */
  async archives(): Promise<ArchiveEntry[]> {
    return (await this.housekeeping()).archives();
  }

  /** Delete archives past their own retention: manifest, marker, then a prune (no passphrase needed; confirm: true). */
  async deleteArchives(r: ArchiveDeleteRequest): Promise<ArchiveDeletion[]> {
    return (await this.housekeeping()).deleteArchives(r);
  }

  /** The backup record and the asset record. */
  async records(): Promise<Records> {
    return (await import('./housekeeping/records.js')).buildRecords(this.home, await this.backups());
  }

  /** The records as a printable HTML page. */
  async recordsHtml(): Promise<string> {
    const records = await this.records();
    return (await import('./housekeeping/records.js')).recordsHtml(records);
  }

  // ---- leaving the role --------------------------------------------------------------------------

  /**
   * Leaving the role: write a complete, independent copy of the vault (new
   * keys and passphrase, optionally the union's escrow slot) into a new or
   * empty folder, then read it back and check every file. Needs the vault unlocked.
   */
  async handover(o: HandoverOptions): Promise<HandoverReport> {
    this.requireKeys();
    requireFullPath(o.to, 'folder for the copy');
    await checkStrength(o.passphrase);
    const config = await loadConfig(this.home);
    const { makeHandover } = await import('./leaving/handover.js');
    const archives = await this.archivesInBackupFolder(config);
    const report = await this.live.exclusive(() =>
      makeHandover(
        {
          home: this.home,
          config,
          auditEntries: () => this.auditEntries(),
          newEngine: (home) => new Engine(home, this.env),
          archives: async () => archives,
          emit: this.emit,
        },
        o,
      ),
    );
    await this.record(
      'handover copy made and verified',
      `${fileCount(report.files)} into ${report.to}, digest ${report.digest}${report.escrowFingerprint ? `, escrow key ${report.escrowFingerprint}` : ''}`,
    );
    return report;
  }

  /** Whether `to` may take a handover copy (the rules `handover` applies), checked before the wizard goes on: nothing is written. */
  async handoverFolderCheck(o: { to: string }): Promise<{ ok: true }> {
    requireFullPath(o.to, 'folder for the copy');
    await (await import('./leaving/handover.js')).checkHandoverFolder(this.home, await loadConfig(this.home), o.to);
    return { ok: true };
  }

  /** The last verified handover copy, if any (the app's handover wizard starts from it). */
  async handoverStatus(): Promise<HandoverStatus> {
    const v = await (await import('./leaving/handover.js')).loadVerified(this.home);
    return { verified: v ? { to: v.to, at: v.at, files: v.files.length, bytes: v.bytes } : null };
  }

  /** The printable handover sheet for the last checked copy (engine/leaving/handover-sheet.ts): no secret is on it. */
  async handoverSheet(madeBy?: string): Promise<{ html: string }> {
    const [{ loadVerified }, { handoverSheetHtml }] = await Promise.all([import('./leaving/handover.js'), import('./leaving/handover-sheet.js')]);
    const v = await loadVerified(this.home);
    if (!v) throw new UsageError('there is no checked handover copy yet, so there is no sheet to give', 'make-handover');
    const by = madeBy?.trim() || `the computer ${deviceName()}`;
    return {
      html: handoverSheetHtml({
        to: v.to,
        at: v.at,
        files: v.files.length,
        bytes: v.bytes,
        archives: v.archives ?? 0,
        ...(v.backupFolder ? { backupFolder: v.backupFolder } : {}),
        madeBy: by,
        now: new Date(),
        locale: this.locale,
      }),
    };
  }

  /** After a verified handover: remove the vault, its keys and settings from this computer (the cloud copy and backups kept or deleted). */
  async removeVault(o: RemoveOptions): Promise<RemoveReport> {
    const finished = await this.finishRemoval();
    if (finished) return finished;
    const config = await loadConfig(this.home);
    const { removeVault, unfinishedRemoval } = await import('./leaving/remove-vault.js');
    const archives = o.yes && o.backups === 'delete' ? await this.archivesInBackupFolder(config) : 0;
    // Which computers still use the cloud copy: their records are sealed (asked before live sync stops; a removal under way has checked already).
    if (o.yes && o.cloud === 'delete' && !(await unfinishedRemoval(this.home))) this.requireKeys();
    await this.stopLiveSync();
    const report = await withHomeLock(this.home, () =>
      removeVault(
        {
          home: this.home,
          config,
          remote: () => this.remote(config),
          record: (event, detail) => this.record(event, detail),
          wipe: () => this.lock(),
          syncCloud: async () => syncOnce(await this.syncContext()),
          archives,
          keyRotation: () => this.keyRotation(),
          otherComputers: async () => (await this.devices()).filter((x) => !x.this && x.status === 'active').map((x) => x.name),
          othersSnapshots: () => this.othersSnapshots(),
        },
        o,
      ),
    );
    await rmdir(this.home).catch(() => {}); // empty now, unless something else was kept there
    return report;
  }
}
