// `casevault vault-folder`: the vault folder is missing (its drive gone for
// good, the folder moved or deleted) or an empty folder that is not the one
// synced before: put it back from the cloud copy (--from-cloud, into where
// it was or --to DIR, new or empty; asks for the passphrase), or use the
// folder the files were moved to (--use DIR). Nothing is overwritten.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { printable } from '../printable.js';
import { fileCount, Failure } from '../../contract/index.js';

export function vaultFolderCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('vault-folder')
    .description('the vault folder missing or replaced: put it back from the cloud copy (--from-cloud), or use the folder it was moved to (--use DIR)')
    .option('--from-cloud', 'rebuild the vault folder from the cloud copy (needs the passphrase or recovery key)')
    .option('--to <dir>', 'with --from-cloud: a new or empty folder to put it into, instead of where it was')
    .option('--use <dir>', "use this folder, which holds the vault's files (moved there), as the vault folder")
    .action(async (o: { fromCloud?: boolean; to?: string; use?: string }) => {
      if (!o.fromCloud === !o.use || (o.to && !o.fromCloud))
        throw new Failure('usage', 'give either --from-cloud (with --to DIR, if not where it was) or --use DIR');
      if (o.use) {
        const r = await ctx.engine().useVaultFolder({ dir: resolve(o.use) });
        ctx.out(`The vault folder is now ${r.vaultDir}.`);
      } else {
        const r = await ctx.unlocked((e) => e.putVaultBack(o.to ? { to: resolve(o.to) } : {}));
        ctx.out(`Put the vault folder back from the cloud copy: ${fileCount(r.restored)} into ${r.vaultDir}.`);
        for (const f of r.failed) ctx.out(`Not put back: ${printable(f.object)}: ${f.reason}`);
        if (r.failed.length > 0)
          throw new Failure(
            'partial',
            `${r.failed.length === 1 ? '1 object' : `${r.failed.length} objects`} of the cloud copy could not be put back (listed above); every other file is back`,
            'verify-cloud',
          );
      }
      done(0);
    });
}
