// `casevault cloud-key-file --put-back`: the cloud holds no key file of this
// vault, or a damaged, old or forged one: put this computer's copy there,
// then `casevault sync` sends every file again (a cloud copy that was emptied
// or reset is rebuilt from this computer). Another vault's is never written over.
import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { Failure } from '../../contract/index.js';

export function cloudKeyFileCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('cloud-key-file')
    .description("put this computer's copy of the key file back into the cloud copy, where it has none of this vault or a damaged one")
    .option('--put-back', "put this computer's key file back into the cloud copy")
    .action(async (o: { putBack?: boolean }) => {
      if (!o.putBack) throw new Failure('usage', "give --put-back to put this computer's key file back into the cloud copy");
      const r = await ctx.engine().putBackCloudKeyFile();
      ctx.out(
        r.put
          ? `This computer's key file is back in the cloud copy (${r.cloud}); run \`casevault sync\` to send every file there again.`
          : `The cloud copy (${r.cloud}) holds this computer's key file already; nothing was changed.`,
      );
      done(0);
    });
}
