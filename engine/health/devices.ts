// The devices area: a wipe ordered from this computer that the lost computer
// has not carried out yet is a problem until its receipt is in the cloud and
// verifies under that computer's own key (kept here when the wipe was
// ordered, so this is checked while locked too). Computed from the cloud
// each time; only this computer's own orders are looked at.
import type { HealthItem } from '../../contract/index.js';
import { openReceipt, RECEIPT_MAX, receiptName } from '../devices/orders.js';
import { loadLocal } from '../devices/this-device.js';
import { fromBase64 } from '../../crypto/index.js';
import type { Remote } from '../remotes/remote.js';
import { ago, fine, problem } from './item.js';

export async function devicesHealth(home: string, remote: () => Promise<Remote>, now: number): Promise<HealthItem> {
  const { wipes = [] } = await loadLocal(home);
  if (wipes.length === 0) return fine('devices', 'no wipe ordered from this computer is waiting');
  const cloud = await remote();
  const waiting: string[] = [];
  for (const w of wipes) {
    const bytes = await cloud.read(receiptName(w.id), RECEIPT_MAX).catch(() => undefined);
    const receipt = bytes ? await openReceipt(bytes, w.id, fromBase64(w.deviceKey, 32)) : undefined;
    if (!receipt || receipt.counter < w.counter) waiting.push(`${w.name} (ordered ${ago(Date.parse(w.at), now)})`);
  }
  if (waiting.length === 0) return fine('devices', 'every wipe ordered from this computer was carried out');
  return problem(
    'devices',
    'attention',
    `the wipe ordered for the lost computer ${waiting.join(', ')} is not carried out yet: it happens when that computer next runs Casevault`,
    'list-devices',
  );
}
