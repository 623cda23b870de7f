// The cloud area: whether files reach the cloud copy now. Its folder must
// be there (or Dropbox answer, signed in), its key file this vault's; then
// whether the last pass of live sync got through, and whether every file of
// the vault is in it (failed ones and changes still waiting are said). A
// vault folder that cannot be read sends nothing either, nor does a folder
// inside it that cannot be read.
import { fileCount, foldersAndFiles, type HealthItem, type StatusReport } from '../../contract/index.js';
import type { StandingRollback } from '../mirror/high-water.js';
import { replacedSentence } from '../mirror/vault-identity.js';
import type { CloudProbe } from './cloud-probe.js';
import { ago, failed, fine, problem } from './item.js';

export interface CloudInputs {
  probe: CloudProbe;
  /** The cloud as people read it ("folder /media/usb/Casevault"). */
  cloud: string;
  vaultDir: string;
  /** The vault folder itself could not be read (unplugged, removed). */
  vaultUnreadable: boolean;
  /** The vault folder is empty and is not the one the last pass synced (engine/mirror/vault-identity.ts). */
  vaultReplaced: boolean;
  /** Folders inside the vault that could not be read (vault-relative): whatever is in them may not be in the cloud. */
  unreadableFolders: string[];
  /** Folders inside the vault whose names are not valid text (vault-relative): the scan does not enter them, so nothing in them is sent. */
  badFolders: string[];
  files: StatusReport['files'];
  pendingDeletions: number;
  live: StatusReport['live'];
  /** Rollbacks the last `verify --cloud` found that are still there (engine/mirror/high-water.ts standingRollback). */
  rolledBack?: StandingRollback | undefined;
  /**
   * When the cloud's objects were last listed, if not by this status (a
   * cloud folder is listed at each one that it answers in time:
   * engine/status.ts): Dropbox and S3 by the last sync pass. Undefined:
   * listed now.
   */
  listedAt?: number | undefined;
  now: number;
}

/** Key file states whose story the keys area tells: the cloud itself is fine. */
const KEYS_STORY = new Set(['rotated-elsewhere', 'rotation-pending']);

export function cloudHealth(i: CloudInputs): HealthItem {
  if (i.vaultUnreadable)
    return problem('cloud', 'stopped', `the vault folder ${i.vaultDir} cannot be read, so nothing is sent to the cloud`, 'put-vault-folder-back');
  if (i.vaultReplaced) return problem('cloud', 'stopped', replacedSentence(i.vaultDir, 'synced'), 'put-vault-folder-back');
  const keysBlocked = i.probe.state !== undefined && KEYS_STORY.has(i.probe.state);
  if (i.probe.failure && !keysBlocked) {
    const f = i.probe.failure;
    return failed('cloud', 'stopped', i.live.watching ? { ...f, message: `${f.message}; Casevault keeps checking by itself` } : f, 'retry');
  }
  if (i.live.watching && !i.live.online && !keysBlocked) {
    return problem(
      'cloud',
      'attention',
      `the last sync could not finish (${i.live.lastError ?? 'the cloud did not answer'}); Casevault tries again by itself`,
      'retry',
    );
  }
  if (i.rolledBack) return problem('cloud', 'attention', rollbackMessage(i.rolledBack), 'sync-now');
  // Folders whose files are not sent: the first three named, and any files that failed besides.
  const named = (folders: readonly string[]) => `${folders.slice(0, 3).join(', ')}${folders.length > 3 ? ', ...' : ''}`;
  const alsoFailed = i.files.failed > 0 ? `; ${fileCount(i.files.failed)} could not be sent either` : '';
  const folders = i.unreadableFolders;
  if (folders.length > 0) {
    const message = `${foldersAndFiles(folders.length, 0)} in the vault cannot be read (${named(folders)}), so what is in ${folders.length === 1 ? 'it' : 'them'} is not sent to the cloud${alsoFailed}`;
    return problem('cloud', 'attention', message, 'check-sync-status');
  }
  if (i.badFolders.length > 0) {
    const n = i.badFolders.length;
    const message = `${foldersAndFiles(n, 0)} in the vault ${n === 1 ? 'has a name that is' : 'have names that are'} not valid text (${named(i.badFolders)}), so nothing in ${n === 1 ? 'it' : 'them'} is sent to the cloud until ${n === 1 ? 'it is' : 'they are'} renamed${alsoFailed}`;
    return problem('cloud', 'attention', message, 'check-sync-status');
  }
  if (i.files.failed > 0) return problem('cloud', 'attention', `${fileCount(i.files.failed)} could not be sent to the cloud`, 'check-sync-status');
  const waiting = i.files.pending + i.pendingDeletions;
  if (waiting > 0) {
    const changes = `${waiting} ${waiting === 1 ? 'change waits' : 'changes wait'}`;
    return keysBlocked
      ? problem('cloud', 'reminder', `${changes} to go to the cloud, once this computer has the vault's new keys`, i.probe.failure?.next)
      : problem('cloud', 'reminder', `${changes} to go to the cloud`, 'sync-now');
  }
  if (i.files.total === 0) return fine('cloud', `the cloud copy (${i.cloud}) is ready; the vault holds no files yet`);
  // What the cloud held when it was last listed, said as such: it may have lost an object since, which the next sync finds and uploads again.
  return fine(
    'cloud',
    i.listedAt === undefined
      ? `every file is in the cloud copy (${i.cloud})`
      : `every file was in the cloud copy (${i.cloud}) at the last sync, ${ago(i.listedAt, i.now)}`,
  );
}

/** Whose work may be missing from the cloud copy put back, and what puts it back: a sync pass of the computer that wrote it uploads every file of its again. */
function rollbackMessage(r: StandingRollback): string {
  const found = 'the last check of the cloud copy found it put back to an earlier state';
  const others = r.others === 1 ? 'another computer of the vault' : `${r.others} other computers of the vault`;
  if (r.own && r.others === 0) return `${found}, so changes this computer sent since may be missing from it; the next sync sends every file again`;
  if (r.own)
    return `${found}, so changes this computer and ${others} sent since may be missing from it; the next sync here sends this computer's files again, and each of the others' next sync sends theirs`;
  return `${found}, so changes ${others} sent since may be missing from it until ${r.others === 1 ? 'that computer syncs' : 'those computers sync'} again (a sync here sends this computer's files)`;
}
