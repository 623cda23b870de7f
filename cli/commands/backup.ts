import type { Command } from 'commander';
import { mib, type Ctx } from '../context.js';
import { showProgress } from '../progress-line.js';
import { count, Failure, fileCount, foldersAndFiles } from '../../contract/index.js';

export function backupCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('backup')
    .description('take a backup snapshot of the vault folder now (into the backup folder); prints its id')
    .action(async () => {
      const engine = ctx.engine();
      const stop = showProgress(engine, ctx.io, 'Backing up');
      const r = await engine.backup().finally(stop);
      ctx.out(r.snapshot); // stdout holds the id alone, for scripts: ID=$(casevault backup)
      // The summary is for a person at a terminal; a script's stderr stays for errors.
      if (ctx.io.stderr.isTTY)
        ctx.io.stderr.write(
          `Snapshot ${r.snapshot.slice(0, 8)}: ${fileCount(r.files)} (${mib(r.bytes)}); ${count(r.filesRead, 'new or changed file')} read, ${mib(r.bytesAdded)} added to the backup in ${(r.durationMs / 1000).toFixed(1)} s.\n`,
        );
      // Whatever the terminal: a script's log must say which files are missing from the snapshot, as sync's does.
      for (const f of r.failed) ctx.io.stderr.write(`Not in this snapshot: ${f.path}: ${f.reason}\n`);
      if (r.failed.length > 0) {
        const what = foldersAndFiles(r.unreadableFolders, r.failed.length - r.unreadableFolders);
        throw new Failure('partial', `${what} could not be backed up (listed above); the snapshot holds everything else`);
      }
      done(0);
    });
}
