import { Option, type Command } from 'commander';
import type { Ctx } from '../context.js';
import { unlockSecret } from '../prompt.js';
import { failureOf } from '../../engine/index.js';
import { fileCount, type KeepOrDelete } from '../../contract/index.js';

export function removeCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('remove')
    .description('after a verified handover: remove the vault, its keys and settings from this computer')
    .option('--yes', "confirm: the vault folder's files on this computer are deleted")
    .addOption(new Option('--cloud <what>', 'the encrypted cloud copy: keep it (handed over) or delete it').choices(['keep', 'delete']).default('keep'))
    .addOption(new Option('--backups <what>', 'the backups: keep them (handed over with the drive) or delete them').choices(['keep', 'delete']).default('keep'))
    .action(async (o: { yes?: boolean; cloud: KeepOrDelete; backups: KeepOrDelete }) => {
      const engine = ctx.engine();
      // Deleting a Dropbox copy may need the sign-in stored under the vault's keys (with no settings left, a killed removal is only finished: no vault, no question).
      if (o.yes && o.cloud === 'delete' && (await engine.needsUnlockToConnect().catch(() => false))) await engine.unlock(await unlockSecret(ctx.io));
      const remove = () => engine.removeVault({ yes: !!o.yes, cloud: o.cloud, backups: o.backups });
      // Deleting the cloud copy first reads which computers still use it (their records are sealed): asked for before anything is removed.
      const r = await remove().catch(async (e: unknown) => {
        if (failureOf(e).kind !== 'locked' || engine.unlocked) throw e;
        await engine.unlock(await unlockSecret(ctx.io));
        return remove();
      });
      ctx.out(`The vault is removed from this computer: ${fileCount(r.removedFiles)}, its keys and its settings.`);
      if (r.leftInVaultFolder > 0)
        ctx.out(
          `${r.leftInVaultFolder === 1 ? '1 item was' : `${r.leftInVaultFolder} items were`} left in the vault folder: not part of the handover copy (links, system files or files added since); check them.`,
        );
      ctx.out(
        `Cloud copy: ${r.cloud === 'keep' ? 'kept' : 'deleted'}. Backups: ${r.backups === 'none' ? 'none were set up' : r.backups === 'keep' ? 'kept' : 'deleted'}. Handover copy: ${r.handoverCopy}.`,
      );
      done(0);
    });
}
