import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { checkKeyOut, mib, writeKeyOut, type Ctx } from '../context.js';
import { showProgress } from '../progress-line.js';
import { writeNewFile } from '../../engine/index.js';
import { newPassphrase } from '../prompt.js';
import { Failure, fileCount } from '../../contract/index.js';

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

interface Options {
  to: string;
  escrowPublicKey?: string;
  fingerprint?: string;
  escrowReceipt?: string;
  recoveryKeyOut?: string;
  sheet?: string;
  madeBy?: string;
}

/** The archives of closed cases left in the backup folder: not in the copy, handed over with the drive. */
export function archivesLine(n: number, folder: string | undefined): string {
  return (
    `The vault also has ${n === 1 ? '1 archive' : `${n} archives`} of closed cases in its backup folder${folder ? ` (${folder})` : ''}, not in this copy: ` +
    `keep the backup drive and hand it over with the copy; ${n === 1 ? 'it opens' : 'they open'} with this vault's current passphrase or recovery key, not your successor's.`
  );
}

export function handoverCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('handover')
    .description('leaving the role: write a complete copy of the vault, with its own new passphrase, for your successor, and check it')
    .requiredOption('--to <dir>', 'a new or empty folder for the copy (a USB drive, for instance)')
    .option('--escrow-public-key <file>', 'also let the union open the copy with its escrow key')
    .option('--fingerprint <fp>', "the escrow key's fingerprint, as the union told you")
    .option('--escrow-receipt <file>', 'with --escrow-public-key: a new file for the escrow receipt of the copy, for the union to keep')
    .option('--recovery-key-out <file>', "also write the successor's recovery key to this new file, alone on one line")
    .option('--sheet <file>', 'also write the handover sheet for the successor (a printable page, no secret on it) to this new file')
    .option('--made-by <name>', "your name, printed on the handover sheet (else this computer's name)")
    .action(async (o: Options) => {
      if (!!o.escrowPublicKey !== !!o.fingerprint) throw new Failure('usage', '--escrow-public-key and --fingerprint go together: give both, or neither');
      if (o.escrowReceipt && !o.escrowPublicKey) throw new Failure('usage', '--escrow-receipt goes with --escrow-public-key');
      if (o.recoveryKeyOut) await checkKeyOut(o.recoveryKeyOut);
      if (o.sheet && (await exists(o.sheet))) throw new Failure('usage', 'the --sheet file already exists; give a new file name for the handover sheet');
      const report = await ctx.unlocked(async (engine) => {
        const passphrase = await newPassphrase(ctx.io, 'CASEVAULT_NEW_PASSPHRASE');
        const stop = showProgress(engine, ctx.io, 'Copying and checking');
        return engine
          .handover({
            to: resolve(o.to),
            passphrase,
            ...(o.escrowPublicKey && o.fingerprint
              ? { escrow: { publicKeyFile: o.escrowPublicKey, fingerprint: o.fingerprint, ...(o.escrowReceipt ? { receiptFile: o.escrowReceipt } : {}) } }
              : {}),
          })
          .finally(stop);
      });
      ctx.out(`Handover copy made and checked: ${fileCount(report.files)} (${mib(report.bytes)}) in ${resolve(o.to)}.`);
      if (report.archivesNotInCopy > 0) ctx.out(archivesLine(report.archivesNotInCopy, report.backupFolder));
      if (report.escrowFingerprint) {
        ctx.out(`The union's escrow key (${report.escrowFingerprint}) opens it too.`);
        ctx.out(
          `Give the union the copy's escrow receipt${report.escrowReceiptFile ? ` (${report.escrowReceiptFile})` : ''}, or this vault fingerprint, to keep with its key:`,
        );
        ctx.out(`  ${report.escrowVaultFingerprint}`);
      }
      ctx.out();
      ctx.out('Your successor opens it on their computer with the new passphrase, in the Casevault app: on its first screen,');
      ctx.out('"Already have a vault? Recover it on this computer", with this folder as the cloud folder and a new folder for the vault.');
      ctx.out(`(On the command line: casevault recover --cloud ${resolve(o.to)} --vault NEW-FOLDER)`);
      ctx.out();
      ctx.out('Recovery key for your successor (shown only now: give it to them on paper, apart from the copy):');
      ctx.out();
      ctx.out(`  ${report.recoveryKey}`);
      ctx.out();
      ctx.out('When they have it, remove the vault from this computer with `casevault remove --yes`.');
      // After the key is on the screen: a failure here cannot lose it.
      if (o.recoveryKeyOut) await writeKeyOut(o.recoveryKeyOut, report.recoveryKey);
      if (o.sheet) {
        const { html } = await ctx.engine().handoverSheet(o.madeBy);
        if (!(await writeNewFile(o.sheet, html, 0o644)))
          throw new Failure('usage', 'the --sheet file already exists; give a new file name for the handover sheet');
        ctx.out(`The handover sheet for your successor (print it; it holds no passphrase or key): ${resolve(o.sheet)}`);
      }
      done(0);
    });
}
