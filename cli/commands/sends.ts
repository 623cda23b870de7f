// `casevault sends`: the record of packages sent securely from this computer
// (to whom, when, every file's name, size and SHA-256), for subject access
// requests and breach reports. Needs the passphrase: the record is sealed.
import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { Failure, fileCount } from '../../contract/index.js';

export function sendsCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('sends')
    .description('the packages sent securely from this computer: when, to whom, and every file (needs the passphrase)')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const r = await ctx.unlocked((e) => e.sentPackages());
      if (o.json) ctx.out(JSON.stringify(r, null, 2));
      else {
        if (r.packages.length === 0) ctx.out('No packages have been sent from this computer.');
        for (const p of r.packages) {
          ctx.out(
            `${p.at}  package ${p.id} to ${p.to ?? '(not named)'}: ${fileCount(p.files.length)} in ${p.out}${p.expires ? `, to be opened by ${p.expires}` : ''}`,
          );
          for (const f of p.files) ctx.out(`  ${f.name}  ${f.size} bytes  SHA-256 ${f.sha256}`);
        }
      }
      if (r.unreadable > 0)
        throw new Failure(
          'damaged',
          `${r.unreadable === 1 ? '1 record' : `${r.unreadable} records`} of packages sent could not be read (damaged or altered); the audit trail lists every package sent`,
        );
      done(0);
    });
}
