import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Ctx } from '../context.js';
import { calendarDayText, fileCount, type CaseInfo } from '../../contract/index.js';

function years(v: string): number {
  if (!/^\d{1,3}$/.test(v) || Number(v) < 1 || Number(v) > 100) throw new InvalidArgumentError('a whole number of years from 1 to 100 is needed');
  return Number(v);
}

/** One line of the cases list, for a person, with the days in the computer's locale. */
function caseLine(c: CaseInfo, locale: string): string {
  const day = (d: string) => calendarDayText(d, locale);
  const state = c.past ? 'PAST RETENTION' : c.dueSoon ? 'due soon' : '';
  const basis =
    c.basis === 'closed'
      ? `closed ${day(c.closed!)}`
      : c.changedSinceClosed
        ? `newest file ${day(c.newestFile)}, changed since closed ${day(c.closed!)}`
        : `newest file ${day(c.newestFile)}`;
  return `${state.padEnd(14)}  due ${day(c.due).padEnd(12)}  (${basis.padEnd(24)})  ${c.name}${c.kind === 'folder' ? '/' : ''}  ${fileCount(c.files)}`;
}

export function retentionCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('retention')
    .description(
      'list the cases (top-level folders and files of the vault) with the day each is due for archiving or deletion; --years sets how long cases are kept',
    )
    .option('--years <n>', 'keep cases this many years after they close (default 6)', years)
    .option('--json', 'machine-readable output')
    .action(async (o: { years?: number; json?: boolean }) => {
      const engine = ctx.engine();
      if (o.years !== undefined) {
        const r = await ctx.unlockedIfNeeded((e) => e.setRetentionYears(o.years!));
        if (o.json) ctx.out(JSON.stringify(r, null, 2));
        else ctx.out(`Cases are now kept ${r.years} ${r.years === 1 ? 'year' : 'years'} after they close.`);
        return done(0);
      }
      const r = await ctx.unlockedIfNeeded((e) => e.retention());
      if (o.json) {
        ctx.out(JSON.stringify(r, null, 2));
        return done(0);
      }
      const locale = engine.locale;
      // A file directly in the vault folder is not a case: listed apart, each kept from its own date (docs/housekeeping.md).
      const cases = r.cases.filter((c) => c.kind === 'folder');
      const loose = r.cases.filter((c) => c.kind === 'file');
      ctx.out(
        `Cases are kept ${r.years} years after they close (or, if not marked closed, after their newest file last changed). Today is ${calendarDayText(r.today, locale)}.`,
      );
      if (cases.length === 0) ctx.out('The vault holds no case folders yet.');
      for (const c of cases) ctx.out(caseLine(c, locale));
      if (loose.length > 0) {
        ctx.out();
        ctx.out(
          `Loose files (directly in the vault folder, not in a case folder; each is kept ${r.years} years from the day it last changed or was marked closed):`,
        );
        for (const c of loose) ctx.out(caseLine(c, locale));
      }
      const changed = r.cases.filter((c) => c.changedSinceClosed);
      if (changed.length > 0) {
        ctx.out();
        for (const c of changed)
          ctx.out(
            `Changed since it was closed: "${c.name}" was marked closed on ${calendarDayText(c.closed!, locale)}, but a file in it changed after that day, so its retention counts from its newest file; close it again (\`casevault close "${c.name}"\`) or reopen it (\`casevault reopen "${c.name}"\`).`,
          );
      }
      if (r.unfinished.length > 0) {
        ctx.out();
        for (const u of r.unfinished)
          ctx.out(
            `Not finished: the ${u.doing === 'delete' ? 'deletion' : 'archiving'} of "${u.case}" was stopped part way; run \`casevault ${u.doing} "${u.case}" --yes\` again to finish it.`,
          );
      }
      const past = r.cases.filter((c) => c.past).length;
      const soon = r.cases.filter((c) => c.dueSoon).length;
      ctx.out();
      ctx.out(
        `${past} past retention (archive them with \`casevault archive NAME --yes\` or delete them with \`casevault delete NAME --yes\`); ${soon} due within ${r.dueSoonDays} days.`,
      );
      done(0);
    });
}
