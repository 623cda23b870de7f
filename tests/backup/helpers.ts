// The backup API itself (engine/backup/service.ts) over a test vault, wired
// as the engine wires it, with the unlock and the progress events in the
// test's hands.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openKeyFile, parseKeyFile, type ReadKeys } from '../../crypto/index.js';
import { BackupApi, type BackupApiDeps } from '../../engine/backup/service.js';
import type { BackupProgress } from '../../engine/backup/progress-report.js';
import { Locked } from '../../engine/errors.js';
import { PASSPHRASE } from '../helpers/cli.js';
import type { TestVault } from '../helpers/vault.js';

export interface WithBackupApi extends TestVault {
  api: BackupApi;
  events: BackupProgress[];
  unlock(): Promise<void>;
  lock(): void;
  /** Another API over the same home (e.g. with different deps). */
  withDeps(extra: Partial<BackupApiDeps>): BackupApi;
}

export function withBackupApi(v: TestVault): WithBackupApi {
  let keys: ReadKeys | undefined;
  const events: BackupProgress[] = [];
  const deps: BackupApiDeps = {
    home: v.home,
    env: v.env,
    emit: (_t, e) => events.push(e),
    readKeys: () => {
      if (!keys) throw new Locked('the vault is locked');
      return keys;
    },
  };
  return {
    ...v,
    events,
    api: new BackupApi(deps),
    unlock: async () => {
      keys = await openKeyFile(parseKeyFile(new Uint8Array(await readFile(join(v.home, 'casevault.key')))), { passphrase: PASSPHRASE });
    },
    lock: () => {
      keys = undefined;
    },
    withDeps: (extra) => new BackupApi({ ...deps, ...extra }),
  };
}
