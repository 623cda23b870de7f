import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { nextStepText } from '../next-steps.js';
import { newPassphrase } from '../prompt.js';

export function escrowCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  const escrow = program.command('escrow').description("the union's escrow key: lets the union open this vault when its officer cannot");

  escrow
    .command('keygen')
    .description("for the union's data-protection officer: make the union's escrow key pair (FILE, and FILE.pub to hand out)")
    .requiredOption('--out <file>', 'a new file for the escrow key (its secret half is protected by a passphrase)')
    .action(async (o: { out: string }) => {
      const passphrase = await newPassphrase(ctx.io, 'CASEVAULT_ESCROW_PASSPHRASE');
      const r = await ctx.engine().escrowKeygen(o.out, passphrase);
      ctx.out('Escrow key made.');
      ctx.out(`  Escrow key (keep it safe, with its passphrase): ${r.keyFile}`);
      ctx.out(`  Public key (give this to officers):             ${r.publicFile}`);
      ctx.out();
      ctx.out(`Fingerprint: ${r.fingerprint}`);
      ctx.out();
      ctx.out('Tell each officer this fingerprint yourself (by phone or in person): they type it when adding the key.');
      done(0);
    });

  escrow
    .command('add')
    .description("add the union's escrow public key to this vault, once you have confirmed its fingerprint with the union")
    .requiredOption('--public-key <file>', "the union's escrow public key file")
    .requiredOption('--fingerprint <fp>', 'the fingerprint the union told you')
    .option('--receipt <file>', 'a new file for the escrow receipt, for the union to keep with its escrow key')
    .action(async (o: { publicKey: string; fingerprint: string; receipt?: string }) => {
      const r = await ctx.unlocked((engine) => engine.escrowAdd(o.publicKey, o.fingerprint, o.receipt));
      ctx.out(`The union's escrow key (${r.fingerprint}) is added: the union can now open this vault if you cannot.`);
      ctx.out(`Give the union the escrow receipt${r.receiptFile ? ` (${r.receiptFile})` : ''}, or this vault fingerprint, to keep with its key:`);
      ctx.out(`  ${r.vaultFingerprint}`);
      ctx.out('Opening the vault with the escrow key needs it: a key file that does not match it is refused.');
      done(0);
    });

  escrow
    .command('remove')
    .description("remove the union's escrow key from this vault")
    .action(async () => {
      const r = await ctx.unlocked((engine) => engine.escrowRemove());
      if (!r.removed) ctx.out('This vault has no escrow key; nothing was changed.');
      else {
        ctx.out("The escrow key is removed from this vault's key file, here and in the cloud copy.");
        ctx.out("Earlier copies of the key file (the cloud's version history, backups, handover copies) still open this vault with the union's key.");
        if (r.next) ctx.out(`To stop them opening the cloud copy from here on, ${nextStepText(r.next)}.`);
      }
      done(0);
    });

  escrow
    .command('show')
    .description('whether this vault has an escrow key, and its fingerprint')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const r = await ctx.engine().escrowShow();
      if (o.json) ctx.out(JSON.stringify(r));
      else if (!r) ctx.out('This vault has no escrow key.');
      else {
        ctx.out(`Escrow key fingerprint: ${r.fingerprint}`);
        ctx.out(`Vault fingerprint (what the union's escrow receipt pins): ${r.vaultFingerprint}`);
      }
      done(0);
    });
}
