// `casevault devices`: the computers using this vault, and marking one lost
// (ordering its wipe) or found again (docs/devices.md). Needs the vault
// unlocked: the records are sealed.
import type { Command } from 'commander';
import { when, type Ctx } from '../context.js';
import { Failure, recordNotes, type DeviceInfo } from '../../contract/index.js';

function line(ctx: Ctx, d: DeviceInfo): string {
  const state =
    d.status === 'wiped'
      ? `lost; wiped on ${when(ctx, d.wipedAt!)}`
      : d.status === 'lost'
        ? `lost since ${when(ctx, d.orderedAt!)}${d.wipe === 'ordered' ? '; wipe ordered, not yet carried out' : ''}`
        : 'active';
  const seen = d.lastSync ? `last sync ${when(ctx, d.lastSync)}` : 'never synced';
  const notes = [
    d.orderRestored ? 'its order had gone from the cloud and was put back' : '',
    d.earlierKeys ? 'has not synced since the keys were rotated' : '',
    ...recordNotes(d),
  ].filter(Boolean);
  return `${d.this ? '* ' : '  '}${d.name}  (${d.id.slice(0, 8)})  ${state}  ${seen}${d.version ? `  version ${d.version}` : ''}${notes.length ? `  [${notes.join('; ')}]` : ''}`;
}

export function devicesCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  const devices = program
    .command('devices')
    .description('the computers using this vault (`devices lost NAME --wipe --yes` after one is lost or stolen; `devices found NAME`)')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const list = await ctx.unlocked((e) => e.devices());
      if (o.json) ctx.out(JSON.stringify(list, null, 2));
      else {
        for (const d of list) ctx.out(line(ctx, d));
        ctx.out('(* this computer)');
      }
      done(0);
    });

  devices
    .command('lost')
    .description('mark a computer lost or stolen (from another computer of the vault); --wipe orders it to remove the vault the next time it runs Casevault')
    .argument('<name-or-id>', 'the computer, as `casevault devices` lists it')
    .option('--wipe', 'order the wipe: its vault folder, keys and settings are removed there')
    .option('--yes', 'confirm')
    .action(async (ref: string, o: { wipe?: boolean; yes?: boolean }) => {
      if (!o.yes) throw new Failure('usage', 'nothing was marked: confirm with --yes (and add --wipe to order the lost computer to remove the vault)');
      const d = await ctx.unlocked((e) => e.markDevice({ device: ref, action: 'lost', wipe: !!o.wipe, confirm: true }));
      ctx.out(`Marked lost: ${d.name}.`);
      if (o.wipe) ctx.out('Wipe ordered: it is carried out the next time that computer runs Casevault; `casevault devices` then says "wiped".');
      ctx.out('If the keys have not been rotated since, run `casevault rotate-keys` now, then `casevault breach-report` for the data-protection lead.');
      done(0);
    });

  devices
    .command('found')
    .description('clear a computer marked lost: a wipe ordered and not yet carried out is called off')
    .argument('<name-or-id>', 'the computer, as `casevault devices` lists it')
    .action(async (ref: string) => {
      const d = await ctx.unlocked((e) => e.markDevice({ device: ref, action: 'found' }));
      ctx.out(`Marked found: ${d.name}. A wipe not yet carried out will not be.`);
      done(0);
    });
}
