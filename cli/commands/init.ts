import { resolve } from 'node:path';
import type { Command } from 'commander';
import { backupOption, checkKeyOut, cloudOption, writeKeyOut, type Ctx } from '../context.js';
import { dropboxSignIn } from '../connect.js';
import { newPassphrase } from '../prompt.js';

interface Options {
  vault: string;
  cloud: string;
  backup?: string;
  recoveryKeyOut?: string;
}

export function initCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('init')
    .description('create a vault: DIR is the plaintext folder people use; --cloud is the encrypted mirror\'s folder (or "dropbox")')
    .requiredOption('--vault <dir>', 'the vault folder (may already hold files)')
    .requiredOption('--cloud <dir>', 'the encrypted mirror: a sync folder, a share, an empty folder, "dropbox", or s3://BUCKET/PREFIX')
    .option('--backup <dir>', 'where backups go (a USB drive, a NAS share, or s3://BUCKET/PREFIX)')
    .option('--recovery-key-out <file>', 'also write the recovery key to this new file, alone on one line')
    .action(async (o: Options) => {
      const engine = ctx.engine();
      if (o.recoveryKeyOut) {
        await checkKeyOut(o.recoveryKeyOut);
        await engine.checkRecoveryKeyPlace(o.recoveryKeyOut, {
          vaultDir: o.vault,
          ...(o.cloud !== 'dropbox' && !o.cloud.startsWith('s3:') ? { cloudDir: o.cloud } : {}),
          ...(o.backup && !o.backup.startsWith('s3:') ? { backupDir: o.backup } : {}),
        });
      }
      const passphrase = await newPassphrase(ctx.io, 'CASEVAULT_PASSPHRASE');
      const cloud = cloudOption(o.cloud);
      const dropbox = await dropboxSignIn(ctx, cloud);
      const { recoveryKey } = await engine.init({
        vaultDir: resolve(o.vault),
        cloud,
        ...(dropbox ? { dropbox } : {}),
        ...(o.backup ? { backupDir: backupOption(o.backup) } : {}),
        passphrase,
      });
      if (o.recoveryKeyOut) {
        await writeKeyOut(o.recoveryKeyOut, recoveryKey);
        await engine.confirmRecoveryKey(recoveryKey); // the person chose where it is kept: nothing asks them to type it back
      }
      ctx.out('Vault created.');
      ctx.out(`  Vault folder: ${resolve(o.vault)}`);
      ctx.out(`  Cloud copy:   ${cloud.kind === 'dropbox' ? 'Dropbox' : cloud.kind === 's3' ? o.cloud : cloud.dir}`);
      ctx.out();
      ctx.out('Recovery key (shown only now: print it or write it down, and keep it away from this computer):');
      ctx.out();
      ctx.out(`  ${recoveryKey}`);
      ctx.out();
      ctx.out('It opens the vault if the passphrase is forgotten. Without the passphrase or this key, nobody can open the vault, not even us.');
      if (!o.recoveryKeyOut) ctx.out('Once it is written down, check it with `casevault recovery-key --confirm`.');
      ctx.out('Next: run `casevault sync` to encrypt the vault folder into the cloud copy.');
      done(0);
    });
}
