import type { Command } from 'commander';
import { DamagedData } from '../../crypto/errors.js';
import type { Ctx } from '../context.js';
import { unlockSecret } from '../prompt.js';

export function auditCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('audit')
    .description('the audit trail: unlocks, failed unlocks, restores, recoveries, deletions, key changes')
    .option('--verify', 'check that no entry was edited, removed, reordered or inserted (no passphrase needed)')
    .option('--json', 'machine-readable output')
    .action(async (o: { verify?: boolean; json?: boolean }) => {
      const engine = ctx.engine();
      if (o.verify) {
        const r = await engine.auditVerify();
        if (o.json) ctx.out(JSON.stringify(r, null, 2));
        else if (r.ok) ctx.out(`The audit trail is intact: ${r.entries} entries.`);
        if (!r.ok) throw new DamagedData(`the audit trail has been tampered with or damaged: ${r.problem}; keep this copy as evidence and compare it with the cloud's copy (audit/ in the cloud folder)`);
        return done(0);
      }
      await engine.unlock(await unlockSecret(ctx.io));
      try {
        const entries = await engine.auditEntries();
        if (o.json) ctx.out(JSON.stringify(entries, null, 2));
        else for (const e of entries) ctx.out(`${e.at}  ${e.event}${e.detail ? `: ${e.detail}` : ''}`);
      } finally {
        await engine.lock();
      }
      done(0);
    });
}
