import type { Command } from 'commander';
import { connectCloud } from '../connect.js';
import { mib, type Ctx } from '../context.js';
import { showProgress } from '../progress-line.js';
import { Failure, foldersAndFiles } from '../../contract/index.js';

export function syncCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('sync')
    .description('one pass: encrypt new and changed files into the cloud copy; exits 0 once the cloud mirrors the vault')
    .action(async () => {
      const engine = ctx.engine();
      await connectCloud(ctx, engine);
      const stop = showProgress(engine, ctx.io, 'Syncing');
      const r = await engine.sync().finally(stop);
      ctx.out(`Synced: ${r.uploaded} uploaded (${mib(r.bytesUploaded)}), ${r.deleted} moved to the cloud trash, ${r.unchanged} unchanged.`);
      if (r.repaired > 0)
        ctx.out(`${r.repaired === 1 ? '1 of them was' : `${r.repaired} of them were`} unchanged but missing or damaged in the cloud, and uploaded again.`);
      if (r.skippedLinks > 0)
        ctx.out(`${r.skippedLinks === 1 ? '1 symbolic link was' : `${r.skippedLinks} symbolic links were`} not followed (only real files are synced).`);
      for (const c of r.conflicts) ctx.out(`Changed on another computer too: ${c.path}: this computer's version is kept in the cloud as "${c.keptAs}".`);
      for (const f of r.failed) ctx.out(`Not synced: ${f.path}: ${f.reason}`);
      if (r.rolledBack) {
        // Not accepted silently: the newer files are back in the cloud now, but someone put an older copy there.
        throw new Failure('damaged', `${r.rolledBack}; this computer's files were uploaded again, so the cloud holds their newer versions`, 'verify-cloud');
      }
      if (r.failed.length > 0) {
        const what = foldersAndFiles(r.unreadableFolders, r.failed.length - r.unreadableFolders);
        throw new Failure('partial', `${what} could not be synced (listed above); fix what the list says, then run sync again`);
      }
      done(0);
    });
}
