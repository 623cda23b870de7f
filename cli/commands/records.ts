import type { Command } from 'commander';
import { mib, when, type Ctx } from '../context.js';
import { writeNewFile } from '../../engine/index.js';
import { Failure } from '../../contract/index.js';

export function recordsCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('records')
    .description('the backup record and the asset record the data-protection policy asks for (where the copies are, how they are protected)')
    .option('--json', 'machine-readable output')
    .option('--html <file>', 'write them as a printable page (a new file)')
    .action(async (o: { json?: boolean; html?: string }) => {
      const engine = ctx.engine();
      if (o.html) {
        if (!(await writeNewFile(o.html, await engine.recordsHtml(), 0o644)))
          throw new Failure('usage', 'that file already exists; give a new file name for the page');
        ctx.out(`Written: ${o.html}`);
        return done(0);
      }
      const r = await engine.records();
      if (o.json) {
        ctx.out(JSON.stringify(r, null, 2));
        return done(0);
      }
      const b = r.backup;
      ctx.out('Backup record');
      ctx.out(`  What:         ${b.what.vaultFolder}: ${b.what.files} files, ${mib(b.what.bytes)}`);
      ctx.out(`  Where:        ${b.where ?? 'no backup folder is set up'}`);
      ctx.out(`  How often:    ${b.howOften}`);
      ctx.out(`  Kept:         ${b.retention.inWords}`);
      ctx.out(`  Last success: ${b.lastSuccess ? when(ctx, b.lastSuccess) : 'never'}`);
      ctx.out(`  Last failure: ${b.lastFailure ? `${when(ctx, b.lastFailure.at)}: ${b.lastFailure.reason}` : 'none recorded'}`);
      ctx.out(`  Overdue:      ${b.overdue ? (b.lastSuccess ? 'yes' : 'yes (no backup has been taken yet)') : 'no'}`);
      ctx.out('Asset record');
      for (const c of r.assets.copies) ctx.out(`  ${c.where}: ${c.location} (${c.details})`);
      ctx.out('Encryption');
      for (const e of r.assets.encryption) ctx.out(`  - ${e}`);
      done(0);
    });
}
