// `casevault backup-folder DIR`: attach or change the backup folder. A folder
// that holds this vault's backups is adopted; the passphrase is asked for
// only when the folder may be under the vault's keys from before a rotation
// (only the unlocked vault holds those).
import type { Command } from 'commander';
import { backupFolderLines } from '../backup-folder-lines.js';
import { backupOption, type Ctx } from '../context.js';

export function backupFolderCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('backup-folder')
    .description("attach or change the backup folder (a USB drive, a NAS share, or s3://BUCKET/PREFIX); a folder that holds this vault's backups is adopted")
    .argument('<dir>', "the backup folder: empty, not there yet, or holding this vault's backups")
    .action(async (dir: string) => {
      const folder = backupOption(dir);
      const r = await ctx.unlockedIfNeeded((engine) => engine.attachBackupFolder(folder));
      for (const line of backupFolderLines(r)) ctx.out(line);
      done(0);
    });
}
