// The cloud's copy of the housekeeping marks: housekeeping/<device id>,
// sealed to the vault's public key (crypto_box_seal, like the audit trail's
// entries) so the cloud learns no case name, then MACed under the vault's
// auth key so that nobody holding only the public key (the cloud) can plant
// marks that would make cases look due. A vault recovered on a new computer
// gets its closed-case marks and retention setting back from it: from the
// copy with the highest counter (every change raises it), not the latest
// clock, so an older copy put back never outranks a later change that is
// still in the cloud (docs/housekeeping.md: the limit when none is).
import { concat, ready, utf8 } from '../../crypto/index.js';
import type { Remote } from '../remotes/remote.js';
import { hasMarks, parseMarks, saveMarks, type Marks } from './marks.js';

const PREFIX = 'housekeeping/';
const LABEL = utf8('casevault housekeeping marks v1');
/** Far above any genuine copy (a few hundred bytes per closed case); a larger one is not read, like a damaged one. */
const MIRROR_MAX = 16 * 1024 * 1024;

interface Keys {
  publicKey: Uint8Array;
  authKey: Uint8Array;
}

async function tag(keys: Pick<Keys, 'authKey'>, name: string, sealed: Uint8Array): Promise<Uint8Array> {
  return (await ready()).crypto_generichash(32, concat(LABEL, utf8(name), sealed), keys.authKey);
}

/** A copy's sealed part if its MAC verifies under the auth key (no reading key needed), else undefined. */
async function authenticSealed(keys: Pick<Keys, 'authKey'>, name: string, bytes: Uint8Array): Promise<Uint8Array | undefined> {
  if (bytes.length <= 32) return undefined;
  const sealed = bytes.subarray(0, bytes.length - 32);
  return (await ready()).memcmp(await tag(keys, name, sealed), bytes.subarray(bytes.length - 32)) ? sealed : undefined;
}

/** Whether the cloud holds an authentic copy of this vault's marks (checked while locked: the MAC alone). Throws if the cloud cannot be listed. */
export async function mirrorHeld(remote: Remote, keys: Pick<Keys, 'authKey'>): Promise<boolean> {
  for await (const e of remote.list(PREFIX)) {
    const bytes = await remote.read(e.name, MIRROR_MAX).catch(() => undefined); // oversized or gone since the listing: not a copy
    if (bytes && (await authenticSealed(keys, e.name, bytes))) return true;
  }
  return false;
}

/** `now`: the writing computer's clock (tests set one that is wrong, as a computer's can be). */
export async function putMirror(remote: Remote, keys: Keys, deviceId: string, marks: Marks, now = new Date()): Promise<void> {
  const sodium = await ready();
  const name = `${PREFIX}${deviceId}`;
  const sealed = sodium.crypto_box_seal(utf8(JSON.stringify({ at: now.toISOString(), marks })), keys.publicKey);
  await remote.put(name, concat(sealed, await tag(keys, name, sealed)));
  await remote.flush?.();
}

/** The authentic copy with the highest counter any computer of this vault left in the cloud (the latest clock between equals), if there is one. */
export async function fetchMirror(remote: Remote, keys: Keys & { boxSecret: Uint8Array }): Promise<Marks | undefined> {
  const sodium = await ready();
  let best: { at: string; marks: Marks } | undefined;
  for await (const e of remote.list(PREFIX)) {
    try {
      const sealed = await authenticSealed(keys, e.name, await remote.read(e.name, MIRROR_MAX));
      if (!sealed) continue;
      const j = JSON.parse(new TextDecoder().decode(sodium.crypto_box_seal_open(sealed, keys.publicKey, keys.boxSecret))) as { at?: unknown; marks?: unknown };
      const marks = typeof j.at === 'string' ? parseMarks(JSON.stringify(j.marks)) : undefined;
      const outranks = (m: Marks, at: string) =>
        !best || (m.counter ?? 0) > (best.marks.counter ?? 0) || ((m.counter ?? 0) === (best.marks.counter ?? 0) && at > best.at);
      if (marks && outranks(marks, j.at as string)) best = { at: j.at as string, marks };
    } catch {
      // damaged or not this vault's: not used
    }
  }
  return best?.marks;
}

/** On a recovered vault: take the cloud's marks if this home has none. Never fails the recovery. */
export async function adoptMirroredMarks(home: string, remote: Remote, keys: Keys & { boxSecret: Uint8Array }): Promise<void> {
  try {
    if (await hasMarks(home)) return;
    const marks = await fetchMirror(remote, keys);
    if (marks) await saveMarks(home, marks);
  } catch {
    // the defaults apply; the cloud's copy is still there
  }
}
