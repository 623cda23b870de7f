// A computer's device record in the cloud (devices/<deviceId>, docs/devices.md):
// its name, when it was first and last seen and last synced, the app's
// version, the cases on it as of its last sync (for a breach report), and
// the orders it gave. Sealed to the vault's public key, so the cloud reads
// none of it, and MACed under the auth key, so the cloud cannot forge one; a
// locked computer checks only the MAC (to count the other computers for the
// conflict check), an unlocked one opens it. Sizes are checked before
// anything is parsed: the cloud is hostile.
import { z } from 'zod';
import { concat, ready, toHex, utf8, type ReadKeys, type WriteKeys } from '../../crypto/index.js';
import type { Remote } from '../remotes/remote.js';

export const DEVICES = 'devices/';
/** A record's largest size: 2,000 cases of long names fit well within it. */
export const RECORD_MAX = 256 * 1024;
export const CASES_MAX = 2000;
/** Files directly in the vault folder, counted together as one "case". */
export const LOOSE_FILES = '(files in the vault folder)';

const V1_LABEL = utf8('casevault device v1\0');
const LABEL = utf8('casevault device v2\0');
const iso = z.string().max(40);

const caseSchema = z.object({ name: z.string().max(1024), files: z.number().int().min(0), newest: iso.nullable() }).strict();
export const recordSchema = z
  .object({
    v: z.literal(2),
    id: z.string().regex(/^[0-9a-f]{32}$/),
    name: z.string().max(200),
    version: z.string().max(40),
    firstSeen: iso,
    lastSeen: iso,
    lastSync: iso.nullable(),
    /** This computer's own key for its wipe receipt (base64, 32 bytes). */
    deviceKey: z.string().max(64),
    cases: z.array(caseSchema).max(CASES_MAX),
    casesCut: z.boolean().optional(),
    atRest: z.string().max(100),
    /** The orders this computer gave, each as written to the cloud (engine/devices/orders.ts). */
    orders: z.array(z.string().max(8192)).max(32),
  })
  .strict();
export type DeviceRecord = z.infer<typeof recordSchema>;
export type CaseSummary = z.infer<typeof caseSchema>;

export const recordName = (deviceId: string): string => `${DEVICES}${deviceId}`;
const RECORD_NAME = /^devices\/([0-9a-f]{32})$/;

async function mac(authKey: Uint8Array, name: string, sealed: Uint8Array): Promise<Uint8Array> {
  return (await ready()).crypto_generichash(32, concat(LABEL, utf8(name), sealed), authKey);
}

/** The first record format: the keyed hash of the ID alone (still counted until its computer's next pass replaces it). */
async function v1Record(deviceId: string, authKey: Uint8Array): Promise<Uint8Array> {
  return (await ready()).crypto_generichash(32, concat(V1_LABEL, Buffer.from(deviceId, 'hex')), authKey);
}

export async function sealRecord(keys: Pick<WriteKeys, 'publicKey' | 'authKey'>, r: DeviceRecord): Promise<Uint8Array> {
  const sealed = (await ready()).crypto_box_seal(utf8(JSON.stringify(r)), keys.publicKey);
  return concat(sealed, await mac(keys.authKey, recordName(r.id), sealed));
}

/** Whether `bytes` is an authentic record of `deviceId` under `authKey` (either format). */
export async function isAuthentic(bytes: Uint8Array, deviceId: string, authKey: Uint8Array): Promise<boolean> {
  const sodium = await ready();
  if (bytes.length === 32) return sodium.memcmp(bytes, await v1Record(deviceId, authKey));
  if (bytes.length > RECORD_MAX || bytes.length < 32 + 48) return false;
  const sealed = bytes.subarray(0, bytes.length - 32);
  return sodium.memcmp(bytes.subarray(bytes.length - 32), await mac(authKey, recordName(deviceId), sealed));
}

/** The record opened with whichever of the vault's keys wrote it (`generation` 0: the current keys), or undefined. */
export async function openRecord(
  bytes: Uint8Array,
  deviceId: string,
  ring: readonly ReadKeys[],
): Promise<{ record: DeviceRecord; generation: number } | undefined> {
  if (bytes.length <= 32 || bytes.length > RECORD_MAX) return undefined;
  const sodium = await ready();
  for (const [generation, k] of ring.entries()) {
    if (!(await isAuthentic(bytes, deviceId, k.authKey))) continue;
    try {
      const text = new TextDecoder().decode(sodium.crypto_box_seal_open(bytes.subarray(0, bytes.length - 32), k.publicKey, k.boxSecret));
      const parsed = recordSchema.safeParse(JSON.parse(text));
      if (parsed.success && parsed.data.id === deviceId) return { record: parsed.data, generation };
    } catch {
      // MACed yet unreadable: not a record this vault's computers wrote
    }
    return undefined;
  }
  return undefined;
}

export interface ListedRecord {
  id: string;
  /** Undefined for a first-format record (it holds nothing to open). */
  record?: DeviceRecord;
  generation: number;
  /** The record's bytes as read from the cloud. */
  bytes?: Uint8Array;
}

/** Every authentic record in the cloud, opened (needs the reading keys). Planted, oversized and damaged ones are left out. */
export async function listRecords(remote: Remote, ring: readonly ReadKeys[]): Promise<ListedRecord[]> {
  const out: ListedRecord[] = [];
  for await (const e of remote.list(DEVICES)) {
    const m = RECORD_NAME.exec(e.name);
    if (!m || (e.size !== undefined && e.size > RECORD_MAX)) continue;
    const bytes = await remote.read(e.name, RECORD_MAX).catch(() => undefined); // oversized since the listing: not read
    if (!bytes) continue;
    const id = m[1]!;
    if (bytes.length === 32) {
      for (const [generation, k] of ring.entries()) {
        if (await isAuthentic(bytes, id, k.authKey)) {
          out.push({ id, generation });
          break;
        }
      }
      continue;
    }
    const opened = await openRecord(bytes, id, ring);
    if (opened) out.push({ id, ...opened, bytes });
  }
  return out;
}

/** The cases (top-level folders) among synced vault paths, with file counts and the newest change. */
export function summarizeCases(files: Iterable<[string, { mtimeMs: number }]>): { cases: CaseSummary[]; casesCut: boolean } {
  const by = new Map<string, { files: number; newest: number }>();
  for (const [path, f] of files) {
    const slash = path.indexOf('/');
    const name = slash > 0 ? path.slice(0, slash) : LOOSE_FILES;
    const c = by.get(name) ?? { files: 0, newest: 0 };
    c.files++;
    c.newest = Math.max(c.newest, f.mtimeMs);
    by.set(name, c);
  }
  const all = [...by.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    cases: all.slice(0, CASES_MAX).map(([name, c]) => ({ name, files: c.files, newest: c.newest > 0 ? new Date(c.newest).toISOString() : null })),
    casesCut: all.length > CASES_MAX,
  };
}

/** A short digest of what a record says apart from its times, and of the keys it is written under, to tell whether it must be written again. */
export async function recordDigest(r: Omit<DeviceRecord, 'lastSeen' | 'lastSync'>, publicKey: string): Promise<string> {
  return toHex((await ready()).crypto_generichash(16, utf8(JSON.stringify([r, publicKey])), null));
}
