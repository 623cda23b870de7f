import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { when, type Ctx } from '../context.js';
import { writeNewFile } from '../../engine/index.js';
import { Failure } from '../../contract/index.js';

const EXISTS = 'the export file already exists; choose a new file name (nothing was overwritten)';

export function auditCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('audit')
    .description('the audit trail: unlocks, failed unlocks, restores, recoveries, deletions, key changes')
    .option('--verify', 'check that no entry was edited, removed, reordered or inserted (no passphrase needed)')
    .option('--json', 'machine-readable output')
    .option('--reviewed', 'record that you have reviewed who can open this vault (the reminder starts again)')
    .option('--csv <file>', 'export the whole trail as a CSV file (for a spreadsheet)')
    .option('--html <file>', 'export the whole trail as a printable page (print it or save it as PDF), with the chain check in its header')
    .option('--others', 'the trails other computers of this vault (or, in a handover copy, the predecessor) left in the cloud, each checked')
    .action(async (o: { verify?: boolean; json?: boolean; csv?: string; html?: string; reviewed?: boolean; others?: boolean }) => {
      const engine = ctx.engine();
      if (o.reviewed) {
        const s = await engine.recordAccessReview();
        ctx.out(`Access review recorded. The next one is due in ${s.accessReviewMonths} months.`);
        return done(0);
      }
      if (o.verify) {
        const r = await engine.auditVerify();
        if (o.json) ctx.out(JSON.stringify(r, null, 2));
        else if (r.ok) ctx.out(`The audit trail is intact: ${r.entries} entries.`);
        if (!r.ok) throw tampered(r.problem);
        return done(0);
      }
      const exportTo = o.csv ?? o.html;
      if (o.csv && o.html) throw new Failure('usage', 'export one format at a time: --csv FILE or --html FILE');
      if (exportTo && existsSync(exportTo)) throw new Failure('usage', EXISTS); // asked before the passphrase, and again at the write
      if (exportTo) {
        const r = await ctx.unlocked((e) => e.auditExport({ format: o.csv ? 'csv' : 'html' }));
        if (!(await writeNewFile(resolve(exportTo), r.text))) throw new Failure('usage', EXISTS);
        ctx.out(`Exported ${r.entries} entries to ${exportTo}.`);
        return done(0);
      }
      if (o.others) {
        const trails = await ctx.unlocked((e) => e.otherAuditTrails());
        if (o.json) ctx.out(JSON.stringify(trails, null, 2));
        else if (trails.length === 0) ctx.out('No other computer has left an audit trail in the cloud copy.');
        for (const t of o.json ? [] : trails) {
          ctx.out(
            `Computer ${t.device.slice(0, 8)}: ${t.entries.length} entries; ${t.ok ? 'the chain is intact' : `NOT intact: ${t.problem}`}${t.earlierKeys ? " (written under the vault's keys from before they were rotated)" : ''}`,
          );
          for (const e of t.entries) ctx.out(`  ${when(ctx, e.at)}  ${e.event}${e.detail ? `: ${e.detail}` : ''}`);
        }
        return done(trails.every((t) => t.ok) ? 0 : 3);
      }
      // The listing carries the chain's check: the entries as they read (the JSON stays the array scripts read), then the verdict on stderr, exit 3.
      const check = await engine.auditVerify();
      const entries = await ctx
        .unlocked((e) => e.auditEntries())
        .catch((e: unknown) => {
          // An entry that cannot be decrypted (edited or forged) where the chain check found the trail tampered with: that is the sentence to give.
          throw !check.ok && e instanceof Error && e.name === 'DamagedData' ? tampered(check.problem) : e;
        });
      if (o.json) ctx.out(JSON.stringify(entries, null, 2));
      else for (const e of entries) ctx.out(`${when(ctx, e.at)}  ${e.event}${e.detail ? `: ${e.detail}` : ''}`);
      if (!check.ok) throw tampered(check.problem);
      done(0);
    });
}

function tampered(problem: string | undefined): Failure {
  return new Failure(
    'damaged',
    `the audit trail has been tampered with or damaged: ${problem ?? 'it failed its check'}; keep this copy as evidence and compare it with the cloud's copy (audit/ in the cloud folder)`,
  );
}
