import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { Failure, type SarProblem, type SarSearchReport, fileCount } from '../../contract/index.js';

/** A relative destination is the terminal's folder's; ~/ is left for the engine (the home folder, also when quoted). */
const terminalPath = (p: string) => (p === '~' || p.startsWith('~/') ? p : resolve(p));

interface SearchOptions {
  reference?: string;
  json?: boolean;
}
interface ExportOptions extends SearchOptions {
  to?: string;
  zip?: string;
  path?: string[];
}

function printSearch(ctx: Ctx, r: SarSearchReport): void {
  ctx.out(`Found ${fileCount(r.hits.length)} (of ${r.searched} searched).`);
  for (const h of r.hits)
    ctx.out(
      `${h.path}  [${h.where.join(', ')}]${h.mayHoldOthers ? `  [may hold other members' data: ${h.mayHoldOthers}]` : ''}${h.snippet ? `  ${h.snippet}` : ''}`,
    );
}

function printProblems(ctx: Ctx, problems: SarProblem[], what: string): void {
  for (const p of problems) ctx.out(`${what}: ${p.path}: ${p.reason}`);
}

export function sarCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  const sar = program.command('sar').description('subject access request: find everything the vault holds about a member, and export it for them');
  sar
    .command('search')
    .description('list the files whose name or text mentions any TERM (a name, reference number or e-mail address; case and accents do not matter)')
    .argument('<term...>', 'what to look for')
    .option('--reference <ref>', "the request's reference, for the audit trail")
    .option('--json', 'machine-readable output')
    .exitOverride()
    .action(async (terms: string[], o: SearchOptions) => {
      const r = await ctx.unlocked((e) => e.sarSearch({ terms, ...(o.reference ? { reference: o.reference } : {}) }));
      if (o.json) ctx.out(JSON.stringify(r, null, 2));
      else {
        printSearch(ctx, r);
        printProblems(ctx, r.unreadable, 'Not searched inside');
      }
      if (r.unreadable.length > 0)
        throw new Failure('partial', `${fileCount(r.unreadable.length)} could not be searched inside (listed above); check them by hand`);
      done(0);
    });
  sar
    .command('export')
    .description(
      "copy the files that mention any TERM (leaving out those that may hold other members' data), or only the --path ones, with a manifest, into a new or empty folder or a new zip file",
    )
    .argument('<term...>', 'what to look for (also written in the manifest)')
    .option('--to <dir>', 'a new or empty folder to copy into')
    .option('--zip <file>', 'a new zip file to write')
    .option(
      '--path <path>',
      "export this vault file (repeat for more); without it every file found is exported except those that may hold other members' data",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--reference <ref>', "the request's reference, written in the manifest and the audit trail")
    .option('--json', 'machine-readable output')
    .exitOverride()
    .action(async (terms: string[], o: ExportOptions) => {
      if (!o.to === !o.zip) throw new Failure('usage', 'say where the export goes with either --to DIR (a folder) or --zip FILE, not both');
      const reference = o.reference ? { reference: o.reference } : {};
      // Without --path, a file that may hold other members' data is left out: the officer names it with --path after checking it.
      const { search, exported } = await ctx.unlocked(async (e) => {
        const found = o.path ? undefined : await e.sarSearch({ terms, ...reference });
        const paths = o.path ?? found!.hits.filter((h) => !h.mayHoldOthers).map((h) => h.path);
        if (paths.length === 0 && (!found || found.hits.length === 0))
          throw new Failure('usage', 'no file mentions those terms, so there is nothing to export; check the spelling or try other terms');
        return {
          search: found,
          exported: paths.length ? await e.sarExport({ terms, paths, ...reference, to: terminalPath((o.to ?? o.zip)!), zip: !!o.zip }) : undefined,
        };
      });
      const leftOut = search?.hits.filter((h) => h.mayHoldOthers) ?? [];
      const problems = (search?.unreadable.length ?? 0) + (exported?.failed.length ?? 0);
      if (o.json) ctx.out(JSON.stringify({ ...(search ? { search } : {}), export: exported ?? null, leftOut: leftOut.map((h) => h.path) }, null, 2));
      else {
        if (search) printSearch(ctx, search);
        if (exported?.leftoversRemoved)
          ctx.out(
            `Removed ${fileCount(exported.leftoversRemoved)} an earlier export left behind when it was stopped part-way (hidden temporary copies of members' data).`,
          );
        if (exported) ctx.out(`Exported ${fileCount(exported.files)} and a manifest to ${exported.to}.`);
        if (leftOut.length)
          ctx.out(`Left out, as ${leftOut.length === 1 ? 'it' : 'they'} may hold other members' data (check, then name any that belong with --path):`);
        for (const h of leftOut) ctx.out(`  ${h.path}: ${h.mayHoldOthers}`);
        if (search) printProblems(ctx, search.unreadable, 'Not searched inside');
        if (exported) printProblems(ctx, exported.failed, 'Not exported');
      }
      if (!exported)
        throw new Failure(
          'usage',
          "every file found may hold other members' data, so nothing was exported; check them (listed above) and name the ones to export with --path",
        );
      if (problems > 0)
        throw new Failure('partial', `${fileCount(problems)} could not be read (listed above); everything else was exported, so check those by hand`);
      done(0);
    });
}
