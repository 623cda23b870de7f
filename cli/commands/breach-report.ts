// `casevault breach-report`: what was on a lost computer at its last sync,
// for the data-protection lead (docs/devices.md). Case names are shown here
// or written to the file chosen, nowhere else.
import { lstat } from 'node:fs/promises';
import type { Command } from 'commander';
import { when, type Ctx } from '../context.js';
import { writeNewFile } from '../../engine/index.js';
import { breachReportHtml, Failure, fileCount } from '../../contract/index.js';

const EXISTS = 'that file already exists; give a new file name for the page';

export function breachReportCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('breach-report')
    .description('what was on a lost computer at its last sync (cases, files, when keys were rotated and the wipe ordered), for the data-protection lead')
    .argument('<name-or-id>', 'the computer, as `casevault devices` lists it')
    .option('--json', 'machine-readable output')
    .option('--html <file>', 'write it as a printable page (a new file)')
    .action(async (ref: string, o: { json?: boolean; html?: string }) => {
      if (o.json && o.html) throw new Failure('usage', 'choose one of --json and --html');
      if (o.html && (await lstat(o.html).catch(() => undefined))) throw new Failure('usage', EXISTS); // before the report is made (and recorded)
      const r = await ctx.unlocked((e) => e.breachReport(ref));
      if (o.html) {
        if (!(await writeNewFile(o.html, breachReportHtml(r), 0o600))) throw new Failure('usage', EXISTS);
        ctx.out(`Written: ${o.html}`);
        return done(0);
      }
      if (o.json) {
        ctx.out(JSON.stringify(r, null, 2));
        return done(0);
      }
      const t = (at: string | null, none: string) => (at ? when(ctx, at) : none);
      ctx.out(`Breach report: the computer ${r.device.name} (device ${r.device.id})`);
      ctx.out(`  Status:             ${r.status}`);
      ctx.out(`  Last sync:          ${t(r.device.lastSync, 'never')}`);
      ctx.out(
        `  On it:              ${r.cases.length} cases${r.casesCut ? ' (more than listed)' : ''}, ${fileCount(r.files)}; newest change ${t(r.newestChange, 'none')}`,
      );
      ctx.out(`  Encrypted at rest:  ${r.encryptedAtRest}`);
      ctx.out(`  Keys rotated:       ${t(r.keysRotatedAt, 'not on this computer')}`);
      ctx.out(`  Marked lost:        ${t(r.markedLostAt, 'no')}`);
      ctx.out(`  Wipe ordered:       ${t(r.wipeOrderedAt, 'no')}`);
      ctx.out(`  Wipe carried out:   ${t(r.wipedAt, r.wipeOrderedAt ? 'not yet' : 'no')}`);
      if (r.recordNotes.length) {
        ctx.out('Its record in the cloud:');
        for (const n of r.recordNotes) ctx.out(`  ${n.charAt(0).toUpperCase()}${n.slice(1)}.`);
        ctx.out("  The cases below join the copy kept here and the cloud's record, so none is left out.");
      }
      ctx.out('Cases:');
      for (const c of r.caseDetails) ctx.out(`  ${c.name}: ${fileCount(c.files)}, newest change ${t(c.newest, 'unknown')}`);
      ctx.out(`Its audit entries in the cloud (${r.audit.length}):`);
      if (r.auditProblem) ctx.out(`  ${r.auditProblem}`);
      for (const a of r.audit) ctx.out(`  ${when(ctx, a.at)}  ${a.event}${a.detail ? `: ${a.detail}` : ''}`);
      done(0);
    });
}
