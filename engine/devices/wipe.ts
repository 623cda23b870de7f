// The wipe, on the lost computer (docs/devices.md, "The wipe"): a marker in
// the home first, then the vault folder, Casevault's temporary folders, the
// receipt to the cloud, and Casevault's own files in the home, the marker
// last. A run killed anywhere is finished by the next start (resumeWipe).
// Only the vault folder and Casevault's own names are touched.
import { readdir, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, parse, relative, resolve, sep } from 'node:path';
import { fromBase64 } from '../../crypto/index.js';
import { loadConfig } from '../config.js';
import { Refused } from '../errors.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { parseOr, readIfExists } from '../fsutil/read.js';
import { homeFiles } from '../home.js';
import { deleteHome } from '../leaving/remove-vault.js';
import type { Remote } from '../remotes/remote.js';
import { makeReceipt, receiptName } from './orders.js';

/** The sync (or start) that found the order ends with this: there is no vault here any more. */
export class Wiped extends Refused {
  constructor() {
    super(
      "this computer was marked lost on another computer of the vault, which ordered its copy removed: the vault folder and this computer's keys, settings and state for the vault have been removed (to use the vault here again, recover it from the cloud copy)",
    );
    this.name = 'Wiped';
  }
}

interface Marker {
  vaultDir: string;
  counter: number;
}

export interface ReceiptTo {
  remote: Remote;
  deviceId: string;
  deviceKey: string;
}

/** The desktop app's copies of files it opened (electron/launch.ts). */
const OPEN_TEMP = /^casevault-open-/;

/** Everything in the vault folder and the folder itself; a home inside it (a mistake, but possible) is left for deleteHome. */
async function removeVaultFolder(vaultDir: string, home: string): Promise<void> {
  const dir = resolve(vaultDir);
  if (parse(dir).root === dir) return; // never a whole drive, whatever a damaged setting says
  const inside = relative(dir, resolve(home));
  const homeHere = inside !== '' && !inside.startsWith('..') && !inside.startsWith(sep) ? inside.split(sep)[0] : undefined;
  if (resolve(home) === dir) return;
  const entries = await readdir(dir).catch(() => [] as string[]); // gone already: a resumed wipe
  // rm never follows a link: a link inside the vault folder is removed, what it points to is not touched.
  for (const e of entries) if (e !== homeHere) await rm(join(dir, e), { recursive: true, force: true });
  if (!homeHere) await rmdir(dir).catch(() => {});
}

async function removeOpenTemp(): Promise<void> {
  const dir = tmpdir();
  for (const e of await readdir(dir).catch(() => [] as string[])) if (OPEN_TEMP.test(e)) await rm(join(dir, e), { recursive: true, force: true });
}

async function finish(home: string, m: Marker, receipt: ReceiptTo | undefined): Promise<never> {
  await removeVaultFolder(m.vaultDir, home);
  await removeOpenTemp();
  if (receipt) {
    // Best effort: a receipt that cannot be written leaves the other computers saying "not yet carried out", never the keys in place.
    await receipt.remote
      .put(
        receiptName(receipt.deviceId),
        await makeReceipt({ target: receipt.deviceId, counter: m.counter, at: new Date().toISOString() }, fromBase64(receipt.deviceKey, 32)),
      )
      .then(() => receipt.remote.flush?.())
      .catch(() => {});
  }
  await deleteHome(home, homeFiles.wiping);
  await rmdir(home).catch(() => {}); // empty now unless something else lives there
  throw new Wiped();
}

/** Carry out a wipe order (already checked): never returns. */
export async function wipe(home: string, vaultDir: string, counter: number, receipt: ReceiptTo): Promise<never> {
  const m: Marker = { vaultDir, counter };
  await writeFileAtomic(join(home, homeFiles.wiping), JSON.stringify(m));
  return finish(home, m, receipt);
}

/** At a start: a wipe that was killed is finished now, under the home's lock (Wiped); otherwise nothing. */
export async function resumeWipe(
  home: string,
  remote: (config: Awaited<ReturnType<typeof loadConfig>>) => Promise<Remote>,
  locked: (fn: () => Promise<never>) => Promise<never>,
): Promise<void> {
  const m = parseOr<Marker>(await readIfExists(join(home, homeFiles.wiping), 'utf8'));
  if (!m || typeof m.vaultDir !== 'string' || typeof m.counter !== 'number') return;
  const config = await loadConfig(home).catch(() => undefined); // removed already: the receipt was written before it
  const to = config?.deviceKey ? await remote(config).catch(() => undefined) : undefined;
  await locked(() => finish(home, m, to && config?.deviceKey ? { remote: to, deviceId: config.deviceId, deviceKey: config.deviceKey } : undefined));
}
