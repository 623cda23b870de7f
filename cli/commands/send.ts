// `casevault send FILE_OR_FOLDER... --out PACKAGE.html`: a passphrase-
// protected page the recipient opens in any browser. The passphrase comes
// from CASEVAULT_SEND_PASSPHRASE, or Casevault makes one and prints it once.
import { isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import { mib, type Ctx } from '../context.js';
import { Failure, fileCount, type SendReport } from '../../contract/index.js';

interface SendFlags {
  out?: string;
  to?: string;
  expires?: string;
  json?: boolean;
}

function printSent(ctx: Ctx, r: SendReport): void {
  const bytes = r.files.reduce((n, f) => n + f.size, 0);
  ctx.out(`Package written: ${r.out} (${fileCount(r.files.length)}, ${mib(bytes)}; the package is ${mib(r.bytes)}).`);
  for (const f of r.files) ctx.out(`  ${f.name}  ${f.size} bytes  SHA-256 ${f.sha256}`);
  if (r.linksSkipped > 0) ctx.out(`${r.linksSkipped === 1 ? '1 link was' : `${r.linksSkipped} links were`} left out of the folders (links are never sent).`);
  if (r.expires) ctx.out(`The recipient's page asks for it to be opened by ${r.expires}.`);
  if (r.passphrase) ctx.out(`Passphrase (shown once): ${r.passphrase}`);
  ctx.out('Tell the passphrase to the recipient by phone or text message, never in the same e-mail as the package.');
}

export function sendCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('send')
    .description(
      'send files securely: one HTML file the recipient opens in any browser with a passphrase you tell them by phone or text (needs the passphrase)',
    )
    .argument('<file-or-folder...>', 'files and folders to send (a folder keeps its name and its files inside it)')
    .option('--out <file>', 'the package to write: a new file ending in .html, outside the vault folder')
    .option('--to <whom>', 'who it is for, as you would write it in the records (e.g. "J. Patel, Thompsons Solicitors")')
    .option('--expires <date>', "the last day the recipient should open it (YYYY-MM-DD), shown on the recipient's page")
    .option('--json', 'machine-readable output (includes a made passphrase)')
    .exitOverride()
    .action(async (paths: string[], o: SendFlags) => {
      if (!o.out) throw new Failure('usage', 'say where the package goes with --out PACKAGE.html');
      const passphrase = ctx.io.env.CASEVAULT_SEND_PASSPHRASE;
      const r = await ctx.unlocked((e) =>
        e.sendFiles({
          paths: paths.map((p) => resolve(p)),
          out: isAbsolute(o.out!) || o.out!.startsWith('~') ? o.out! : resolve(o.out!), // a relative one is the terminal's folder's
          ...(o.to ? { to: o.to } : {}),
          ...(o.expires ? { expires: o.expires } : {}),
          ...(passphrase ? { passphrase } : {}),
        }),
      );
      if (o.json) ctx.out(JSON.stringify(r, null, 2));
      else printSent(ctx, r);
      done(0);
    });
}
