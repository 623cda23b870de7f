import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { checkKeyOut, writeKeyOut } from '../context.js';
import { newPassphrase, unlockSecret } from '../prompt.js';

interface Options {
  recoveryKeyOut?: string;
}

export function rotateKeysCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('rotate-keys')
    .description(
      'a computer with the vault was lost: new vault keys, passphrase and recovery key, and the cloud copy re-encrypted (run it again to finish one that was interrupted)',
    )
    .option('--recovery-key-out <file>', 'also write the new recovery key to this new file, alone on one line')
    .action(async (o: Options) => {
      const engine = ctx.engine();
      if (o.recoveryKeyOut) {
        await checkKeyOut(o.recoveryKeyOut);
        await engine.checkRecoveryKeyPlace(o.recoveryKeyOut);
      }
      const resuming = (await engine.status()).keyRotation === 'interrupted';
      if (resuming) ctx.out('A key rotation on this computer did not finish; finishing it now with the new passphrase chosen then.');
      else await engine.unlock(await unlockSecret(ctx.io));
      try {
        const r = await engine.rotateKeys({ newPassphrase: await newPassphrase(ctx.io, 'CASEVAULT_NEW_PASSPHRASE') });
        ctx.out('The vault has new keys: the old passphrase and recovery key no longer open it.');
        if (r.recoveryKey) {
          if (o.recoveryKeyOut) {
            await writeKeyOut(o.recoveryKeyOut, r.recoveryKey);
            await engine.confirmRecoveryKey(r.recoveryKey); // kept where the person chose
          }
          ctx.out();
          ctx.out('New recovery key (shown only now: print it or write it down, and keep it away from this computer):');
          ctx.out();
          ctx.out(`  ${r.recoveryKey}`);
          ctx.out();
          if (!o.recoveryKeyOut) ctx.out('Once it is written down, check it with `casevault recovery-key --confirm`.');
        } else ctx.out('The new recovery key is the one shown when this rotation started.');
        if (r.backups === 'later') ctx.out('The backup drive was not connected: its key moves to the new keys at the next backup.');
        if (r.backups === 'rewrapped') ctx.out('The backup folder now opens with the new keys; older backups stay readable.');
        ctx.out('Re-encrypting the cloud copy under the new keys...');
        const f = await engine.finishKeyRotation();
        ctx.out(`Cloud copy re-encrypted: ${f.reencrypted} objects under the new keys, their old copies deleted.`);
        if (f.failed.length > 0) {
          ctx.out(`${f.failed.length} cloud objects could not be read under any of the vault's keys (damaged or not this vault's).`);
          if (f.reuploaded > 0)
            ctx.out(
              `  ${f.reuploaded} of them held files of this computer's vault folder: moved to the cloud trash, and the files are uploaded again at the next sync.`,
            );
          if (f.failed.length > f.reuploaded)
            ctx.out(
              `  ${f.failed.length - f.reuploaded} were left as they are; \`casevault verify --cloud\` lists them (restore what they held from a backup).`,
            );
        }
        ctx.out('Other computers using the vault: unlock each once with the new passphrase.');
        ctx.out("If the cloud copy is in Dropbox: in Dropbox's settings, remove Casevault from the connected apps, then sign in again here.");
        done(f.failed.length > 0 ? 3 : 0);
      } finally {
        await engine.lock();
      }
    });
}
