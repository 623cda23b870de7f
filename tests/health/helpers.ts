// The vault's health as the tests read it, and the states they put a real
// vault in: backups taken long ago (the runs this computer recorded, moved
// back in time), an access review long ago, a second computer of the vault.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HealthArea, HealthItem } from '../../contract/index.js';
import { Engine } from '../../engine/engine.js';
import { PASSPHRASE } from '../helpers/cli.js';
import type { TestVault } from '../helpers/vault.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** The vault's health now, and one area's item. */
export async function healthOf(engine: Engine): Promise<HealthItem[]> {
  return (await engine.status()).health;
}

export function area(items: readonly HealthItem[], a: HealthArea): HealthItem {
  const found = items.filter((i) => i.area === a);
  if (found.length !== 1) throw new Error(`the health has ${found.length} items for ${a}`);
  return found[0]!;
}

/** Every backup run this computer recorded happened `ms` earlier than it did. */
export async function backupsTakenEarlier(home: string, ms: number): Promise<void> {
  const file = join(home, 'backup-state.json');
  const state = JSON.parse(await readFile(file, 'utf8')) as { runs: { at: string }[] };
  for (const r of state.runs) r.at = new Date(Date.parse(r.at) - ms).toISOString();
  await writeFile(file, JSON.stringify(state));
}

/** The last access review was recorded `ms` ago. */
export async function accessReviewedAgo(engine: Engine, home: string, ms: number): Promise<void> {
  const settings = { ...(await engine.settings()), lastAccessReview: new Date(Date.now() - ms).toISOString() };
  await writeFile(join(home, 'settings.json'), JSON.stringify(settings));
}

/** A second computer of the vault: recovered from its cloud folder into a home and vault folder of its own. */
export async function secondComputer(v: TestVault): Promise<{ engine: Engine; home: string; vault: string }> {
  const home = join(v.root, 'laptop-home');
  const vault = join(v.root, 'laptop-cases');
  const engine = new Engine(home, { ...v.env, CASEVAULT_HOME: home });
  await engine.recover({ vaultDir: vault, cloud: { kind: 'folder', dir: v.cloud }, secret: { passphrase: PASSPHRASE } });
  await engine.confirmRecoveryKey(v.recoveryKey);
  return { engine, home, vault };
}
