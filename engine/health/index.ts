// The vault's health, computed each time it is asked for from the real
// state: the cloud (read now, with a deadline), the keys, the backups, the
// lock, the recovery key, cases past retention and the access review. One
// module per area; this one gathers them, every area once, worst first. An
// area that cannot be checked is a problem of its own, never left out and
// never taken for ok.
import { count, worstFirst, type BackupStatus, type HealthArea, type HealthItem, type Settings, type StatusReport } from '../../contract/index.js';
import { configWriteKeys, type VaultConfig } from '../config.js';
import type { OwnSnapshots } from '../backup/service.js';
import { failureOf } from '../errors.js';
import { standingRollback } from '../mirror/high-water.js';
import type { ScanResult } from '../mirror/scan.js';
import { describeCloud } from '../remotes/open-cloud.js';
import { accessReviewHealth } from './access-review.js';
import { devicesHealth } from './devices.js';
import type { Remote } from '../remotes/remote.js';
import { cloudHealth } from './cloud.js';
import type { CloudProbe } from './cloud-probe.js';
import { ago, failed, problem } from './item.js';
import { keysHealth } from './keys.js';
import { lockHealth } from './lock.js';
import { recoveryKeyHealth } from './recovery-key.js';
import { retentionHealth } from './retention.js';

export interface HealthInputs {
  home: string;
  config: VaultConfig;
  settings: Settings;
  now: number;
  locked: boolean;
  keyRotation: StatusReport['keyRotation'];
  scan: ScanResult;
  /** The vault folder is empty and is not the one the last pass synced. */
  vaultReplaced: boolean;
  files: StatusReport['files'];
  pendingDeletions: number;
  live: StatusReport['live'];
  /** Whether the cloud's objects were listed for this status (a cloud folder that answered in time: engine/status.ts). */
  cloudListedNow: boolean;
  /** When the last sync pass ended (it lists the cloud's objects: what the cloud area says is as of then, where they were not listed now). */
  lastSyncAt: number | undefined;
  backupStatus: Promise<BackupStatus>;
  /** Read now from the backup folder: whether the last backup (`last`) can be read, and which others this computer took are gone. */
  ownSnapshots(last: string): Promise<OwnSnapshots>;
  probeCloud(): Promise<CloudProbe>;
  /** The vault's cloud (for the receipts of wipes ordered from here). */
  remote(): Promise<Remote>;
}

/** How an area is named when it could not be checked. */
const WHAT: Record<HealthArea, string> = {
  cloud: 'the cloud copy',
  keys: "the vault's keys",
  backups: 'the backups',
  lock: 'the lock',
  'recovery-key': 'the recovery key',
  retention: 'the retention of cases',
  'access-review': 'the access review',
  devices: 'the wipe of a lost computer',
};

async function checked(area: HealthArea, compute: () => HealthItem | Promise<HealthItem>): Promise<HealthItem> {
  try {
    return await compute();
  } catch (e) {
    const f = failureOf(e);
    return failed(area, 'attention', { ...f, message: `${WHAT[area]} could not be checked: ${f.message}` });
  }
}

export async function vaultHealth(i: HealthInputs): Promise<HealthItem[]> {
  const probe = i.probeCloud();
  const items = await Promise.all([
    checked('cloud', async () =>
      cloudHealth({
        probe: await probe,
        cloud: describeCloud(i.config.cloud),
        vaultDir: i.config.vaultDir,
        vaultUnreadable: i.scan.unreadable.includes(''),
        vaultReplaced: i.vaultReplaced,
        unreadableFolders: i.scan.unreadable.filter((rel) => rel !== ''),
        badFolders: i.scan.badFolders,
        files: i.files,
        pendingDeletions: i.pendingDeletions,
        live: i.live,
        listedAt: i.cloudListedNow ? undefined : i.lastSyncAt,
        now: i.now,
        // Read only from a cloud that answered the probe in time: one that did not is the problem said then.
        rolledBack: (await probe).failure ? undefined : await standingRollback(i.home, i.remote, configWriteKeys(i.config).authKey, i.config.deviceId),
      }),
    ),
    checked('keys', async () => keysHealth(await probe, i.keyRotation)),
    checked('backups', async () => {
      const s = await i.backupStatus;
      const item = s.health;
      // "The last backup was an hour ago" is ok only if that backup can be read back, and no earlier one this computer took is gone unnoticed.
      const last = s.lastBackup?.snapshot;
      if (!item.ok || !last) return item;
      const own = await i.ownSnapshots(last);
      if (!own.lastReadable)
        return problem(
          'backups',
          'attention',
          `the last backup, taken ${ago(Date.parse(s.lastBackup!.at), i.now)}, cannot be read from ${s.folder}: it is missing, damaged or was tampered with`,
          'verify-backup',
        );
      if (own.missing.length > 0)
        return problem(
          'backups',
          'attention',
          `${count(own.missing.length, 'earlier backup')} this computer took ${own.missing.length === 1 ? 'is' : 'are'} missing from ${s.folder} (deleted, or the folder put back to an earlier state), so the versions only ${own.missing.length === 1 ? 'it' : 'they'} held cannot be restored; check the backups, which notes the loss`,
          'verify-backup',
        );
      if (own.replayed.length > 0)
        return problem(
          'backups',
          'attention',
          `${count(own.replayed.length, 'snapshot')} this computer forgot ${own.replayed.length === 1 ? 'was' : 'were'} put back into ${s.folder} by someone who kept a copy (${own.replayed.join(', ')}), so ${own.replayed.length === 1 ? 'it is' : 'they are'} not offered for restore; forget and prune the backups to remove ${own.replayed.length === 1 ? 'it' : 'them'} again`,
          'prune-backups',
        );
      if (own.notSnapshots.length > 0)
        return problem(
          'backups',
          'attention',
          `${s.folder} holds ${own.notSnapshots.length === 1 ? 'an item that is' : `${own.notSnapshots.length} items that are`} not one of its snapshots (${own.notSnapshots.map((id) => `snapshots/${id}`).join(', ')}); move ${own.notSnapshots.length === 1 ? 'it' : 'them'} out of the backup folder`,
        );
      return item;
    }),
    checked('lock', () => lockHealth(i.locked)),
    checked('recovery-key', () => recoveryKeyHealth(i.home, i.now)),
    checked('retention', () => retentionHealth(i.home, i.scan, i.now, i.remote)),
    checked('access-review', () => accessReviewHealth(i.settings, i.config.createdAt, i.now)),
    checked('devices', () => devicesHealth(i.home, i.remote, i.now)),
  ]);
  return worstFirst(items);
}
