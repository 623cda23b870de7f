// The cloud copy's high-water mark (issue 15, item 5). Each computer keeps
// in the cloud one small authenticated record of its own writes,
// `highwater/<deviceId>`: a counter raised at the end of every sync pass
// that changed the cloud, and the time. Every computer pins, in
// CASEVAULT_HOME/high-water.json, the highest counter it has seen from each
// computer (its own included). A record lower than its pin, missing, or not
// authentic under the auth key means the cloud copy was put back to an
// earlier state: a sync pass reads this computer's own record (one small
// read, nothing written when nothing changed) and `verify --cloud` every
// record, keeping the computers it found rolled back in
// CASEVAULT_HOME/rolled-back.json so that status goes on saying so until
// their records are back at their pins. Pins are kept per auth key: a key rotation re-encrypts every
// object (objects under the old keys are refused anyway), and starts the
// pins afresh. Spec: docs/format.md, "High-water records".
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { concat, ready, toHex } from '../../crypto/index.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { parseOr, readIfExists } from '../fsutil/read.js';
import { homeFiles } from '../home.js';
import { RemoteNotFound, RemoteTooLarge, type Remote } from '../remotes/remote.js';

const PREFIX = 'highwater/';
const MAGIC = new TextEncoder().encode('CVHW');
const VERSION = 1;
/** "CVHW" ‖ version ‖ device ID (16) ‖ u64 counter ‖ u64 time ‖ MAC (32). */
const LENGTH = 4 + 1 + 16 + 8 + 8 + 32;
const NAME = /^highwater\/([0-9a-f]{32})$/;

export const ROLLED_BACK = 'the cloud copy was rolled back to an earlier state';

export const highWaterName = (deviceId: string) => `${PREFIX}${deviceId}`;

function u64(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
}

/** The MAC key: BLAKE2b-256(key = auth key, "casevault high-water key v1"). */
async function markKey(authKey: Uint8Array): Promise<Uint8Array> {
  const sodium = await ready();
  return sodium.crypto_generichash(32, new TextEncoder().encode('casevault high-water key v1'), authKey);
}

/** Which auth key the pins were made under: a short hash of the MAC key (never the key). */
async function keyFingerprint(key: Uint8Array): Promise<string> {
  const sodium = await ready();
  return toHex(sodium.crypto_generichash(16, new TextEncoder().encode('casevault high-water pin v1'), key));
}

export async function sealHighWater(authKey: Uint8Array, deviceId: string, counter: number, timeMs: number): Promise<Uint8Array> {
  const sodium = await ready();
  const body = concat(MAGIC, Uint8Array.of(VERSION), Buffer.from(deviceId, 'hex'), u64(counter), u64(timeMs));
  const mac = sodium.crypto_generichash(32, concat(new TextEncoder().encode('casevault high-water v1\0'), body), await markKey(authKey));
  return concat(body, mac);
}

/** A record's counter and time, or undefined if it is not an authentic record of `deviceId` under this auth key. */
export async function openHighWater(authKey: Uint8Array, deviceId: string, bytes: Uint8Array): Promise<{ counter: number; timeMs: number } | undefined> {
  const sodium = await ready();
  if (bytes.length !== LENGTH || !MAGIC.every((b, i) => bytes[i] === b) || bytes[4] !== VERSION) return undefined;
  if (toHex(bytes.subarray(5, 21)) !== deviceId) return undefined; // a record copied to another computer's name
  const body = bytes.subarray(0, LENGTH - 32);
  const mac = sodium.crypto_generichash(32, concat(new TextEncoder().encode('casevault high-water v1\0'), body), await markKey(authKey));
  if (!sodium.memcmp(mac, bytes.subarray(LENGTH - 32))) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const counter = Number(view.getBigUint64(21, true));
  const timeMs = Number(view.getBigUint64(29, true));
  return Number.isSafeInteger(counter) && Number.isSafeInteger(timeMs) ? { counter, timeMs } : undefined;
}

const pinsSchema = z.object({ version: z.literal(1), key: z.string(), devices: z.array(z.tuple([z.string(), z.number().int().min(0)])) });

interface Pins {
  key: string;
  devices: Map<string, number>;
}

/** The pins made under this auth key (none if they were made under another: keys rotated since). */
async function loadPins(home: string, authKey: Uint8Array): Promise<Pins> {
  const key = await keyFingerprint(await markKey(authKey));
  const parsed = pinsSchema.safeParse(parseOr(await readIfExists(join(home, homeFiles.highWater), 'utf8')));
  if (!parsed.success || parsed.data.key !== key) return { key, devices: new Map() };
  return { key, devices: new Map(parsed.data.devices) };
}

async function savePins(home: string, p: Pins): Promise<void> {
  await writeFileAtomic(join(home, homeFiles.highWater), JSON.stringify({ version: 1, key: p.key, devices: [...p.devices] }));
}

async function readRecord(remote: Remote, authKey: Uint8Array, deviceId: string): Promise<{ counter: number; timeMs: number } | 'missing' | 'unauthentic'> {
  let bytes: Uint8Array;
  try {
    bytes = await remote.read(highWaterName(deviceId), LENGTH);
  } catch (e) {
    if (e instanceof RemoteNotFound) return 'missing';
    if (e instanceof RemoteTooLarge) return 'unauthentic'; // larger than a record: not read, so not one
    throw e;
  }
  return (await openHighWater(authKey, deviceId, bytes)) ?? 'unauthentic';
}

/**
 * For a sync pass: whether this computer's own record in the cloud is older
 * than its pin (or gone, or not authentic while a pin says it was written).
 * One small read. Returns the sentence to report, or undefined.
 */
export async function ownRollback(home: string, remote: Remote, authKey: Uint8Array, deviceId: string): Promise<string | undefined> {
  const pins = await loadPins(home, authKey);
  const pinned = pins.devices.get(deviceId) ?? 0;
  if (pinned === 0) return undefined; // nothing written under these keys yet (a first pass, a new home, keys just rotated)
  const now = await readRecord(remote, authKey, deviceId);
  if (typeof now === 'object' && now.counter >= pinned) return undefined;
  return `${ROLLED_BACK}: this computer's record of its writes there is ${typeof now === 'object' ? 'older than the one it wrote last' : now === 'missing' ? 'gone' : 'not authentic'}`;
}

/** After a sync pass that changed the cloud: this computer's record, one higher than any it has written or seen, then pinned. */
export async function raiseOwn(home: string, remote: Remote, authKey: Uint8Array, deviceId: string): Promise<void> {
  const pins = await loadPins(home, authKey);
  const now = await readRecord(remote, authKey, deviceId);
  const counter = Math.max(pins.devices.get(deviceId) ?? 0, typeof now === 'object' ? now.counter : 0) + 1;
  await remote.put(highWaterName(deviceId), await sealHighWater(authKey, deviceId, counter, Date.now()));
  await remote.flush?.();
  pins.devices.set(deviceId, counter);
  await savePins(home, pins);
}

/**
 * The sum of the other computers' authentic counters: read at the start of
 * a pass that writes, and kept with each file written (FileRecord.others).
 * Any pass of another computer that ends after that read raises it, so an
 * object of this computer's that holds another write while the sum has not
 * risen since was put back from an older copy, not replaced by a computer.
 */
export async function othersSum(remote: Remote, authKey: Uint8Array, deviceId: string): Promise<number> {
  let sum = 0;
  for await (const e of remote.list(PREFIX)) {
    const id = NAME.exec(e.name)?.[1];
    if (!id || id === deviceId) continue;
    const r = await readRecord(remote, authKey, id);
    if (typeof r === 'object') sum += r.counter;
  }
  return sum;
}

/** The newest authentic record in the cloud: when the cloud copy was last changed by a sync pass, and by which computer. */
export interface NewestWrite {
  deviceId: string;
  timeMs: number;
}

/**
 * For `verify --cloud` (and recover, with nothing pinned yet): every
 * computer's record against its pin. A record lower than its pin, missing or
 * not authentic is a rollback (returned by name, with its reason); the pins
 * of the others are raised to what is there now. A record nobody pinned that
 * is not authentic (planted, or under earlier keys) is not a computer of
 * this vault and is ignored, as device records are. Also the newest
 * authentic record: a new computer has nothing pinned, so recover tells the
 * person when the copy it took was last changed, which only they can judge.
 */
export async function checkAndPin(
  home: string,
  remote: Remote,
  authKey: Uint8Array,
): Promise<{ rolledBack: { object: string; reason: string }[]; newest: NewestWrite | undefined }> {
  const pins = await loadPins(home, authKey);
  const seen = new Set<string>();
  const rolledBack: { object: string; reason: string }[] = [];
  const found = new Set<string>();
  let newest: NewestWrite | undefined;
  for await (const e of remote.list(PREFIX)) {
    const id = NAME.exec(e.name)?.[1];
    if (id) seen.add(id);
  }
  for (const id of new Set([...seen, ...pins.devices.keys()])) {
    const pinned = pins.devices.get(id);
    const now = seen.has(id) ? await readRecord(remote, authKey, id) : 'missing';
    if (typeof now === 'object') {
      if (!newest || now.timeMs > newest.timeMs) newest = { deviceId: id, timeMs: now.timeMs };
      if (pinned !== undefined && now.counter < pinned) {
        rolledBack.push({ object: highWaterName(id), reason: `${ROLLED_BACK} (a computer's record of its writes is older than one seen before)` });
        found.add(id);
      } else pins.devices.set(id, now.counter);
    } else if (pinned !== undefined && pinned > 0) {
      found.add(id);
      rolledBack.push({
        object: highWaterName(id),
        reason: `${ROLLED_BACK} (a computer's record of its writes is ${now === 'missing' ? 'gone' : 'not authentic'})`,
      });
    }
  }
  await savePins(home, pins);
  await saveFound(home, pins.key, [...found]);
  return { rolledBack, newest };
}

const foundSchema = z.object({ version: z.literal(1), key: z.string(), devices: z.array(z.string().regex(/^[0-9a-f]{32}$/)).max(10_000) });

/** The computers whose records the last check found rolled back (none: the file goes). */
async function saveFound(home: string, key: string, devices: string[]): Promise<void> {
  const file = join(home, homeFiles.rolledBack);
  if (devices.length === 0) await rm(file, { force: true });
  else await writeFileAtomic(file, JSON.stringify({ version: 1, key, devices }));
}

/** Of the rollbacks the last check found, the ones still there: whether this computer's own record is among them, and how many other computers' records are. */
export interface StandingRollback {
  own: boolean;
  others: number;
}

/**
 * For status: `verify --cloud` found these computers' records rolled back
 * (their pins were kept above them); each is read again now, and stands
 * until it is at or above its pin once more, which the next sync pass of the
 * computer it belongs to makes it (ownRollback, raiseOwn). Reads nothing when
 * the last check found none. A record that cannot be read now stands: only a
 * record seen back at its pin says the cloud has the newer work again.
 */
export async function standingRollback(
  home: string,
  remote: () => Promise<Remote>,
  authKey: Uint8Array,
  deviceId: string,
): Promise<StandingRollback | undefined> {
  const parsed = foundSchema.safeParse(parseOr(await readIfExists(join(home, homeFiles.rolledBack), 'utf8')));
  if (!parsed.success || parsed.data.devices.length === 0) return undefined;
  const pins = await loadPins(home, authKey);
  if (parsed.data.key !== pins.key) return undefined; // found under keys rotated since: every object was written again under the new ones
  const standing: string[] = [];
  const cloud = await remote().catch(() => undefined);
  for (const id of parsed.data.devices) {
    const now = cloud ? await readRecord(cloud, authKey, id).catch(() => 'unreadable' as const) : 'unreadable';
    if (typeof now !== 'object' || now.counter < (pins.devices.get(id) ?? 0)) standing.push(id);
  }
  if (standing.length === 0) return undefined;
  return { own: standing.includes(deviceId), others: standing.filter((id) => id !== deviceId).length };
}
