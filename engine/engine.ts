// The engine's one typed API: the CLI, the desktop app (over IPC) and the
// browser mode all call these methods and listen to `events`. It knows
// nothing of Electron, React or terminals. Spec: docs/api.md.
import { EventEmitter } from 'node:events';
import { mkdir, readdir, readFile, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import {
  assertSafeVaultPath, createKeyFile, DamagedData, randomBytes, toBase64, toHex, decodeRecoveryKey, encodeRecoveryKey, KDF_PROFILES, openKeyFile, parseKeyFile,
  parseObjectRemoteName, rewrapPassphrase, rewrapRecovery, rotateKeyFile, markCloudReencrypted, cloudReencrypting, keyring, WrongSecret, serializeKeyFile, wipeKeys, writeKeysOf, addEscrowSlot, removeEscrowSlot, escrowPublicKeyOf, escrowFingerprint, ready,
  type KdfProfile, type KeyFile, type ReadKeys, type Secret,
} from '../crypto/index.js';
import { tempName, writeFileAtomic, writeTemp } from './fsutil/atomic.js';
import { configWriteKeys, hasConfig, loadConfig, saveConfig, writeKeyFields, type CloudSpec, type VaultConfig } from './config.js';
import type { EngineEvents } from './events.js';
import { Locked, Refused, UsageError } from './errors.js';
import { homeFiles } from './home.js';
import { alive, withHomeLock } from './fsutil/lockfile.js';
import { passphraseStrength } from './keys/passphrase.js';
import { BackupApi, type BackupReport, type BackupStatus, type BackupVerifyReport, type ForgetOptions, type ForgetReport, type RestoreOptions, type RestoreReport, type SnapshotInfo, type SnapshotTree } from './backup/service.js';
import { auditCsv, auditHtml, filterAudit, type AuditFilter } from './audit/export.js';
import { accessReviewDueAt, backupSchedule, loadSettings, saveSettings, updateSettings, type Settings } from './settings.js';
import { appendAudit, auditLogBytes, openTrail, readAudit, verifyAudit, type AuditVerifyReport, type OtherTrail } from './audit/trail.js';
import { deviceName } from './mirror/devices.js';
import { describeCloud, dropboxFromEnv, loadDropboxToken, openCloud, storeDropboxToken, type DropboxCredentials, type OsTokenStore } from './remotes/open-cloud.js';
import { RemoteNotFound, type Remote } from './remotes/remote.js';
import { placeBeside, restoreAll, safeJoin, type ObjectFailure } from './mirror/restore-objects.js';
import { scanVault } from './mirror/scan.js';
import { loadState, saveState, emptyState } from './mirror/state.js';
import { record } from './mirror/file-read.js';
import { removedPaths, syncOnce, type SyncContext, type SyncReport } from './mirror/sync.js';
import { classifyFiles, type VaultFile } from './mirror/vault-files.js';
import { DropboxConnect } from './remotes/dropbox/connect.js';
import { checkLayout } from './mirror/layout.js';
import { verifyCloud, type VerifyReport } from './mirror/verify-cloud.js';
import { loadDamaged, saveDamaged } from './mirror/damaged.js';
import { watchVault, type LiveControl, type LiveState, type WatchOptions } from './mirror/watch.js';
import { searchVault, type SarSearchReport, type SearchLimits } from './sar/search.js';
import { exportFiles, type SarExportOptions, type SarExportReport } from './sar/export.js';
import { requestLabel } from './sar/manifest.js';
import { Housekeeping, type ArchiveDeleteRequest, type ArchiveDeletion, type ArchiveEntry, type ArchiveOutcome, type CaseInfo, type CaseRequest, type DeleteReport, type RetentionReport } from './housekeeping/housekeeping.js';
import { adoptMirroredMarks } from './housekeeping/mirror.js';
import { buildRecords, recordsHtml, type Records } from './housekeeping/records.js';

import { confirmedEscrowKey, openEscrowKey, writeEscrowKey } from './keys/escrow.js';
import { loadVerified, makeHandover, type HandoverOptions, type HandoverReport } from './leaving/handover.js';
import { removeVault, type RemoveOptions, type RemoveReport } from './leaving/remove-vault.js';
import { fileCount } from './words.js';
import { assertCloudKeys, endRotation, loadRotation, moveHomeToKeys, reencryptCloud, renameSyncRecords, rotationPending, saveRotation, type ReencryptReport } from './keys/rotate.js';

export type { ReencryptReport } from './keys/rotate.js';
export type { SyncReport, VerifyReport, CloudSpec, WatchOptions, BackupReport, BackupStatus, AuditVerifyReport, SarSearchReport, SarExportOptions, SarExportReport, HandoverOptions, HandoverReport, RemoveOptions, RemoveReport };

export const KEY_FILE_NAME = 'casevault.key';
export const DEFAULT_TRASH_DAYS = 30;

export type SecretInput = { passphrase: string } | { recoveryKey: string };
/** The union's escrow key file with that file's passphrase: opens a vault that has an escrow slot for it. */
export type EscrowSecretInput = { escrowKeyFile: string; escrowPassphrase: string };
export type AnySecretInput = SecretInput | EscrowSecretInput;

export interface InitOptions {
  vaultDir: string;
  cloud: CloudSpec;
  /** For a Dropbox cloud: the sign-in (default: from the environment). */
  dropbox?: DropboxCredentials;
  backupDir?: string;
  passphrase: string;
  /** Argon2id cost; default 'moderate'. */
  kdf?: KdfProfile;
}

export interface RecoverOptions {
  vaultDir: string;
  cloud: CloudSpec;
  dropbox?: DropboxCredentials;
  secret: AnySecretInput;
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
  failures: { path: string; reason: string }[];
  /** Files another computer changed too: this computer's version goes to the cloud as `keptAs`. */
  conflicts: { path: string; keptAs: string }[];
  lastSync: { at: string; uploaded: number; deleted: number; failed: number } | null;
  /** Up to 1,000 of the files waiting to sync. */
  pendingFiles: string[];
  /** A running `watch` on this computer, if any: whether the cloud is reachable, the last error, when it retries. */
  live: (Omit<LiveState, 'pid'> & { watching: true }) | { watching: false };
  /** When the last backup succeeded, and the next is due (ISO times; null without a backup folder). */
  lastBackup: string | null;
  nextBackup: string | null;
  /** No backup has succeeded for too long (the warning period in the settings). */
  backupOverdue: boolean;
  /** The periodic review of who has access is due (settings: every N months). */
  accessReviewDue: boolean;
  /** A key rotation on this computer stopped before it finished: run rotateKeys again with the new passphrase. */
  keyRotation: 'none' | 'interrupted' | 'running';
}

export interface RotateReport {
  /** The new recovery key's words, to be shown once (the old recovery key and passphrase no longer open the vault); null when picking up a rotation whose key was shown already. */
  recoveryKey: string | null;
  /** The backup folder's key: re-wrapped now, at the next backup (the drive was not there), or no backups to re-wrap. */
  backups: 'rewrapped' | 'later' | 'none';
}

/** Typed listener surface over Node's EventEmitter. */
export interface EngineEventEmitter {
  on<K extends keyof EngineEvents>(type: K, fn: (e: EngineEvents[K]) => void): this;
  off<K extends keyof EngineEvents>(type: K, fn: (e: EngineEvents[K]) => void): this;
  emit<K extends keyof EngineEvents>(type: K, e: EngineEvents[K]): boolean;
}

/** What a shell hears from live sync: sync passes (WatchOptions) and scheduled backups. */
export interface LiveOptions extends WatchOptions {
  onBackup?: (report: BackupReport) => void;
  /** A scheduled backup failed (the drive is unplugged...); it is retried later. */
  onBackupFailed?: (error: unknown) => void;
  /** No backup has succeeded for the warning period (default 7 days). */
  onBackupOverdue?: (status: BackupStatus) => void;
  /** How often to check whether a backup is due (default 1 minute). */
  backupCheckMs?: number;
}

interface LiveSync {
  stop: AbortController;
  done: Promise<void>;
  control?: LiveControl;
  /** To start it again the same way (after Dropbox is reconnected). */
  options: LiveOptions;
}

/** The keys that open cloud objects: the current ones, and the earlier ones only while a key rotation re-encrypts the cloud. */
function cloudRing(kf: KeyFile, keys: ReadKeys): ReadKeys[] {
  return cloudReencrypting(kf) ? keyring(keys) : [keys];
}

export class Engine {
  private live: LiveSync | undefined;
  /** finishKeyRotation is re-encrypting the cloud copy now. */
  private rotating = false;
  private connected: Remote | undefined;
  readonly events: EngineEventEmitter = new EventEmitter() as EngineEventEmitter;
  private keys: ReadKeys | undefined;
  readonly home: string;
  private readonly dropboxSignIn: DropboxConnect;

  /** `osTokens`: the desktop shell's keychain copy of the Dropbox sign-in (engine/cloud.ts). */
  constructor(home: string, private readonly env: NodeJS.ProcessEnv = process.env, private readonly osTokens?: OsTokenStore) {
    this.home = resolve(home);
    this.dropboxSignIn = new DropboxConnect(env);
  }

  private emit = <K extends keyof EngineEvents>(type: K, e: EngineEvents[K]) => {
    this.events.emit(type, e);
  };

  /** Whether this home has a vault (the desktop app shows first-run otherwise). */
  async hasVault(): Promise<boolean> {
    return hasConfig(this.home);
  }

  get unlocked(): boolean {
    return this.keys !== undefined;
  }

  private kdfProfile(requested?: KdfProfile): KdfProfile {
    const p = requested ?? this.env.CASEVAULT_KDF_PROFILE ?? 'moderate';
    if (!(p in KDF_PROFILES)) throw new UsageError('CASEVAULT_KDF_PROFILE must be "moderate" or "interactive"');
    return p as KdfProfile;
  }

  private static async checkStrength(passphrase: string): Promise<void> {
    const s = await passphraseStrength(passphrase);
    if (!s.ok) throw new UsageError(`that passphrase is too weak: ${s.reason}`);
  }

  private async ensureFreshHome(): Promise<void> {
    if (await hasConfig(this.home)) {
      throw new Refused(`this computer already has a vault set up in ${this.home} (one vault per CASEVAULT_HOME); use another CASEVAULT_HOME for another vault`);
    }
    await mkdir(this.home, { recursive: true, mode: 0o700 });
  }

  private async saveKeyFile(remote: Remote, kf: KeyFile): Promise<void> {
    const bytes = serializeKeyFile(kf);
    await remote.put(KEY_FILE_NAME, bytes);
    await remote.flush?.();
    await writeFileAtomic(join(this.home, homeFiles.keyFile), bytes);
  }

  private async newConfig(vaultDir: string, cloud: CloudSpec, keys: ReadKeys, backupDir?: string): Promise<VaultConfig> {
    const c: VaultConfig = {
      version: 1,
      vaultDir: resolve(vaultDir),
      cloud: cloud.kind === 'folder' ? { kind: 'folder', dir: resolve(cloud.dir) } : cloud,
      ...(backupDir ? { backupDir: resolve(backupDir) } : {}),
      ...writeKeyFields(writeKeysOf(keys)),
      trashDays: DEFAULT_TRASH_DAYS,
      deviceId: toHex(randomBytes(16)),
      createdAt: new Date().toISOString(),
    };
    await saveConfig(this.home, c);
    return c;
  }

  /** Create a vault. Returns the recovery key's words, to be shown once. */
  async init(o: InitOptions): Promise<{ recoveryKey: string }> {
    await this.ensureFreshHome();
    await Engine.checkStrength(o.passphrase);
    await checkLayout(o.vaultDir, o.cloud.kind === 'folder' ? o.cloud.dir : undefined);
    const existing = await stat(o.vaultDir).catch(() => undefined);
    if (existing && !existing.isDirectory()) throw new UsageError('the vault path exists and is not a folder; choose a folder');
    const dropbox = o.dropbox ?? (o.cloud.kind === 'dropbox' ? this.dropboxSignIn.take() : undefined) ?? dropboxFromEnv(this.env);
    if (o.cloud.kind === 'folder') {
      // Made here only: a folder remote never makes its own root.
      await mkdir(o.cloud.dir, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
        throw e.code === 'EEXIST' ? new UsageError('the cloud path exists and is not a folder; choose a folder') : e;
      });
    }
    const remote = await this.newRemote(o.cloud, dropbox);
    if (await remote.stat(KEY_FILE_NAME)) {
      throw new Refused('the cloud folder already holds a Casevault vault; to use it on this computer run `casevault recover`');
    }
    return withHomeLock(this.home, async () => {
      await mkdir(o.vaultDir, { recursive: true });
      const { keys, keyFile, recoveryKey } = await createKeyFile(o.passphrase, KDF_PROFILES[this.kdfProfile(o.kdf)]);
      try {
        await this.saveKeyFile(remote, keyFile);
        if (dropbox) await this.keepDropboxToken(keys, dropbox);
        await this.newConfig(o.vaultDir, o.cloud, keys, o.backupDir);
        this.connected = remote; // a Dropbox sign-in made here keeps working while the vault is locked
        await this.record('vault created');
        return { recoveryKey: await encodeRecoveryKey(recoveryKey) };
      } finally {
        await wipeKeys(keys);
        recoveryKey.fill(0);
      }
    });
  }

  private async newRemote(cloud: CloudSpec, dropbox: DropboxCredentials | undefined): Promise<Remote> {
    const remote = await openCloud(cloud, this.env, dropbox);
    if (!remote) throw new UsageError('connecting to Dropbox needs a sign-in: set CASEVAULT_DROPBOX_APP_KEY and CASEVAULT_DROPBOX_REFRESH_TOKEN, or run the command in a terminal to sign in');
    return remote;
  }

  /** The vault's cloud: a folder, or Dropbox with the environment's sign-in or the stored one (which needs the vault unlocked once). */
  private async remote(config: VaultConfig): Promise<Remote> {
    if (this.connected) return this.connected;
    const dropbox = config.cloud.kind === 'dropbox' ? dropboxFromEnv(this.env) ?? (this.keys ? await loadDropboxToken(this.home, this.keys) : undefined) ?? (await this.osTokens?.load().catch(() => undefined)) : undefined;
    const remote = await openCloud(config.cloud, this.env, dropbox);
    if (!remote) {
      throw new Locked('this vault\'s Dropbox sign-in is stored encrypted: unlock the vault with its passphrase (or set CASEVAULT_DROPBOX_APP_KEY and CASEVAULT_DROPBOX_REFRESH_TOKEN)');
    }
    this.connected = remote;
    return remote;
  }

  /** The Dropbox sign-in, sealed under the vault in the home and, in the desktop app, also in the OS keychain. */
  private async keepDropboxToken(keys: ReadKeys, c: DropboxCredentials): Promise<void> {
    await storeDropboxToken(this.home, keys, c);
    await this.osTokens?.save(c).catch(() => {}); // no keychain: the sealed copy serves, after an unlock
  }

  /** Whether reaching the cloud needs an unlock first (a Dropbox sign-in stored encrypted, none in the environment). */
  async needsUnlockToConnect(): Promise<boolean> {
    const config = await loadConfig(this.home);
    return config.cloud.kind === 'dropbox' && !this.connected && !dropboxFromEnv(this.env) && !this.keys && !(await this.osTokens?.load().catch(() => undefined));
  }

  /** Connect to the cloud now (after an unlock, so that locking again keeps the connection). */
  async connect(): Promise<void> {
    await this.remote(await loadConfig(this.home));
  }

  private async secretOf(s: AnySecretInput): Promise<Secret> {
    if ('escrowKeyFile' in s) return { escrow: await openEscrowKey(s.escrowKeyFile, s.escrowPassphrase) };
    return 'passphrase' in s ? { passphrase: s.passphrase } : { recoveryKey: await decodeRecoveryKey(s.recoveryKey) };
  }

  /** Open the key file with a secret, then wipe the secret's key material. */
  private async openWith(kf: KeyFile, s: AnySecretInput): Promise<ReadKeys> {
    const secret = await this.secretOf(s);
    try {
      return await openKeyFile(kf, secret);
    } finally {
      const sodium = await ready();
      if ('escrow' in secret) sodium.memzero(secret.escrow.secretKey);
      if ('recoveryKey' in secret) sodium.memzero(secret.recoveryKey);
    }
  }

  private async localKeyFile(): Promise<{ bytes: Uint8Array; kf: KeyFile }> {
    const bytes = new Uint8Array(await readFile(join(this.home, homeFiles.keyFile)));
    return { bytes, kf: parseKeyFile(bytes) };
  }

  /** Unlock with the passphrase or the recovery key: the reading keys live in memory until lock(). */
  async unlock(s: AnySecretInput): Promise<void> {
    const config = await loadConfig(this.home);
    const { kf } = await this.localKeyFile();
    const how = 'passphrase' in s ? 'with the passphrase' : 'recoveryKey' in s ? 'with the recovery key' : 'with the union\'s escrow key';
    let keys: ReadKeys;
    try {
      keys = await this.openWith(kf, s);
    } catch (e) {
      if (e instanceof Error && e.name === 'WrongSecret' && (await this.adoptRotatedKeys(config, kf, s))) return;
      if (e instanceof Error && (e.name === 'WrongSecret' || e.name === 'BadRecoveryKey')) await this.record('unlock failed', how);
      throw e;
    }
    const pinned = configWriteKeys(config);
    if (!Buffer.from(keys.vaultId).equals(Buffer.from(pinned.vaultId)) || !Buffer.from(keys.publicKey).equals(Buffer.from(pinned.publicKey))) {
      await wipeKeys(keys);
      throw new DamagedData('the key file does not belong to this vault');
    }
    await this.lock();
    this.keys = keys;
    await this.record('unlocked', how);
    if (this.osTokens && config.cloud.kind === 'dropbox' && !(await this.osTokens.load().catch(() => undefined))) {
      const c = await loadDropboxToken(this.home, keys).catch(() => undefined);
      if (c) await this.osTokens.save(c).catch(() => {});
    }
  }

  /**
   * Another computer rotated the vault's keys: the cloud's key file opens
   * with the secret given (the new passphrase) and holds this computer's
   * keys among its earlier ones. Then this computer takes the new keys on
   * (key file, settings, sealed sign-in, audit trail, sync records) and is
   * unlocked. False if that is not the case (the secret is simply wrong).
   */
  private async adoptRotatedKeys(config: VaultConfig, local: KeyFile, s: AnySecretInput): Promise<boolean> {
    const remote = await this.remote(config).catch(() => undefined);
    const bytes = await remote?.read(KEY_FILE_NAME).catch(() => undefined);
    if (!remote || !bytes) return false;
    let cloud: KeyFile;
    try {
      cloud = parseKeyFile(bytes);
    } catch {
      return false;
    }
    if (cloud.vaultId !== local.vaultId || cloud.publicKey === local.publicKey) return false; // another vault, or no rotation: the secret is just wrong
    const keys = await this.openWith(cloud, s).catch(() => undefined);
    if (!keys) return false;
    const pinned = configWriteKeys(config).publicKey;
    if (!keyring(keys).slice(1).some((k) => Buffer.from(k.publicKey).equals(Buffer.from(pinned)))) {
      await wipeKeys(keys);
      return false;
    }
    try {
      await this.exclusive(async () => {
        await writeFileAtomic(join(this.home, homeFiles.keyFile), bytes);
        await moveHomeToKeys({ home: this.home, config, remote, keys });
        await renameSyncRecords(this.home, keys);
      });
      await this.backups().adoptKeys().catch(() => 'later');
    } catch (e) {
      await wipeKeys(keys);
      throw e;
    }
    await this.lock();
    this.keys = keys;
    await this.record('took on the vault keys rotated on another computer', 'unlocked with the new passphrase');
    return true;
  }

  /** Wipe the reading keys from memory. Sync carries on (it needs none of them). */
  async lock(): Promise<void> {
    if (!this.keys) return;
    await wipeKeys(this.keys);
    this.keys = undefined;
    await this.record('locked');
  }

  /** Add an entry to the audit trail (and mirror the trail to the cloud when it can be reached). Never fails the action it records. */
  async record(event: string, detail?: string): Promise<void> {
    const config = await loadConfig(this.home).catch(() => undefined);
    if (!config) return;
    try {
      await appendAudit(this.home, configWriteKeys(config), event, detail);
    } catch {
      return; // a full or read-only home: the action itself has been done; verify will show the gap
    }
    try {
      const remote = await this.remote(config);
      await remote.put(`audit/${config.deviceId}.log`, await auditLogBytes(this.home));
      await remote.flush?.();
    } catch {
      // mirrored at the next entry
    }
  }

  /** Check the audit trail's chain (no passphrase needed). */
  auditVerify(): Promise<AuditVerifyReport> {
    return loadConfig(this.home).then((c) => verifyAudit(this.home, configWriteKeys(c)));
  }

  /** The audit trail's entries (needs the vault unlocked). */
  async auditEntries(): Promise<{ at: string; event: string; detail?: string }[]> {
    return readAudit(this.home, this.requireKeys());
  }

  /**
   * The trails other computers of this vault mirrored to the cloud (and, in a
   * handover copy, the predecessor's), each checked and decrypted. Needs the
   * vault unlocked.
   */
  async otherAuditTrails(): Promise<OtherTrail[]> {
    const keys = this.requireKeys();
    const config = await loadConfig(this.home);
    const remote = await this.remote(config);
    const out: OtherTrail[] = [];
    for await (const e of remote.list('audit/')) {
      const m = /^audit\/([0-9a-f]{32})\.log$/.exec(e.name);
      if (!m || m[1] === config.deviceId) continue;
      out.push(await openTrail(m[1]!, new TextDecoder().decode(await remote.read(e.name)), keyring(keys)));
    }
    return out.sort((a, b) => (b.entries.at(-1)?.at ?? '').localeCompare(a.entries.at(-1)?.at ?? ''));
  }

  private requireKeys(): ReadKeys {
    if (!this.keys) throw new Locked('the vault is locked: unlock it with the passphrase or the recovery key first');
    return this.keys;
  }

  /**
   * Start live sync in the background (the desktop app and browser mode do,
   * once a vault exists). While it runs, sync() asks it for a pass.
   */
  async startLiveSync(options: LiveOptions = {}): Promise<void> {
    if (this.live || !(await this.hasVault())) return;
    const stop = new AbortController();
    let ready!: () => void;
    const started = new Promise<void>((r) => (ready = r));
    const live: LiveSync = { stop, done: Promise.resolve(), options };
    this.live = live;
    live.done = this.watch(stop.signal, {
      ...options,
      onReady: (control) => {
        live.control = control;
        ready();
      },
    }).finally(() => {
      if (this.live === live) this.live = undefined;
    });
    await Promise.race([started, live.done]);
  }

  /**
   * The vault's lock, for a change live sync must not run beside (the key
   * file, a handover copy). Live sync holds the lock while it runs, so it is
   * paused meanwhile and started again the same way after.
   */
  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const live = this.live;
    if (live) await this.stopLiveSync();
    try {
      return await withHomeLock(this.home, fn);
    } finally {
      if (live) await this.startLiveSync(live.options);
    }
  }

  async stopLiveSync(): Promise<void> {
    const live = this.live;
    live?.stop.abort();
    await live?.done.catch(() => {});
  }

  async sync(): Promise<SyncReport> {
    if (this.live?.control) return this.live.control.syncNow();
    const ctx = await this.syncContext();
    const report = await withHomeLock(this.home, () => syncOnce(ctx));
    if (report.deleted > 0) await this.record('deleted from the cloud copy', `${report.deleted} files moved to the cloud trash`);
    return report;
  }

  private async syncContext(): Promise<SyncContext> {
    const config = await loadConfig(this.home);
    return { home: this.home, vaultDir: config.vaultDir, remote: await this.remote(config), keys: configWriteKeys(config), trashDays: config.trashDays, emit: this.emit, deviceId: config.deviceId, deviceName: deviceName(), ...(config.retiredPublicKeys ? { retiredPublicKeys: config.retiredPublicKeys } : {}) };
  }

  /**
   * Keep syncing until `signal` aborts, and take backups when they are due
   * (a run missed while the computer slept or was off runs at once).
   * Holds the vault's lock all along, so one-off syncs wait their turn.
   */
  async watch(signal: AbortSignal, options: LiveOptions = {}): Promise<void> {
    const ctx = await this.syncContext();
    await withHomeLock(this.home, async () => {
      const stopBackups = this.scheduleBackups(signal, options);
      try {
        await watchVault(ctx, signal, options);
      } finally {
        await stopBackups();
      }
    });
  }

  /** Checks every minute whether a backup is due, and runs it; warns when backups are overdue. */
  private scheduleBackups(signal: AbortSignal, o: LiveOptions): () => Promise<void> {
    let running: Promise<void> | undefined;
    const tick = async () => {
      if (running || signal.aborted) return;
      const st = await this.backupStatus().catch(() => undefined);
      if (!st?.folder) return;
      if (st.overdue) o.onBackupOverdue?.(st);
      if (st.nextBackup && Date.parse(st.nextBackup) <= Date.now()) {
        running = this.backup({ signal }).then((r) => o.onBackup?.(r), (e: unknown) => o.onBackupFailed?.(e)).finally(() => {
          running = undefined;
        });
      }
    };
    void tick();
    const timer = setInterval(() => void tick(), o.backupCheckMs ?? 60_000);
    return async () => {
      clearInterval(timer);
      await running;
    };
  }

  async status(): Promise<StatusReport> {
    const config = await loadConfig(this.home);
    const state = await loadState(this.home);
    const scan = await scanVault(config.vaultDir);
    const files = classifyFiles(scan, state);
    const synced = files.filter((f) => f.state === 'synced').length;
    const pendingFiles = files.filter((f) => f.state === 'waiting').map((f) => f.path);
    const failures = files.flatMap((f) => (f.state === 'failed' ? [{ path: f.path, reason: f.reason ?? '' }] : []));
    const backup = await this.backupStatus().catch(() => undefined);
    const pendingDeletions = removedPaths(state, scan).length;
    return {
      vaultDir: config.vaultDir,
      cloud: describeCloud(config.cloud),
      locked: !this.unlocked,
      files: { total: files.length, synced, pending: pendingFiles.length, failed: failures.length },
      pendingDeletions,
      pendingFiles: pendingFiles.slice(0, 1000),
      failures,
      conflicts: [...state.files].flatMap(([path, r]) => (r.conflictCopy ? [{ path, keptAs: r.conflictCopy }] : [])),
      live: await this.liveState(),
      lastSync: state.lastSync ? { ...state.lastSync, at: new Date(state.lastSync.at).toISOString() } : null,
      lastBackup: backup?.lastBackup?.at ?? null,
      nextBackup: backup?.nextBackup ?? null,
      backupOverdue: backup?.overdue ?? false,
      accessReviewDue: accessReviewDueAt(await loadSettings(this.home), config.createdAt).getTime() <= Date.now(),
      keyRotation: this.rotating ? 'running' : (await rotationPending(this.home)) ? 'interrupted' : 'none',
    };
  }

  private async liveState(): Promise<StatusReport['live']> {
    const text = await readFile(join(this.home, homeFiles.watch), 'utf8').catch(() => '');
    try {
      const { pid, ...rest } = JSON.parse(text) as LiveState;
      if (pid === process.pid || alive(String(pid))) return { watching: true, ...rest };
    } catch {
      // no watcher, or a half-written file: report none
    }
    return { watching: false };
  }

  async verifyCloud(): Promise<VerifyReport> {
    const keys = this.requireKeys();
    const config = await loadConfig(this.home);
    const { bytes, kf } = await this.localKeyFile();
    const remote = await this.remote(config);
    const cloudKeyFile = await assertCloudKeys(this.home, remote, keys.publicKey, config.retiredPublicKeys);
    const report = await verifyCloud(remote, cloudRing(kf, keys), await loadState(this.home), bytes, cloudKeyFile, this.emit);
    const damaged = report.bad.flatMap((b) => {
      const id = parseObjectRemoteName(b.object);
      return id ? [id] : [];
    });
    if (damaged.length > 0) await saveDamaged(this.home, new Set([...(await loadDamaged(this.home)), ...damaged]));
    return report;
  }

  async changePassphrase(newPassphrase: string): Promise<void> {
    const keys = this.requireKeys();
    await Engine.checkStrength(newPassphrase);
    const config = await loadConfig(this.home);
    await this.exclusive(async () => {
      const { kf } = await this.localKeyFile();
      const current = kf.slots.find((s) => s.role === 'passphrase');
      const kdf = current?.role === 'passphrase' && current.mem >= KDF_PROFILES[this.kdfProfile()].mem ? { ops: current.ops, mem: current.mem } : KDF_PROFILES[this.kdfProfile()];
      await this.saveKeyFile(await this.remote(config), await rewrapPassphrase(kf, keys, newPassphrase, kdf));
    });
    await this.record('passphrase changed');
  }

  /** Replace the recovery key (the old one stops working). Returns the new words, to be shown once. */
  async newRecoveryKey(): Promise<{ recoveryKey: string }> {
    const keys = this.requireKeys();
    const config = await loadConfig(this.home);
    return this.exclusive(async () => {
      const { kf } = await this.localKeyFile();
      const { keyFile, recoveryKey } = await rewrapRecovery(kf, keys);
      await this.saveKeyFile(await this.remote(config), keyFile);
      const words = await encodeRecoveryKey(recoveryKey);
      recoveryKey.fill(0);
      return { recoveryKey: words };
    }).finally(() => this.record('recovery key replaced'));
  }

  /**
   * Lost computer, step 1: rotate the vault's keys. New keys and a new
   * passphrase (not the current one: the lost computer's key file opens with
   * it) and recovery key; this computer switches to them at once, so nothing
   * written from now on reads with the old keys. Returns the recovery key's
   * words, to be shown once (null when finishing a rotation whose key was
   * shown already). Step 2, finishKeyRotation, re-encrypts the cloud copy.
   * Needs the vault unlocked, except to pick up a rotation that was
   * interrupted: that takes only the new passphrase.
   */
  async rotateKeys(o: { newPassphrase: string }): Promise<RotateReport> {
    const config = await loadConfig(this.home);
    const remote = await this.remote(config);
    let fresh = false;
    const report = await this.exclusive(async () => {
      let pending = await loadRotation(this.home);
      let keys = pending ? await openKeyFile(pending.keyFile, { passphrase: o.newPassphrase }).catch((e: unknown) => {
        if (e instanceof Error && e.name === 'WrongSecret') return undefined;
        throw e;
      }) : undefined;
      if (pending && !keys) {
        if (!this.keys || pending.keyFile.publicKey === config.publicKey) {
          throw new WrongSecret('a key rotation was started on this computer and not finished: type the new passphrase chosen then to finish it (if it is forgotten and this computer never switched to the new keys, unlock with the current passphrase and choose again)');
        }
        // A rotation that never switched this computer (nothing was written under its keys), and another passphrase: the person chose again.
        await endRotation(this.home);
        pending = undefined;
      }
      if (!pending || !keys) {
        const old = this.requireKeys();
        await Engine.checkStrength(o.newPassphrase);
        const { kf } = await this.localKeyFile();
        if (await openKeyFile(kf, { passphrase: o.newPassphrase }).then(async (k) => (await wipeKeys(k), true), () => false)) {
          throw new UsageError('choose a new passphrase, not the current one: the lost computer\'s copy of the key file opens with the current one');
        }
        const rotated = await rotateKeyFile(kf, old, o.newPassphrase, KDF_PROFILES[this.kdfProfile()]);
        keys = rotated.keys;
        pending = { keyFile: rotated.keyFile, recoveryShown: false };
        await saveRotation(this.home, pending).catch(async (e: unknown) => {
          await wipeKeys(rotated.keys);
          throw e;
        });
        fresh = true;
        await this.record('vault key rotation started');
      }
      try {
        // The newest key file of these keys: the home's, once a run got that far.
        const home = await this.localKeyFile().then(({ kf }) => kf, () => undefined);
        let keyFile = home && home.publicKey === pending.keyFile.publicKey ? home : pending.keyFile;
        let words: string | null = null;
        if (!pending.recoveryShown) {
          // A recovery key nobody has seen yet: replaced, so the one shown now is the one that works.
          const rewrapped = await rewrapRecovery(keyFile, keys);
          keyFile = rewrapped.keyFile;
          words = await encodeRecoveryKey(rewrapped.recoveryKey);
          rewrapped.recoveryKey.fill(0);
        }
        await this.saveKeyFile(remote, keyFile);
        await moveHomeToKeys({ home: this.home, config, remote, keys });
        if (this.keys) await wipeKeys(this.keys); // the old keys: nothing is written under them from now on
        this.keys = keys;
        return { recoveryKey: words, backups: await this.backups().adoptKeys() };
      } catch (e) {
        if (this.keys !== keys) await wipeKeys(keys);
        throw e;
      }
    });
    const backups = { rewrapped: 're-wrapped', later: 'to be re-wrapped at the next backup', none: 'not needed (no backups yet)' }[report.backups];
    await this.record(fresh ? 'vault keys rotated' : 'vault key rotation resumed', `new passphrase${report.recoveryKey ? ' and recovery key' : ''}; backup folder key ${backups}; the cloud copy is re-encrypted next`);
    return report;
  }

  /**
   * Lost computer, step 2 (after the new recovery key was shown): re-encrypt
   * every cloud object still under the old keys, deleting the old copies,
   * then stop accepting the old keys for cloud objects. Needs the vault
   * unlocked with the new keys. Repeatable until it finishes.
   */
  async finishKeyRotation(): Promise<ReencryptReport> {
    const config = await loadConfig(this.home);
    // Called once the new recovery key has been shown: from now on a resume keeps that key (even if this call stops at the unlock).
    const shown = await loadRotation(this.home);
    if (shown && !shown.recoveryShown && shown.keyFile.publicKey === config.publicKey) await saveRotation(this.home, { ...shown, recoveryShown: true });
    const keys = this.requireKeys();
    const remote = await this.remote(config);
    this.rotating = true;
    try {
      const report = await this.exclusive(async () => {
        const pending = await loadRotation(this.home);
        if (!pending) throw new UsageError('no key rotation is waiting to be finished on this computer');
        if (pending.keyFile.publicKey !== config.publicKey || config.publicKey !== toBase64(keys.publicKey)) {
          throw new Refused('the key rotation has not switched this computer to the new keys yet: run `casevault rotate-keys` again with the new passphrase');
        }
        const r = await reencryptCloud({ home: this.home, remote, keys, emit: this.emit });
        if (r.unreadableNow > 0) {
          throw new Refused(`${r.unreadableNow} cloud ${r.unreadableNow === 1 ? 'object' : 'objects'} could not be read just now (the connection or the cloud folder), so the rotation is not finished; nothing is lost: run \`casevault rotate-keys\` again (in the app: Finish rotating keys)`);
        }
        const { kf } = await this.localKeyFile();
        await this.saveKeyFile(remote, await markCloudReencrypted(kf, keys));
        await endRotation(this.home);
        return { reencrypted: r.reencrypted, failed: r.failed, reuploaded: r.reuploaded };
      });
      await this.record('cloud copy re-encrypted under the new vault keys', `${report.reencrypted} objects re-encrypted and their old copies deleted${report.failed.length ? `; ${report.failed.length} unreadable (${report.reuploaded} of them this computer's files, to be uploaded again)` : ''}`);
      return report;
    } finally {
      this.rotating = false;
    }
  }

  /**
   * On a new computer (a fresh home): rebuild the vault folder from the cloud
   * with the passphrase or recovery key. The vault folder must not exist or be
   * empty. Objects that fail are listed; every other file is restored.
   */
  async recover(o: RecoverOptions): Promise<RecoverReport> {
    await this.ensureFreshHome();
    await checkLayout(o.vaultDir, o.cloud.kind === 'folder' ? o.cloud.dir : undefined);
    const entries = await readdir(o.vaultDir).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [];
      if (e.code === 'ENOTDIR') throw new UsageError('the vault path exists and is not a folder; choose a new or empty folder');
      throw e;
    });
    // An interrupted recover into the same folder picks up where it stopped.
    const markerPath = join(this.home, homeFiles.recovering);
    const marker = await readFile(markerPath, 'utf8').then((t) => JSON.parse(t) as { vaultDir?: string }, () => undefined);
    const resume = marker?.vaultDir === resolve(o.vaultDir);
    if (entries.length > 0 && !resume) throw new UsageError('the folder to recover into is not empty; choose a new or empty folder');
    const dropbox = o.dropbox ?? dropboxFromEnv(this.env);
    const remote = await this.newRemote(o.cloud, dropbox);
    let kfBytes: Uint8Array;
    try {
      kfBytes = await remote.read(KEY_FILE_NAME);
    } catch (e) {
      if (e instanceof RemoteNotFound) throw new UsageError('there is no Casevault vault in that cloud folder (no casevault.key); check the folder');
      throw e;
    }
    const cloudKf = parseKeyFile(kfBytes);
    const keys = await this.openWith(cloudKf, o.secret);
    try {
      return await withHomeLock(this.home, async () => {
        await mkdir(o.vaultDir, { recursive: true });
        await writeFileAtomic(markerPath, JSON.stringify({ vaultDir: resolve(o.vaultDir) }));
        const result = await restoreAll(remote, cloudRing(cloudKf, keys), o.vaultDir, this.emit, 'recover', resume);
        const config = await this.newConfig(o.vaultDir, o.cloud, keys, undefined);
        if (dropbox) await this.keepDropboxToken(keys, dropbox);
        await writeFileAtomic(join(this.home, homeFiles.keyFile), kfBytes);
        const state = emptyState();
        for (const r of result.restored) {
          if (r.written !== join(config.vaultDir, ...r.meta.path.split('/'))) continue; // renamed beside a clash: let sync upload it
          const st = await stat(r.written);
          state.files.set(r.meta.path, record(st, Buffer.from(r.idHex, 'hex'), r.tag));
        }
        await saveState(this.home, state);
        await adoptMirroredMarks(this.home, remote, keys);
        await rm(markerPath, { force: true });
        await this.record('vault recovered onto this computer', `${result.restored.length} files, ${result.failed.length} damaged${'escrowKeyFile' in o.secret ? ', opened with the union\'s escrow key' : ''}`);
        return { restored: result.restored.length, bytes: result.restored.reduce((n, r) => n + r.meta.size, 0), failed: result.failed };
      });
    } finally {
      await wipeKeys(keys);
    }
  }

  /**
   * Put a file into the vault folder (dropped on the app's window): written
   * to a temporary name, then moved into place; an existing file is never
   * replaced (the new one goes beside it). Live sync picks it up.
   */
  async addFile(path: string, content: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<{ path: string }> {
    assertSafeVaultPath(path);
    const config = await loadConfig(this.home);
    const full = safeJoin(config.vaultDir, path);
    await mkdir(dirname(full), { recursive: true });
    const tmp = tempName(dirname(full));
    try {
      await writeTemp(tmp, (async function* () {
        yield* content;
      })(), 0o600);
      const written = placeBeside(tmp, full);
      return { path: relative(config.vaultDir, written).split(sep).join('/') };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /** The union's side: a new escrow key pair into `out` (secret half under `passphrase`) and `out`.pub. No vault needed. */
  async escrowKeygen(out: string, passphrase: string): Promise<{ keyFile: string; publicFile: string; fingerprint: string }> {
    await Engine.checkStrength(passphrase);
    return writeEscrowKey(out, passphrase, KDF_PROFILES[this.kdfProfile()]);
  }

  /** The vault's escrow slot, if it has one: its fingerprint (computed from the public key, not taken from the file). */
  async escrowShow(): Promise<{ fingerprint: string } | null> {
    const pk = escrowPublicKeyOf((await this.localKeyFile()).kf);
    return pk ? { fingerprint: await escrowFingerprint(pk) } : null;
  }

  /** Add (or replace) the escrow slot for the union's public key, once a person has confirmed its fingerprint. Needs the vault unlocked. */
  async escrowAdd(publicKeyFile: string, fingerprint: string): Promise<{ fingerprint: string }> {
    const keys = this.requireKeys();
    const confirmed = await confirmedEscrowKey(publicKeyFile, fingerprint);
    await this.rewriteKeyFile((kf) => addEscrowSlot(kf, keys, confirmed.publicKey));
    await this.record('escrow key added', `fingerprint ${confirmed.fingerprint}`);
    return { fingerprint: confirmed.fingerprint };
  }

  /** Remove the escrow slot (the union's key stops opening the vault's key file from now on). Needs the vault unlocked. */
  async escrowRemove(): Promise<{ removed: boolean }> {
    const keys = this.requireKeys();
    const had = (await this.escrowShow()) !== null;
    if (had) {
      await this.rewriteKeyFile((kf) => removeEscrowSlot(kf, keys));
      await this.record('escrow key removed');
    }
    return { removed: had };
  }

  private async rewriteKeyFile(edit: (kf: KeyFile) => Promise<KeyFile>): Promise<void> {
    const config = await loadConfig(this.home);
    await this.exclusive(async () => {
      const { kf } = await this.localKeyFile();
      await this.saveKeyFile(await this.remote(config), await edit(kf));
    });
  }

  /**
   * Leaving the role: write a complete, independent copy of the vault (new
   * keys and passphrase, optionally the union's escrow slot) into a new or
   * empty folder, then read it back and check every file. Needs the vault unlocked.
   */
  async handover(o: HandoverOptions): Promise<HandoverReport> {
    this.requireKeys();
    await Engine.checkStrength(o.passphrase);
    const config = await loadConfig(this.home);
    const report = await this.exclusive(() => makeHandover({
      home: this.home,
      config,
      auditEntries: () => this.auditEntries(),
      newEngine: (home) => new Engine(home, this.env),
      emit: this.emit,
    }, o));
    await this.record('handover copy made and verified', `${report.files} files into ${report.to}, digest ${report.digest}${report.escrowFingerprint ? `, escrow key ${report.escrowFingerprint}` : ''}`);
    return report;
  }

  /** The last verified handover copy, if any (the app's handover wizard starts from it). */
  async handoverStatus(): Promise<{ verified: { to: string; at: string; files: number; bytes: number } | null }> {
    const v = await loadVerified(this.home);
    return { verified: v ? { to: v.to, at: v.at, files: v.files.length, bytes: v.bytes } : null };
  }

  /** After a verified handover: remove the vault, its keys and settings from this computer (the cloud copy and backups kept or deleted). */
  async removeVault(o: RemoveOptions): Promise<RemoveReport> {
    const config = await loadConfig(this.home);
    await this.stopLiveSync();
    const report = await withHomeLock(this.home, () => removeVault({
      home: this.home,
      config,
      remote: () => this.remote(config),
      record: (event, detail) => this.record(event, detail),
      wipe: () => this.lock(),
      syncCloud: async () => syncOnce(await this.syncContext()),
    }, o));
    await rmdir(this.home).catch(() => {}); // empty now, unless something else was kept there
    return report;
  }

  private backups(): BackupApi {
    return new BackupApi({ home: this.home, env: this.env, emit: this.emit, readKeys: () => this.requireKeys() });
  }

  /** Take a backup snapshot now (write keys only: runs while locked). */
  backup(o: { signal?: AbortSignal } = {}): Promise<BackupReport> {
    return this.backups().backup(o);
  }

  snapshots(): Promise<SnapshotInfo[]> {
    return this.backups().snapshots();
  }

  /** Restore a snapshot, or files and folders of it (needs the vault unlocked). */
  async restoreBackup(o: RestoreOptions): Promise<RestoreReport> {
    const r = await this.backups().restore(o);
    const chosen = [...(o.path ? [o.path] : []), ...(o.paths ?? [])];
    await this.record('restored from a backup', `${fileCount(r.restored)} from snapshot ${r.snapshot}${chosen.length ? ` (${chosen.join(', ')})` : ''} into ${o.to}`);
    return r;
  }

  /** A snapshot's files and folders, to browse before restoring (needs the vault unlocked: the list is encrypted). */
  snapshotTree(snapshot?: string): Promise<SnapshotTree> {
    return this.backups().tree(snapshot);
  }

  verifyBackup(o: { quick?: boolean } = {}): Promise<BackupVerifyReport> {
    return this.backups().verify(o);
  }

  /** Apply the retention policy; with prune, delete what no kept snapshot needs. */
  async forget(o: ForgetOptions = {}): Promise<ForgetReport> {
    const policy = { ...(await loadSettings(this.home)).retention, ...o.policy };
    const r = await this.backups().forget({ ...o, policy });
    if (!o.dryRun) await this.record(o.prune ? 'backups forgotten and pruned' : 'backups forgotten');
    return r;
  }

  async backupStatus(): Promise<BackupStatus> {
    return this.backups().status(backupSchedule(await loadSettings(this.home)));
  }

  /** The vault's files with their sync state (up to `limit`, failed ones first), for Home's list. No passphrase needed. */
  async vaultFiles(limit = 5000): Promise<{ total: number; files: VaultFile[] }> {
    const config = await loadConfig(this.home);
    const all = classifyFiles(await scanVault(config.vaultDir), await loadState(this.home));
    const order = { failed: 0, waiting: 1, synced: 2 } as const;
    return { total: all.length, files: [...all].sort((a, b) => order[a.state] - order[b.state]).slice(0, limit) };
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
    if (config && config.cloud.kind !== 'dropbox') throw new UsageError('this vault\'s cloud copy is a folder, not Dropbox');
    const keys = config ? this.requireKeys() : undefined;
    const c = await this.dropboxSignIn.wait();
    if (config && keys) {
      this.dropboxSignIn.take();
      await this.keepDropboxToken(keys, c);
      this.connected = undefined;
      const live = this.live;
      if (live) {
        await this.stopLiveSync();
        await this.startLiveSync(live.options);
      }
      await this.record('dropbox reconnected');
    }
    return { connected: true };
  }

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

  /** The officer has reviewed who can reach the vault: recorded, and the reminder starts again. */
  async recordAccessReview(): Promise<Settings> {
    await loadConfig(this.home);
    const s = { ...(await loadSettings(this.home)), lastAccessReview: new Date().toISOString() };
    await saveSettings(this.home, s);
    await this.record('access reviewed');
    return s;
  }

  /** The audit trail (filtered, newest first) as CSV or a printable HTML page with the chain check in its header. Needs the vault unlocked. */
  async auditExport(o: { format: 'csv' | 'html'; filter?: AuditFilter }): Promise<{ text: string; entries: number }> {
    const entries = filterAudit(await this.auditEntries(), o.filter);
    const config = await loadConfig(this.home);
    const text = o.format === 'csv' ? auditCsv(entries) : auditHtml(entries, { vault: config.vaultDir, exportedAt: new Date().toISOString(), check: await this.auditVerify() });
    await this.record('audit trail exported', `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'} as ${o.format === 'csv' ? 'CSV' : 'a printable page'}`);
    return { text, entries: entries.length };
  }

  /** Subject access request: the vault's files that mention a member (needs the vault unlocked: it reads members' data). */
  async sarSearch(o: { terms: string[]; reference?: string }, limits?: SearchLimits): Promise<SarSearchReport> {
    this.requireKeys();
    const config = await loadConfig(this.home);
    const r = await searchVault(config.vaultDir, o.terms, limits, this.emit);
    await this.record('subject access search', `${requestLabel(o)}: ${fileCount(r.hits.length)} found`);
    return r;
  }

  /** Subject access request: copies of the chosen files and a manifest, into a new or empty folder or a new zip file (needs the vault unlocked). */
  async sarExport(o: SarExportOptions): Promise<SarExportReport> {
    this.requireKeys();
    const config = await loadConfig(this.home);
    const r = await exportFiles({ vaultDir: config.vaultDir, ...(config.cloud.kind === 'folder' ? { cloudDir: config.cloud.dir } : {}) }, o, this.emit);
    await this.record('subject access export', `${requestLabel(o)}: ${fileCount(r.files)} to ${r.zip ? 'the zip file' : 'the folder'} ${r.to}`);
    return r;
  }

  private housekeeping(): Housekeeping {
    return new Housekeeping({
      home: this.home,
      record: (event, detail) => this.record(event, detail),
      backups: () => this.backups(),
      sync: () => this.sync(),
      remote: (config) => this.remote(config),
      readKeys: () => this.keys,
    });
  }

  /** Every case with its due date (housekeeping; no passphrase needed). */
  retention(): Promise<RetentionReport> {
    return this.housekeeping().list();
  }

  setRetentionYears(years: number): Promise<{ years: number }> {
    return this.housekeeping().setYears(years);
  }

  closeCase(name: string, date?: string): Promise<CaseInfo> {
    return this.housekeeping().close(name, date);
  }

  reopenCase(name: string): Promise<CaseInfo> {
    return this.housekeeping().reopen(name);
  }

  /** Archive cases into the backup folder, read back, then remove their plaintext (needs the vault unlocked). */
  archiveCases(r: CaseRequest): Promise<ArchiveOutcome[]> {
    return this.housekeeping().archive(r);
  }

  /** Delete cases: plaintext now, the cloud's copies via the trash, the backups' as snapshots expire. */
  deleteCases(r: CaseRequest): Promise<DeleteReport> {
    return this.housekeeping().delete(r);
  }

  /** The archives in the backup folder, with the cases this computer recorded (no passphrase needed). */
  archives(): Promise<ArchiveEntry[]> {
    return this.housekeeping().archives();
  }

  /** Delete archives past their own retention: manifest, marker, then a prune (no passphrase needed; confirm: true). */
  deleteArchives(r: ArchiveDeleteRequest): Promise<ArchiveDeletion[]> {
    return this.housekeeping().deleteArchives(r);
  }

  /** The backup record and the asset record. */
  records(): Promise<Records> {
    return buildRecords(this.home, this.backups());
  }

  /** The records as a printable HTML page. */
  async recordsHtml(): Promise<string> {
    return recordsHtml(await this.records());
  }
}
