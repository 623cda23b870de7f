import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { newPassphrase, unlockSecret } from '../prompt.js';

export function passwdCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('passwd')
    .description('change the passphrase (no content is re-encrypted)')
    .action(async () => {
      const engine = ctx.engine();
      await engine.unlock(await unlockSecret(ctx.io));
      try {
        await engine.changePassphrase(await newPassphrase(ctx.io, 'CASEVAULT_NEW_PASSPHRASE'));
      } finally {
        await engine.lock();
      }
      ctx.out('Passphrase changed. Nothing was re-encrypted, and the recovery key still works.');
      done(0);
    });
}
