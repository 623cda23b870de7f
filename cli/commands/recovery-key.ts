// `casevault recovery-key`: type the recovery key back (--confirm), so the
// vault's health stops asking whether it was kept; or replace it (--new),
// which the person confirms first (--yes: the key they hold stops working).
import type { Command } from 'commander';
import { Failure } from '../../contract/index.js';
import { checkKeyOut, writeKeyOut, type Ctx } from '../context.js';
import { askHidden } from '../prompt.js';

interface Options {
  confirm?: boolean;
  new?: boolean;
  yes?: boolean;
  recoveryKeyOut?: string;
}

/** The words to check: CASEVAULT_RECOVERY_KEY, or typed without echo. */
async function typedKey(ctx: Ctx): Promise<string> {
  const fromEnv = ctx.io.env.CASEVAULT_RECOVERY_KEY;
  if (fromEnv) return fromEnv;
  if (!ctx.io.stdin.isTTY) throw new Failure('usage', 'no recovery key given: set CASEVAULT_RECOVERY_KEY, or run the command in a terminal to type it');
  return askHidden(ctx.io, 'Recovery key (the 27 words): ');
}

export function recoveryKeyCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('recovery-key')
    .description('type the recovery key back to confirm it is kept (--confirm), or replace it with a new one (--new --yes)')
    .option('--confirm', 'check the recovery key you kept opens this vault (CASEVAULT_RECOVERY_KEY, or typed without echo)')
    .option('--new', 'make a new recovery key; the one you hold stops working')
    .option('--yes', 'confirm --new')
    .option('--recovery-key-out <file>', 'with --new: also write the new key, alone on one line, to this new file (then it counts as kept)')
    .action(async (o: Options) => {
      if (!!o.confirm === !!o.new) throw new Failure('usage', 'say what to do: --confirm (type the key back) or --new (replace it)');
      if (o.confirm) {
        if (o.recoveryKeyOut || o.yes) throw new Failure('usage', '--recovery-key-out and --yes go with --new only');
        await ctx.engine().confirmRecoveryKey(await typedKey(ctx));
        ctx.out('Recovery key confirmed: it opens this vault. Keep it where it is, away from this computer.');
        return done(0);
      }
      if (!o.yes) throw new Failure('usage', 'the recovery key you hold stops working once a new one is made', 'confirm');
      const engine = ctx.engine();
      if (o.recoveryKeyOut) {
        await checkKeyOut(o.recoveryKeyOut);
        await engine.checkRecoveryKeyPlace(o.recoveryKeyOut);
      }
      const { recoveryKey } = await ctx.unlocked((e) => e.newRecoveryKey());
      ctx.out('New recovery key (shown only now: print it or write it down, and keep it away from this computer):');
      ctx.out();
      ctx.out(`  ${recoveryKey}`);
      ctx.out();
      ctx.out('The earlier recovery key no longer opens the vault.');
      if (o.recoveryKeyOut) {
        await writeKeyOut(o.recoveryKeyOut, recoveryKey);
        await engine.confirmRecoveryKey(recoveryKey);
        ctx.out(`It is also in ${o.recoveryKeyOut}: move that file somewhere safe, away from this computer.`);
      } else ctx.out('Once it is written down, check it with `casevault recovery-key --confirm`.');
      done(0);
    });
}
