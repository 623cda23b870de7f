import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { newPassphrase } from '../prompt.js';

export function passwdCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('passwd')
    .description('change the passphrase (no content is re-encrypted)')
    .action(async () => {
      await ctx.unlocked(async (engine) => engine.changePassphrase(await newPassphrase(ctx.io, 'CASEVAULT_NEW_PASSPHRASE')));
      ctx.out('Passphrase changed. Nothing was re-encrypted, and the recovery key still works.');
      done(0);
    });
}
