// `casevault cloud-move`: move the encrypted cloud copy to another folder, to
// Dropbox or to S3 storage (copied, read back, then this computer switches), and, as its
// own confirmed step, delete the old copy. Spec: docs/cloud-move.md.
import type { Command } from 'commander';
import { cloudOption, type Ctx } from '../context.js';
import { dropboxSignIn } from '../connect.js';
import { showProgress } from '../progress-line.js';
import { count, Failure, fileCount, s3Url, type CloudMoveReport, type CloudSpec } from '../../contract/index.js';

interface Options {
  to?: string;
  deleteOld?: boolean;
  yes?: boolean;
}

const place = (described: string) => described.replace(/^folder /, '');

/** The new place as the command takes it, for the other computers' line. */
const asArgument = (to: CloudSpec) => (to.kind === 'folder' ? to.dir : to.kind === 's3' ? s3Url(to) : 'dropbox');

function printMove(ctx: Ctx, r: CloudMoveReport, arg: string): void {
  ctx.out(
    r.joined
      ? `The new place already held this vault: ${r.copied} missing items copied from ${place(r.from)}; ${r.objects} objects read back and checked.`
      : `Copied the cloud copy from ${place(r.from)} to ${place(r.to)}: ${r.objects} objects read back and checked.`,
  );
  ctx.out(`This computer now uses ${place(r.to)}.`);
  if (r.uploadAgain > 0) ctx.out(`${fileCount(r.uploadAgain)} changed here meanwhile; the next sync uploads them again.`);
  if (r.otherComputers > 0) {
    ctx.out();
    ctx.out(
      `${r.otherComputers === 1 ? '1 other computer uses' : `${r.otherComputers} other computers use`} this vault and still ${r.otherComputers === 1 ? 'syncs' : 'sync'} to the old place. Point each at the new one:`,
    );
    ctx.out(`  in the app: Settings, "Move the cloud copy", choosing ${place(r.to)}`);
    ctx.out(`  or: casevault cloud-move --to ${arg}`);
    ctx.out('It finds the copy there, adds what that computer wrote meanwhile, checks it and switches.');
  }
}

export function cloudMoveCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('cloud-move')
    .description(
      'move the encrypted cloud copy to another folder, Dropbox or S3 storage: copy, read back, switch this computer; then, confirmed, delete the old copy',
    )
    .option('--to <place>', 'the new place: a new or empty folder, "dropbox", or s3://BUCKET/PREFIX (a new or empty prefix)')
    .option('--delete-old', 'delete the old copy a move left (with --yes), after every computer uses the new place')
    .option('--yes', 'confirm deleting the old copy')
    .action(async (o: Options) => {
      if (!o.to && !o.deleteOld)
        throw new Failure(
          'usage',
          'say where the cloud copy goes with --to DIR (or --to dropbox, or --to s3://BUCKET/PREFIX), or delete the old copy with --delete-old --yes',
        );
      if (o.deleteOld && !o.yes) throw new Failure('usage', 'deleting the old cloud copy cannot be undone, so it must be confirmed', 'confirm');
      await ctx.unlocked(async (engine) => {
        if (o.to) {
          const to = cloudOption(o.to);
          const dropbox = await dropboxSignIn(ctx, to);
          const stop = showProgress(engine, ctx.io, 'Copying and checking');
          const r = await engine.moveCloud({ to, ...(dropbox ? { dropbox } : {}) }).finally(stop);
          printMove(ctx, r, asArgument(to));
        }
        if (o.deleteOld) {
          const d = await engine.deleteOldCloud();
          ctx.out(`Deleted the old cloud copy in ${place(d.cloud)} (${count(d.deleted, 'item')}).`);
        } else {
          const s = await engine.cloudMoveStatus();
          if (s.oldCopy) {
            ctx.out();
            ctx.out(`The old copy in ${place(s.oldCopy.cloud)} is kept. Once every computer uses the new place, delete it:`);
            ctx.out('  casevault cloud-move --delete-old --yes   (in the app: Settings, "Delete the old copy")');
          }
        }
      });
      done(0);
    });
}
