// Where a recovery key may be kept, and the recovery kit file. A key kept in
// the vault folder (synced and backed up with it), the cloud folder, any
// cloud sync folder (its client uploads it in the clear), the backup folder
// or the handover copy's folder travels with what it opens; one in this
// computer's home sits beside the key file. So every file Casevault writes a
// recovery key into (the app's recovery kit, the CLI's --recovery-key-out)
// is checked here first. The kit's wording is contract/recovery-kit.ts.
// Spec: docs/desktop-app.md ("The recovery kit").
import { dirname, isAbsolute, join } from 'node:path';
import { parseKeyFile, wipeKeys, type KeyFile } from '../../crypto/index.js';
import { kitDate, recoveryKit, recoveryKitText, type KitKind, type RecoveryKitFacts } from '../../contract/index.js';
import { loadConfig, type VaultConfig } from '../config.js';
import type { Core } from '../core.js';
import { UsageError } from '../errors.js';
import { writeNewFile } from '../fsutil/atomic.js';
import { lstatIfExists, readIfExists } from '../fsutil/read.js';
import { loadVerified } from '../leaving/handover.js';
import { canonical, enclosingSyncFolder, inside } from '../mirror/layout.js';
import { KEY_FILE_NAME } from './cloud-key-file.js';
import { openWith, readLocalKeyFile } from './lifecycle.js';
import { s3Url } from '../remotes/s3/location.js';

/** The folders a recovery key must stay out of, before a vault's settings exist (init's own options). */
export interface KeyPlaceFolders {
  vaultDir: string;
  cloudDir?: string;
  backupDir?: string;
}

const ROLES = {
  vault: 'the vault folder (it is synced and backed up with the files)',
  cloud: 'the cloud folder',
  backup: 'the backup folder',
  handover: "the handover copy's folder",
  home: "Casevault's own settings folder (beside the vault's key file)", // its path is named with it (checkKeyPlace)
} as const;

type Role = keyof typeof ROLES;

async function foldersOf(core: Core, given?: KeyPlaceFolders): Promise<[Role, string | undefined][]> {
  if (given) {
    return [
      ['vault', given.vaultDir],
      ['cloud', given.cloudDir],
      ['backup', given.backupDir],
      ['home', core.home],
    ];
  }
  const config = await loadConfig(core.home);
  return [
    ['vault', config.vaultDir],
    ['cloud', config.cloud.kind === 'folder' ? config.cloud.dir : undefined],
    ['backup', config.backupDir],
    ['handover', (await loadVerified(core.home))?.to],
    ['home', core.home],
  ];
}

/** Refuses a file for a recovery key inside any folder it must stay out of. */
export async function checkKeyPlace(core: Core, file: string, given?: KeyPlaceFolders): Promise<void> {
  const target = await canonical(file);
  for (const [role, dir] of await foldersOf(core, given)) {
    if (dir && inside(target, await canonical(dir))) {
      throw new UsageError(
        `that file would be inside ${ROLES[role]}${role === 'home' ? `, ${dir}` : ''}: a recovery key kept there goes wherever that folder goes; keep it somewhere else`,
      );
    }
  }
  if (await enclosingSyncFolder(target)) {
    throw new UsageError('that file would be inside a cloud sync folder, whose app would upload the recovery key as it is; keep it somewhere else');
  }
}

/** The key file the kit's words must open, and where its encrypted copy is. */
async function kitVault(core: Core, kit: KitKind, config: VaultConfig): Promise<{ kf: KeyFile; cloud: RecoveryKitFacts['cloud'] }> {
  if (kit === 'vault') {
    return {
      kf: (await readLocalKeyFile(core.home)).kf,
      cloud:
        config.cloud.kind === 'folder'
          ? { kind: 'folder', dir: config.cloud.dir }
          : config.cloud.kind === 's3'
            ? { kind: 's3', location: s3Url(config.cloud) }
            : { kind: 'dropbox' },
    };
  }
  const handover = await loadVerified(core.home);
  const bytes = handover && (await readIfExists(join(handover.to, KEY_FILE_NAME)));
  if (!handover || !bytes) throw new UsageError('there is no checked handover copy on this computer to make a recovery kit for', 'make-handover');
  return { kf: parseKeyFile(new Uint8Array(bytes)), cloud: { kind: 'folder', dir: handover.to } };
}

export async function recoveryKitFacts(core: Core, kit: KitKind, now: Date): Promise<RecoveryKitFacts> {
  const config = await loadConfig(core.home);
  const { cloud } = await kitVault(core, kit, config);
  return { kind: kit, vaultName: basenameOf(config.vaultDir), cloud, date: kitDate(now) };
}

const basenameOf = (dir: string) => dir.split(/[\\/]/).filter(Boolean).at(-1) ?? dir;

/**
 * Write the recovery kit into a new file (never over one), once the words
 * are known to open the key file they are for: a kit that does not work is
 * worse than none.
 */
export async function saveRecoveryKit(core: Core, o: { kit: KitKind; recoveryKey: string; to: string }, now: Date): Promise<{ path: string }> {
  if (!isAbsolute(o.to)) throw new UsageError('give the full path of the file for the recovery kit, starting from the top of the drive');
  const config = await loadConfig(core.home);
  const { kf, cloud } = await kitVault(core, o.kit, config);
  await wipeKeys(await openWith(kf, { recoveryKey: o.recoveryKey }));
  await checkKeyPlace(core, o.to);
  const text = recoveryKitText(recoveryKit({ kind: o.kit, vaultName: basenameOf(config.vaultDir), cloud, date: kitDate(now) }, o.recoveryKey));
  const there = await lstatIfExists(o.to);
  if (there?.isDirectory())
    throw new UsageError(`${o.to} is a folder; give the full path of a new file in it, such as ${join(o.to, 'Casevault recovery kit.txt')}`);
  if (!there && !(await lstatIfExists(dirname(o.to)))?.isDirectory())
    throw new UsageError(`there is no folder ${dirname(o.to)} to save the recovery kit in; choose a folder that is there (a USB stick, for instance)`);
  if (!(await writeNewFile(o.to, text))) {
    throw new UsageError('a file of that name is already there; choose a new name (a recovery kit never replaces a file)');
  }
  await core.record(o.kit === 'vault' ? 'recovery kit saved' : "successor's recovery kit saved", `to ${o.to}`);
  return { path: o.to };
}
