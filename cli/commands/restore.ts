import { resolve } from 'node:path';
import type { Command } from 'commander';
import { mib, type Ctx } from '../context.js';
import { showProgress } from '../progress-line.js';
import { Failure, fileCount, restoredSentence } from '../../contract/index.js';

interface Options {
  snapshot?: string;
  path?: string;
  to: string;
}

export function restoreCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('restore')
    .description('restore a backup snapshot (or the file or folder --path of it, written at DIR/PATH) into DIR; never overwrites an existing file')
    .option('--snapshot <id>', 'a snapshot id from `casevault snapshots` (its first characters are enough), or "latest"', 'latest')
    .option('--path <path>', 'only this file or folder of the vault')
    .requiredOption('--to <dir>', 'where to restore (a new folder, or beside existing files)')
    .action(async (o: Options) => {
      // An empty value is a slip (an unset variable in a script), never "latest" or "everything" or "here".
      const empty: [string | undefined, string][] = [
        [o.snapshot, '--snapshot is empty: give a snapshot id from `casevault snapshots`, or latest'],
        [o.path, '--path is empty: give a file or folder of the vault, or leave --path out to restore everything'],
        [o.to, '--to is empty: give the folder to restore into'],
      ];
      for (const [value, sentence] of empty) if (value !== undefined && value.trim() === '') throw new Failure('usage', sentence);
      const r = await ctx.unlocked((engine) => {
        const stop = showProgress(engine, ctx.io, 'Restoring');
        return engine.restoreBackup({ snapshot: o.snapshot ?? 'latest', ...(o.path ? { path: o.path } : {}), to: resolve(o.to) }).finally(stop);
      });
      ctx.out(restoredSentence(r, `from snapshot ${r.snapshot.slice(0, 8)}`, mib));
      for (const x of r.renamed) ctx.out(`Already there, so restored beside it: ${x.path} -> ${x.writtenAs}`);
      for (const f of r.failed) ctx.out(`Not restored: ${f.path}: ${f.reason}`);
      if (r.failed.some((f) => f.damaged)) {
        throw new Failure(
          'damaged',
          `${fileCount(r.failed.length)} ${r.failed.length === 1 ? 'needs' : 'need'} damaged or missing backup data (listed above); every other file was restored, so try an older snapshot for those`,
        );
      }
      if (r.failed.length > 0)
        throw new Failure('partial', `${fileCount(r.failed.length)} could not be restored (listed above); every other file was restored`);
      done(0);
    });
}
