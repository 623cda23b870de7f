import { resolve } from 'node:path';
import type { Command } from 'commander';
import { backupFolderLines } from '../backup-folder-lines.js';
import { backupOption, cloudOption, mib, when, type Ctx } from '../context.js';
import { showProgress } from '../progress-line.js';
import { printable } from '../printable.js';
import { dropboxSignIn } from '../connect.js';
import { escrowPassphrase, unlockSecret } from '../prompt.js';
import { Failure, fileCount, lastChangedText } from '../../contract/index.js';

export function recoverCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('recover')
    .description('on a new computer (fresh CASEVAULT_HOME): rebuild the vault from the cloud copy with the passphrase or recovery key')
    .requiredOption('--cloud <dir>', 'the cloud copy\'s folder, "dropbox", or s3://BUCKET/PREFIX')
    .requiredOption('--vault <dir>', 'a new or empty folder for the vault')
    .option('--escrow-key <file>', "for the union: open the vault with the union's escrow key file (its passphrase from CASEVAULT_ESCROW_PASSPHRASE)")
    .option('--backup <dir>', "the backup folder from before (the old backup drive), or a new one: checked first, then adopted with this vault's backups")
    .option('--escrow-receipt <file>', "with --escrow-key: the vault's escrow receipt, kept by the union since the key was added")
    .option('--vault-fingerprint <fp>', 'with --escrow-key, instead of --escrow-receipt: the vault fingerprint the receipt shows')
    .action(async (o: { cloud: string; vault: string; escrowKey?: string; escrowReceipt?: string; vaultFingerprint?: string; backup?: string }) => {
      if ((o.escrowReceipt || o.vaultFingerprint) && !o.escrowKey) throw new Failure('usage', '--escrow-receipt and --vault-fingerprint go with --escrow-key');
      if (o.escrowKey && !o.escrowReceipt && !o.vaultFingerprint) {
        throw new Failure(
          'usage',
          "--escrow-key needs the vault's escrow receipt (--escrow-receipt FILE) or the vault fingerprint it shows (--vault-fingerprint FP)",
        );
      }
      const pin = {
        ...(o.escrowReceipt ? { escrowReceiptFile: o.escrowReceipt } : {}),
        ...(o.vaultFingerprint ? { vaultFingerprint: o.vaultFingerprint } : {}),
      };
      const secret = o.escrowKey ? { escrowKeyFile: o.escrowKey, escrowPassphrase: await escrowPassphrase(ctx.io), ...pin } : await unlockSecret(ctx.io);
      const cloud = cloudOption(o.cloud);
      const dropbox = await dropboxSignIn(ctx, cloud);
      const engine = ctx.engine();
      const stop = showProgress(engine, ctx.io, 'Recovering');
      const r = await engine
        .recover({ cloud, vaultDir: resolve(o.vault), secret, ...(dropbox ? { dropbox } : {}), ...(o.backup ? { backupDir: backupOption(o.backup) } : {}) })
        .finally(stop);
      ctx.out(`Recovered ${fileCount(r.restored)} (${mib(r.bytes)}) into ${resolve(o.vault)}.`);
      if (r.lastChanged) ctx.out(lastChangedText(r.lastChanged, when(ctx, r.lastChanged.at)));
      if (r.backup) for (const line of backupFolderLines(r.backup)) ctx.out(line);
      for (const f of r.failed) ctx.out(`Not recovered: ${printable(f.object)}: ${f.reason}`);
      const damaged = r.failed.filter((f) => f.damaged).length;
      if (damaged > 0) {
        throw new Failure(
          'damaged',
          `${damaged === 1 ? '1 object' : `${damaged} objects`} in the cloud copy ${damaged === 1 ? 'is' : 'are'} damaged or tampered with and ${damaged === 1 ? 'was' : 'were'} not recovered (listed above); every other file was recovered, and the backups may hold the rest`,
        );
      }
      const unwritten = r.failed.filter((f) => !f.earlierKeys).length;
      if (unwritten > 0) {
        throw new Failure('partial', `${fileCount(unwritten)} could not be recovered here (listed above, each with why); every other file was recovered`);
      }
      if (r.failed.length > 0) {
        throw new Failure(
          'failed',
          `${r.failed.length === 1 ? '1 object' : `${r.failed.length} objects`} in the cloud copy ${r.failed.length === 1 ? 'is' : 'are'} under the keys from before a key rotation and ${r.failed.length === 1 ? 'was' : 'were'} not recovered (listed above): the rotation has not finished re-encrypting the cloud copy on the computer that started it (or they were planted with a lost computer's keys)`,
          'finish-key-rotation',
        );
      }
      done(0);
    });
}
