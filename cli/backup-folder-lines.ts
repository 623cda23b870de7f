// What `backup-folder` and `recover --backup` say about the backup folder
// they attached: where backups go now, and what the folder held.
import type { BackupFolderReport } from '../contract/index.js';

const plural = (n: number, one: string) => `${n} ${n === 1 ? one : `${one}s`}`;

/** "5 Dec 2026, 14:03:27" in the computer's own language and time zone. */
const at = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function backupFolderLines(r: BackupFolderReport): string[] {
  if (r.state === 'unchanged') return [`${r.folder} is the backup folder already.`];
  const out = [`Backup folder: ${r.folder}`];
  if (r.state === 'adopted') {
    const held = r.snapshots === 0 ? 'no backups yet' : `${plural(r.snapshots, 'backup')}, the latest from ${at(r.latest!)}`;
    out.push(
      `It holds this vault's backups: ${held}${r.archives > 0 ? `, and ${plural(r.archives, 'archive')} of closed cases` : ''}. They can be restored from now on (\`casevault snapshots\` lists them).`,
    );
    if (r.rewrapped) out.push("Its key was still under the vault's keys from before they were changed; it is under the current keys now.");
  } else {
    out.push(
      `${r.state === 'empty' ? 'It is empty: the next backup goes there' : 'It is not there yet: the next backup makes it'} (\`casevault backup\` takes one now).`,
    );
  }
  if (r.previous) out.push(`Backups no longer go to ${r.previous}; the backups already there stay there.`);
  return out;
}
