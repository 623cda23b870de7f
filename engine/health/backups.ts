// The backups area: a copy apart from the cloud, on a drive or share. Not
// ok without a backup folder, with the drive away, when the last run
// failed, when none was ever taken, when a check found damaged or missing
// data since the last one, or when one is late; the sentence says
// when the last one was taken, so "ok" is never a bare word.
import { dirname } from 'node:path';
import type { BackupFacts, HealthItem } from '../../contract/index.js';
import { statIfExists } from '../fsutil/read.js';
import { ago, duration, fine, problem } from './item.js';

/**
 * A due backup this late has not been taken by itself: live sync checks
 * every minute and retries a failed run after a quarter of an hour, so a
 * backup still not taken after that is not being taken (the app is not
 * running, or the run keeps failing).
 */
export const LATE_AFTER_MS = 20 * 60_000;

/**
 * `canMakeFolder`: the backup folder is not there yet but its parent is, and no backup was taken: the first backup makes it.
 * `isFile`: a file is at the backup folder's path (set before files were refused there): another folder is the remedy, not the drive.
 * `noBucket`: S3 storage answered that the backups' bucket is not there: no waiting helps.
 */
export function backupsHealth(s: BackupFacts, now: number, canMakeFolder = false, isFile = false, noBucket = false): HealthItem {
  if (!s.folder)
    return problem('backups', 'attention', 'no backup folder is set up, so there is no copy of the vault apart from the cloud', 'set-backup-folder');
  // Before this computer's first backup to a folder it adopted (backup-folder, recover --backup), the newest backup the folder held then.
  const inFolder = !s.lastBackup && s.remembered?.latest ? Date.parse(s.remembered.latest) : undefined;
  const last = s.lastBackup ? Date.parse(s.lastBackup.at) : inFolder;
  const lastWords =
    last === undefined
      ? 'no backup has been taken yet'
      : inFolder !== undefined
        ? `the latest backup in the backup folder was ${ago(last, now)} (none from this computer yet)`
        : `the last backup was ${ago(last, now)}`;
  const due = s.nextBackup ? Date.parse(s.nextBackup) : undefined;
  const overdue = s.overdue ? ` and backups are overdue${last === undefined ? '' : `: none for ${duration(now - last)}`}` : '';
  if (!s.reachable && s.folder.startsWith('s3://') && noBucket)
    return problem(
      'backups',
      'attention',
      `the S3 bucket of the backups (${s.folder}) is not there (removed, or its address is wrong: the union's storage administrator can tell); ${lastWords}${overdue}`,
      'change-backup-folder',
    );
  if (!s.reachable && s.folder.startsWith('s3://'))
    return problem(
      'backups',
      'attention',
      `the S3 storage holding the backups (${s.folder}) did not answer just now: check its address, or whether the storage is up; ${lastWords}${overdue}`,
      'retry',
    );
  if (!s.reachable && isFile)
    return problem('backups', 'attention', `the backup folder ${s.folder} is a file, not a folder; ${lastWords}${overdue}`, 'change-backup-folder');
  if (!s.reachable && !canMakeFolder)
    return problem('backups', 'attention', `the backup drive (${s.folder}) is not connected; ${lastWords}${overdue}`, 'plug-in-backup-drive');
  const failedRun = s.lastAttempt && !s.lastAttempt.ok ? s.lastAttempt : undefined;
  if (failedRun) {
    return problem(
      'backups',
      'attention',
      `the last backup did not work${failedRun.error ? ` (${failedRun.error})` : ''}; ${lastWords}${overdue}`,
      'take-backup',
    );
  }
  if (last === undefined) return problem('backups', 'attention', `${lastWords}${overdue}`, 'take-backup');
  // Found damaged or missing after the last backup: that backup does not restore in full until the next one stores those parts again.
  if (s.damageFound && Date.parse(s.damageFound) >= last)
    return problem(
      'backups',
      'attention',
      `the last check found damaged or missing data in the backup folder; back up now, so that those parts are stored again`,
      'take-backup',
    );
  if (s.overdue) return problem('backups', 'attention', `no backup has been taken for ${duration(now - last)}, so backups are overdue`, 'take-backup');
  if (due !== undefined && now - due >= LATE_AFTER_MS) {
    return problem('backups', 'reminder', `a backup has been due for ${duration(now - due)}; ${lastWords}`, 'take-backup');
  }
  return fine('backups', `${lastWords}, to ${s.folder}`);
}

/** backupsHealth, with whether the first backup can make a folder that is not there yet (its parent is), and whether a file is in its place. */
export async function backupsStatusHealth(s: BackupFacts, now: number, noBucket = false): Promise<HealthItem> {
  const local = !!s.folder && !s.folder.startsWith('s3://') && !s.reachable;
  const isFile = local && !!(await statIfExists(s.folder!).catch(() => undefined));
  const canMakeFolder = local && !isFile && !s.lastBackup && !!(await statIfExists(dirname(s.folder!)))?.isDirectory();
  return backupsHealth(s, now, canMakeFolder, isFile, noBucket);
}
