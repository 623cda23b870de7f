// Refuses layouts that would leak plaintext: a vault folder inside a cloud
// sync folder (its client would upload the plaintext), the vault and the
// encrypted mirror inside each other, or a restore's plaintext written into
// either of those.
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { Refused, UsageError } from '../errors.js';
import { parseS3Url, type CloudSpec, type S3Location } from '../../contract/index.js';

/** Files a sync client keeps at the root of the folder it syncs. */
const MARKERS = [
  /^\.dropbox(\.cache)?$/,
  /^\.owncloudsync\.log$/,
  /^\.nextcloudsync\.log$/,
  /^\._?sync_[0-9a-f]+\.db$/,
  /^\.tresorit$/,
  /^\.megaignore$/,
  /^\.sync$/,
];
/** Folder names sync clients create. */
const NAMES = [
  /^Dropbox( \(.+\))?$/,
  /^OneDrive( - .+)?$/,
  /^Google Drive$/,
  /^My Drive$/,
  /^iCloud Drive$/,
  /^Nextcloud$/,
  /^ownCloud$/,
  /^Box( Sync)?$/,
  /^pCloud Drive$/,
  /^MEGA$/,
  /^CloudStorage$/,
  /^Mobile Documents$/,
];

export async function canonical(p: string): Promise<string> {
  // The folder may not exist yet: resolve its nearest existing ancestor.
  const abs = resolve(p);
  try {
    return await realpath(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : join(await canonical(parent), basename(abs));
  }
}

export function inside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

/** Everything of a vault in its cloud besides the key file (docs/format.md): all a move copies and a removal deletes, and nothing else there. */
export const VAULT_CLOUD_PREFIXES = ['objects/', 'trash/', 'devices/', 'audit/', 'housekeeping/', 'highwater/'] as const;

/** Two places on S3 storage overlap: the same bucket, and the same prefix or one inside the other. */
export function s3Overlap(a: S3Location, b: S3Location): boolean {
  const under = (x: string, y: string) => y === '' || x === y || x.startsWith(`${y}/`);
  return a.bucket === b.bucket && (under(a.prefix, b.prefix) || under(b.prefix, a.prefix));
}

/** A cloud copy and backups both on S3 storage: never at overlapping places, so that one mishap (a prefix emptied) cannot reach both. */
export function checkS3Apart(cloud: CloudSpec, backupDir: string | undefined): void {
  const backups = backupDir?.startsWith('s3://') ? parseS3Url(backupDir) : undefined;
  if (cloud.kind === 's3' && backups && typeof backups !== 'string' && s3Overlap(cloud, backups)) {
    throw new UsageError(
      'the cloud copy and the backups cannot share a place on S3 storage (the same prefix, or one inside the other), so that one mishap cannot reach both: choose another bucket or prefix',
    );
  }
}

/** The backup folder is not a file: a file at its path is refused in words that say so (a drive's absence is another matter). */
export async function checkNotAFile(dir: string, what = 'the backup folder'): Promise<void> {
  const st = await stat(dir).catch(() => undefined);
  if (st && !st.isDirectory()) throw new UsageError(`${what} ${dir} is a file, not a folder; choose a folder`);
}

/**
 * The backup folder apart from the vault, the cloud folder and Casevault's
 * settings folder (`home`): neither inside the other, so one mishap cannot
 * reach both copies. A file at its path is refused.
 */
export async function checkBackupApart(dir: string, vaultDir: string, cloudDir: string | undefined, home?: string): Promise<void> {
  await checkNotAFile(dir);
  const backup = await canonical(dir);
  const vault = await canonical(vaultDir);
  if (inside(backup, vault) || inside(vault, backup)) {
    throw new Refused('the backup folder must be outside the vault folder, and not hold it: choose a folder on a separate drive');
  }
  if (cloudDir) {
    const cloud = await canonical(cloudDir);
    if (inside(backup, cloud) || inside(cloud, backup)) {
      throw new Refused('the backup folder must be apart from the cloud folder, so that one mishap cannot reach both: choose a folder on a separate drive');
    }
  }
  if (home) {
    const h = await canonical(home);
    if (inside(backup, h) || inside(h, backup)) {
      throw new UsageError(
        `the backup folder must be apart from Casevault's settings folder (${home}), so that one mishap cannot reach both: choose a folder on a separate drive`,
      );
    }
  }
}

/** The sync folder that contains `dir`, if any. */
export async function enclosingSyncFolder(dir: string): Promise<string | undefined> {
  let d = await canonical(dir);
  for (;;) {
    if (NAMES.some((re) => re.test(basename(d)))) return d;
    const names = await readdir(d).catch(() => [] as string[]); // an unreadable folder shows no sync client's marker; its name and its parents' are still checked
    if (names.some((n) => MARKERS.some((re) => re.test(n)))) return d;
    const parent = dirname(d);
    if (parent === d) return undefined;
    d = parent;
  }
}

export async function checkLayout(vaultDir: string, cloudDir?: string): Promise<void> {
  const vault = await canonical(vaultDir);
  const sync = await enclosingSyncFolder(vault);
  if (sync) {
    throw new Refused(`the vault folder is inside the cloud sync folder ${sync}, which would upload the plaintext; choose a vault folder outside it`);
  }
  if (cloudDir) {
    const cloud = await canonical(cloudDir);
    if (inside(vault, cloud) || inside(cloud, vault)) {
      throw new Refused('the vault folder and the cloud folder must be separate, neither inside the other; choose another cloud folder');
    }
  }
}

/**
 * Where a restore writes plaintext: a folder (new, or beside existing files),
 * never inside the cloud folder or a cloud sync folder, whose client would
 * upload it, nor inside the backup folder (a drive or share others may read)
 * or Casevault's settings folder (removed with the vault).
 */
export async function checkRestoreTarget(dir: string, apart: { cloudDir?: string; backupDir?: string; home?: string }): Promise<void> {
  const st = await stat(dir).catch(() => undefined);
  if (st && !st.isDirectory())
    throw new UsageError('the place to restore into is a file, not a folder; choose a folder (a new one, or one beside existing files)');
  const target = await canonical(dir);
  if (apart.cloudDir && inside(target, await canonical(apart.cloudDir)))
    throw new UsageError('a restore cannot go inside the cloud folder (the files would sit there unencrypted); choose another place');
  if (apart.backupDir && inside(target, await canonical(apart.backupDir)))
    throw new UsageError('a restore cannot go inside the backup folder (the files would sit on the backup drive unencrypted); choose another place');
  if (apart.home && inside(target, await canonical(apart.home)))
    throw new UsageError(`a restore cannot go inside Casevault's settings folder for this vault (${apart.home}); choose another place`);
  const sync = await enclosingSyncFolder(target);
  if (sync) throw new UsageError(`a restore cannot go inside the cloud sync folder ${sync}, which would upload the files unencrypted; choose another place`);
}
