import type { Command } from 'commander';
import { mib, type Ctx } from '../context.js';
import { printable } from '../printable.js';
import { showProgress } from '../progress-line.js';
import { count, Failure } from '../../contract/index.js';

export function verifyCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('verify')
    .description('read everything back and check it; lists what is bad')
    .option('--cloud', 'check the cloud copy')
    .option('--backup', 'check the backups')
    .option('--quick', 'with --backup: decrypt a random tenth of the packs instead of all')
    .action(async (o: { cloud?: boolean; backup?: boolean; quick?: boolean }) => {
      if (!!o.cloud === !!o.backup) throw new Failure('usage', 'say what to check: --cloud or --backup');
      if (o.backup) return verifyBackup(ctx, done, !!o.quick);
      const r = await ctx.unlocked((engine) => {
        const stop = showProgress(engine, ctx.io, 'Verifying');
        return engine.verifyCloud().finally(stop);
      });
      ctx.out(`Checked ${count(r.checked, 'object')} (${mib(r.bytes)} decrypted): ${r.ok} good, ${r.bad.length} bad, ${r.missing.length} missing.`);
      const keyFileChanged = !r.keyFileMatches && r.keyFileAuthentic === true; // genuine: a passphrase or recovery key changed on another computer, or here by a run killed between the two key files
      if (keyFileChanged) {
        ctx.out(
          "The cloud's key file differs from this computer's copy but is genuine: the passphrase or recovery key was changed on another computer, or here by a `casevault passwd` or `recovery-key --new` that did not finish (run it again), or an earlier copy was put back. This computer still opens the vault with its own passphrase.",
        );
      } else if (!r.keyFileMatches) ctx.out("The cloud's key file is missing, or differs from this computer's copy and is not genuine.");
      for (const b of r.bad) ctx.out(`Bad: ${printable(b.object)}: ${b.reason}`);
      for (const m of r.missing) ctx.out(`Missing from the cloud: ${m}`);
      if (r.bad.length === 0 && r.missing.length === 0 && !r.keyFileMatches && !keyFileChanged) {
        throw new Failure(
          'damaged',
          "the cloud's key file is missing or not this vault's genuine key file (sync refuses to write under it)",
          'restore-cloud-key-file',
        );
      }
      if (r.bad.length > 0 || r.missing.length > 0 || (!r.keyFileMatches && !keyFileChanged)) {
        throw new Failure(
          'damaged',
          "the cloud copy has damaged, tampered or missing data (listed above); run `casevault sync` to upload the vault's files again, and restore anything lost from a backup",
        );
      }
      done(0);
    });
}

/** `verify --backup [--quick]`. */
async function verifyBackup(ctx: Ctx, done: (code: number) => void, quick: boolean): Promise<void> {
  const r = await ctx.unlocked((engine) => {
    const stop = showProgress(engine, ctx.io, 'Verifying the backups');
    return engine.verifyBackup({ quick }).finally(stop);
  });
  ctx.out(
    `Checked ${count(r.snapshots, 'snapshot')} and ${count(r.packs, 'pack')}${r.quick ? ` (data of ${count(r.packsRead, 'sampled pack')})` : ''}: ${count(r.blobs, 'chunk')}, ${mib(r.bytes)} decrypted; ${count(r.bad.length, 'problem')}.`,
  );
  for (const b of r.bad) ctx.out(`Bad: ${printable(b.item)}: ${b.reason}`);
  for (const s of r.damagedSnapshots) ctx.out(`Snapshot ${s} needs damaged or missing data: restoring it recovers every other file.`);
  // Healed: taking yet another backup would change nothing; removing the damaged or lost packs is what is left.
  const open = r.bad.filter((b) => !b.healed);
  const replays = open.filter((b) => b.kind === 'replayed').length;
  const strangers = open.filter((b) => b.kind === 'not-a-snapshot').length;
  // Only files put there (a snapshot put back, a file that is not a snapshot): another backup would change nothing; removing them is the way out.
  if (open.length > 0 && replays + strangers === open.length) {
    const prune = replays > 0 ? `run \`casevault forget --prune\` to remove the ${replays === 1 ? 'snapshot' : 'snapshots'} forgotten here and put back` : '';
    const move = strangers > 0 ? `move the ${strangers === 1 ? 'file that is' : 'files that are'} not a snapshot of this backup out of the backup folder` : '';
    throw new Failure(
      'damaged',
      `the backup folder holds items put there that are not its backups (listed above); ${[move, prune].filter(Boolean).join(', then ')}`,
    );
  }
  if (r.bad.length > 0 && r.bad.every((b) => b.healed))
    throw new Failure(
      'damaged',
      'a damaged or missing pack is still in the backup folder or its index, but a later backup stored every chunk of it again, sound, so every snapshot restores in full; the next `casevault forget --prune` removes it (the backup drive altered or lost data: if this happens again, replace the drive)',
    );
  if (r.bad.length > 0)
    throw new Failure(
      'damaged',
      'the backups have damaged, tampered or missing data (listed above); take a new backup now, and keep the damaged drive for the files only it holds',
    );
  done(0);
}
