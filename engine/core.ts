// What the engine's parts need of the Engine that runs them: this
// computer's home, the reading keys while the vault is unlocked, the cloud,
// the audit trail, the backups, and the vault's lock for changes live sync
// must not run beside. engine.ts builds one; the parts (keys/, mirror/,
// status.ts...) take it instead of the Engine itself, so no part imports
// the Engine and every arrow points one way.
import type { ReadKeys } from '../crypto/index.js';
import type { CloudSpec, Emit } from '../contract/index.js';
import type { BackupApi } from './backup/service.js';
import type { VaultConfig } from './config.js';
import type { DropboxCredentials } from './remotes/open-cloud.js';
import type { Remote } from './remotes/remote.js';
import type { S3Connection } from './remotes/s3/location.js';

export interface Core {
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  readonly emit: Emit;
  /** The reading keys, while the vault is unlocked. */
  readonly keys: ReadKeys | undefined;
  /** The reading keys; throws Locked when the vault is locked. */
  requireKeys(): ReadKeys;
  /** Hold `keys` from now on; any earlier ones are wiped. */
  holdKeys(keys: ReadKeys): Promise<void>;
  /** Wipe the reading keys (recorded). */
  lock(): Promise<void>;
  /** The vault's cloud (connected once, then kept, so locking keeps it reachable). */
  remote(config: VaultConfig): Promise<Remote>;
  /** A new cloud connection, before the vault is set up here (init, recover). */
  newRemote(cloud: CloudSpec, dropbox: DropboxCredentials | undefined, s3?: S3Connection): Promise<Remote>;
  /** Keep `remote` as the vault's cloud connection. */
  keepRemote(remote: Remote): void;
  /** Seal the Dropbox sign-in under the vault (and, in the desktop app, into the OS keychain). */
  keepDropboxToken(keys: ReadKeys, c: DropboxCredentials): Promise<void>;
  /** Add an entry to the audit trail; never fails the action it records. */
  record(event: string, detail?: string): Promise<void>;
  /** The vault's lock for a change live sync must not run beside: live sync pauses meanwhile. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** The backup room, loaded on first use (a command that takes no backup never reads its modules). */
  backups(): Promise<BackupApi>;
}
