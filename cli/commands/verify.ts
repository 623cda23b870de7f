import type { Command } from 'commander';
import { DamagedData } from '../../crypto/errors.js';
import { UsageError } from '../../engine/errors.js';
import { mib, type Ctx } from '../context.js';
import { showProgress } from '../progress-line.js';
import { unlockSecret } from '../prompt.js';
import { verifyBackupAction } from './backup.js';

export function verifyCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('verify')
    .description('read everything back and check it; lists what is bad')
    .option('--cloud', 'check the cloud copy')
    .option('--backup', 'check the backups')
    .option('--quick', 'with --backup: decrypt a random tenth of the packs instead of all')
    .action(async (o: { cloud?: boolean; backup?: boolean; quick?: boolean }) => {
      if (!!o.cloud === !!o.backup) throw new UsageError('say what to check: --cloud or --backup');
      if (o.backup) return verifyBackupAction(ctx, done, o);
      const engine = ctx.engine();
      await engine.unlock(await unlockSecret(ctx.io));
      const stop = showProgress(engine, ctx.io, 'Verifying');
      try {
        const r = await engine.verifyCloud().finally(stop);
        ctx.out(`Checked ${r.checked} objects (${mib(r.bytes)} decrypted): ${r.ok} good, ${r.bad.length} bad, ${r.missing.length} missing.`);
        if (!r.keyFileMatches) ctx.out('The cloud\'s key file differs from this computer\'s copy (or is missing).');
        for (const b of r.bad) ctx.out(`Bad: ${b.object}: ${b.reason}`);
        for (const m of r.missing) ctx.out(`Missing from the cloud: ${m}`);
        if (r.bad.length > 0 || r.missing.length > 0 || !r.keyFileMatches) {
          throw new DamagedData('the cloud copy has damaged, tampered or missing data (listed above); run `casevault sync` to upload the vault\'s files again, and restore anything lost from a backup');
        }
        done(0);
      } finally {
        await engine.lock();
      }
    });
}
