import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { writeNewFile } from '../../engine/fsutil/atomic.js';
import { UsageError } from '../../engine/errors.js';
import { cloudOption, type Ctx } from '../context.js';
import { dropboxSignIn } from '../connect.js';
import { newPassphrase } from '../prompt.js';

interface Options { vault: string; cloud: string; backup?: string; recoveryKeyOut?: string }

/** Refuses a --recovery-key-out that exists or whose folder does not (checked before any work). */
export async function checkKeyOut(file: string): Promise<void> {
  if (await stat(file).then(() => true, () => false)) {
    throw new UsageError('the --recovery-key-out file already exists; choose a new file name (Casevault never overwrites it)');
  }
  if (!(await stat(dirname(resolve(file))).then((s) => s.isDirectory(), () => false))) {
    throw new UsageError('the folder for --recovery-key-out does not exist; create it or choose another place');
  }
}

/** Writes the recovery key alone on one line into a new file (whole or not at all; never replacing one). */
export async function writeKeyOut(file: string, recoveryKey: string): Promise<void> {
  if (!(await writeNewFile(file, `${recoveryKey}\n`))) {
    throw new UsageError('the --recovery-key-out file already exists; choose a new file name (Casevault never overwrites it)');
  }
}

export function initCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('init')
    .description('create a vault: DIR is the plaintext folder people use; --cloud is the encrypted mirror\'s folder (or "dropbox")')
    .requiredOption('--vault <dir>', 'the vault folder (may already hold files)')
    .requiredOption('--cloud <dir>', 'the encrypted mirror: a sync folder, a share, an empty folder, or "dropbox"')
    .option('--backup <dir>', 'where backups go (a USB drive, a NAS share)')
    .option('--recovery-key-out <file>', 'also write the recovery key to this new file, alone on one line')
    .action(async (o: Options) => {
      if (o.recoveryKeyOut) await checkKeyOut(o.recoveryKeyOut);
      const passphrase = await newPassphrase(ctx.io, 'CASEVAULT_PASSPHRASE');
      const engine = ctx.engine();
      const cloud = cloudOption(o.cloud);
      const dropbox = await dropboxSignIn(ctx, cloud);
      const { recoveryKey } = await engine.init({
        vaultDir: o.vault,
        cloud,
        ...(dropbox ? { dropbox } : {}),
        ...(o.backup ? { backupDir: o.backup } : {}),
        passphrase,
      });
      if (o.recoveryKeyOut) await writeKeyOut(o.recoveryKeyOut, recoveryKey);
      ctx.out('Vault created.');
      ctx.out(`  Vault folder: ${resolve(o.vault)}`);
      ctx.out(`  Cloud copy:   ${o.cloud === 'dropbox' ? 'Dropbox' : resolve(o.cloud)}`);
      ctx.out();
      ctx.out('Recovery key (shown only now: print it or write it down, and keep it away from this computer):');
      ctx.out();
      ctx.out(`  ${recoveryKey}`);
      ctx.out();
      ctx.out('It opens the vault if the passphrase is forgotten. Without the passphrase or this key, nobody can open the vault, not even us.');
      ctx.out('Next: run `casevault sync` to encrypt the vault folder into the cloud copy.');
      done(0);
    });
}
