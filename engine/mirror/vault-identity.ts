// The vault folder's identity (its device, inode and birth time), recorded
// at each sync pass. A folder that is empty now and is not the one synced
// before is a drive or share that is not connected (its mount point left
// behind, or another, empty file system mounted there), or the folder moved
// away and an empty one made in its place: it is refused as a missing vault
// folder is, never taken for a person deleting every file (which would send
// every object to the cloud's trash). A person who empties the vault folder
// itself keeps its identity, and the pass goes on. The birth time tells a
// new file system from the last one at the same mount point: its root has
// the same inode (1 on tmpfs, 2 on ext4) and often the same device number.
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { loadState } from './state.js';

export interface FolderIdentity {
  dev: number;
  ino: number;
  /** Birth time (ms); 0 or absent where the file system does not keep one. */
  birth?: number | undefined;
}

export function identityOf(st: Stats): FolderIdentity {
  return { dev: st.dev, ino: st.ino, birth: st.birthtimeMs };
}

/** Whether two readings are of the same folder (undefined: none there). Birth times decide only where both readings have one. */
export function sameFolder(a: FolderIdentity | undefined, b: FolderIdentity | undefined): boolean {
  if (!a || !b) return a === b;
  return a.dev === b.dev && a.ino === b.ino && (!a.birth || !b.birth || a.birth === b.birth);
}

/** Whether the vault folder is empty (`filesNow` 0) where the last pass, in another folder at that path, synced files. */
export function replacedByEmpty(recorded: FolderIdentity | undefined, now: FolderIdentity, filesNow: number, recordedFiles: number): boolean {
  return !!recorded && recordedFiles > 0 && filesNow === 0 && !sameFolder(recorded, now);
}

/**
 * For a backup that found no file in the vault folder: whether that folder
 * is not the one the last sync pass synced, or (a vault never synced) not
 * the one this computer's last backup (`backedUp`, with its file count) read.
 */
export async function emptyFolderReplaced(home: string, vaultDir: string, backedUp?: FolderIdentity & { files: number }): Promise<boolean> {
  const [state, st] = await Promise.all([loadState(home), stat(vaultDir)]);
  const now = identityOf(st);
  return replacedByEmpty(state.lastSync?.vault, now, 0, state.files.size) || replacedByEmpty(backedUp, now, 0, backedUp?.files ?? 0);
}

/** What the pass, a backup, a dropped file and the cloud's health say then. */
export function replacedSentence(vaultDir: string, task: 'synced' | 'backed up' | 'added'): string {
  const again = { synced: 'sync', 'backed up': 'back up', added: 'add the file' }[task];
  return `the vault folder ${vaultDir} is empty and is not the folder synced before (its drive or share may not be connected, or the folder was moved), so nothing is ${task}; connect the drive or put the folder back, then ${again} again`;
}
