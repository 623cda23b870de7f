// The vault's computers as an unlocked computer sees them (docs/devices.md):
// every authentic record, opened under the current or an earlier key
// generation; each one's order and wipe receipt checked; an order the cloud
// dropped or rolled back put back from the sealed record of the computer
// that gave it. Marking a computer lost (and ordering its wipe) or found.
import { fromBase64, keyring, type ReadKeys } from '../../crypto/index.js';
import type { DeviceInfo, DevicesMark } from '../../contract/index.js';
import { Refused, UsageError } from '../errors.js';
import {
  foundName,
  makeOrder,
  newerOrder,
  openReceipt,
  orderName,
  orderVerifies,
  parseOrder,
  readOrder,
  RECEIPT_MAX,
  receiptName,
  type Order,
} from './orders.js';
import { keepBytes, keptBytes, loadKept, saveKept } from './kept.js';
import { listRecords, openRecord, type DeviceRecord, type ListedRecord } from './records.js';
import { loadLocal, saveLocal, writeOwnRecord, type DeviceDeps } from './this-device.js';

export interface ListDeps extends DeviceDeps {
  keys: ReadKeys;
}

/**
 * An order that names `target` in this vault and verifies under the current
 * keys, or one a computer keeps in its record under the current keys. An
 * order under earlier keys alone is not taken from the cloud: the lost
 * laptop holds those keys, and could forge it.
 */
async function authentic(o: Order | undefined, target: string, vault: string, current: ReadKeys, given?: Order): Promise<Order | undefined> {
  if (!o || o.body.target !== target || o.body.vault !== vault) return undefined;
  return (await orderVerifies(o, current.authKey)) || o.text === given?.text ? o : undefined;
}

export interface Listed {
  info: DeviceInfo;
  /** The record listed: the cloud's, or (a lost computer's record gone, rolled back or written with old keys there) the one kept here. */
  listed: ListedRecord | undefined;
  order: Order | undefined;
  /** A lost computer's newest record kept in this computer's home, and the one in the cloud now (if authentic): the breach report joins both. */
  kept?: DeviceRecord;
  cloud?: DeviceRecord;
}

/** An order to the cloud; a `found` also to its own name first, where putting back an older order file does not reach it. */
async function putOrder(d: DeviceDeps, o: Order): Promise<void> {
  if (o.body.action === 'found') await d.remote.put(foundName(o.body.target), new TextEncoder().encode(o.text));
  await d.remote.put(orderName(o.body.target), new TextEncoder().encode(o.text));
  await d.remote.flush?.();
}

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array): boolean => !!a && Buffer.from(a).equals(Buffer.from(b));

/** Every computer of the vault, with the order and receipt state of each. */
export async function listDevices(d: ListDeps): Promise<Listed[]> {
  const ring = keyring(d.keys);
  const vault = d.config.vaultId;
  await writeOwnRecord(d); // after a rotation here, this computer's record (and the orders it holds) under the new keys
  const records = await listRecords(d.remote, ring);
  // The orders the computers gave, from their sealed records: the newest for each target.
  const given = new Map<string, Order>();
  for (const r of records) {
    if (r.generation !== 0) continue; // a record under earlier keys may be the thief's
    for (const text of r.record?.orders ?? []) {
      const o = parseOrder(text);
      if (o && o.body.vault === vault && o.body.issuer === r.id && (given.get(o.body.target)?.body.counter ?? 0) < o.body.counter) given.set(o.body.target, o);
    }
  }
  if (!records.some((r) => r.id === d.config.deviceId)) records.push({ id: d.config.deviceId, generation: 0 }); // not synced yet: still this computer
  // A lost computer's record kept here and gone from the cloud: still listed, from the kept one.
  const kept = await loadKept(d.home);
  let keptChanged = false;
  const gone = new Set<string>();
  for (const id of kept.keys()) {
    if (records.some((r) => r.id === id)) continue;
    gone.add(id);
    records.push({ id, generation: 0 });
  }
  const out: Listed[] = [];
  for (const r of records) {
    const expected = given.get(r.id);
    const cloudOrder = (name: string) => readOrder(d.remote, r.id, name).catch(() => undefined);
    const inFile = await authentic(await cloudOrder(orderName(r.id)), r.id, vault, ring[0]!, expected);
    // The newest of the order file, the kept `found` and the issuer's sealed record: an order file older than either was rolled back.
    const order = newerOrder(newerOrder(inFile, await authentic(await cloudOrder(foundName(r.id)), r.id, vault, ring[0]!, expected)), expected);
    let orderRestored = false;
    if (order && order !== inFile && order.body.counter > (inFile?.body.counter ?? 0)) {
      await putOrder(d, order);
      orderRestored = true;
    }
    const isThis = r.id === d.config.deviceId;
    const k = kept.get(r.id);
    // Kept while lost; an authentic "found" (or this computer itself) ends it. No order at all: still lost, as when it was kept.
    if (k && (order?.body.action === 'found' || isThis)) {
      kept.delete(r.id);
      keptChanged = true;
    }
    const action = order?.body.action ?? (kept.has(r.id) ? 'lost' : undefined);
    const lost = action === 'lost' || action === 'wipe';
    const pin = kept.has(r.id) ? await openRecord(keptBytes(k!), r.id, ring) : undefined;
    let use: ListedRecord = r;
    let recordGone = false;
    let recordRolledBack = false;
    let oldKeysRecord = false;
    if (pin) {
      const pinned: ListedRecord = { id: r.id, record: pin.record, generation: pin.generation, bytes: keptBytes(k!) };
      if (gone.has(r.id) || !r.record) {
        recordGone = true;
        use = pinned;
      } else if (!sameBytes(r.bytes, pinned.bytes!)) {
        recordRolledBack = r.record.lastSeen < pin.record.lastSeen;
        // Another record under keys from before a rotation (or earlier than the kept one's): the lost computer cannot pass the
        // rotated key file to write it, the thief holding its keys can. Never kept in place of the kept one.
        oldKeysRecord = r.generation > pin.generation || (r.generation > 0 && !recordRolledBack);
        if (recordRolledBack || oldKeysRecord) use = pinned;
      }
    }
    if (lost && !isThis && use === r && r.record && r.bytes && !(k && sameBytes(keptBytes(k), r.bytes))) {
      // The newest record seen of a lost computer, kept.
      kept.set(r.id, {
        id: r.id,
        record: keepBytes(r.bytes),
        keptAt: k?.keptAt ?? new Date().toISOString(),
        lostAt: k?.lostAt ?? order?.body.at ?? new Date().toISOString(),
      });
      keptChanged = true;
    }
    const rec = use.record;
    let wipedAt: string | null = null;
    if (action === 'wipe' && rec) {
      const bytes = await d.remote.read(receiptName(r.id), RECEIPT_MAX).catch(() => undefined);
      const receipt = bytes ? await openReceipt(bytes, r.id, fromBase64(rec.deviceKey, 32)) : undefined;
      if (receipt && receipt.counter === order!.body.counter) wipedAt = receipt.at;
    }
    const orderedAt = order && order.body.action !== 'found' ? order.body.at : lost ? (k?.lostAt ?? null) : null;
    out.push({
      listed: use,
      order,
      ...(lost && use === r && r.record ? { kept: r.record } : pin ? { kept: pin.record } : {}),
      ...(r.record && !gone.has(r.id) ? { cloud: r.record } : {}),
      info: {
        id: r.id,
        name: rec?.name ?? (isThis ? d.config.deviceName : 'a computer that has not synced since an update'),
        this: isThis,
        status: wipedAt ? 'wiped' : action === 'lost' || action === 'wipe' ? 'lost' : 'active',
        wipe: wipedAt ? 'done' : action === 'wipe' ? 'ordered' : 'none',
        version: rec?.version ?? null,
        firstSeen: rec?.firstSeen ?? (isThis ? d.config.createdAt : null),
        lastSeen: rec?.lastSeen ?? null,
        lastSync: rec?.lastSync ?? null,
        orderedAt,
        wipedAt,
        orderRestored,
        earlierKeys: use.generation > 0,
        recordGone,
        recordRolledBack,
        oldKeysRecord,
      },
    });
  }
  if (keptChanged) await saveKept(d.home, kept);
  return out.sort((a, b) => Number(b.info.this) - Number(a.info.this) || a.info.name.localeCompare(b.info.name));
}

/** The computer a person named: its name (any case), its device ID, or a unique start of the ID (4+ characters). */
export function pick(all: readonly Listed[], ref: string): Listed {
  const want = ref.trim().toLowerCase();
  const byName = all.filter((l) => l.info.name.toLowerCase() === want);
  const byId = want.length >= 4 ? all.filter((l) => l.info.id.startsWith(want)) : [];
  const found = byName.length > 0 ? byName : byId;
  if (found.length === 0) throw new UsageError('no computer of this vault has that name or device ID', 'list-devices');
  if (found.length > 1) throw new UsageError('more than one computer of this vault goes by that name; name it by its device ID instead', 'list-devices');
  return found[0]!;
}

/** Mark a computer lost (with `wipe`, order its wipe) or found again; returns how it stands now. */
export async function markDevice(d: ListDeps, o: DevicesMark): Promise<DeviceInfo> {
  const all = await listDevices(d);
  const target = pick(all, o.device);
  if (target.info.this) throw new Refused('this is the computer in use: a computer is marked lost from another computer of the vault');
  if (o.action === 'lost' && !o.confirm) throw new UsageError('marking a computer lost, and ordering its wipe, must be confirmed', 'confirm');
  if (o.action === 'found' && target.info.status === 'active') throw new UsageError('that computer is not marked lost', 'list-devices');
  const ring = keyring(d.keys);
  const local = await loadLocal(d.home);
  const counter =
    Math.max(target.order?.body.counter ?? 0, ...local.orders.map((t) => (parseOrder(t)?.body.target === target.info.id ? parseOrder(t)!.body.counter : 0))) +
    1;
  const order = await makeOrder(
    {
      vault: d.config.vaultId,
      target: target.info.id,
      issuer: d.config.deviceId,
      counter,
      action: o.action === 'found' ? 'found' : o.wipe ? 'wipe' : 'lost',
      at: new Date().toISOString(),
    },
    ring.map((k) => k.authKey),
  );
  // Kept in this computer's sealed record first, so a cloud that drops the order is found out and the order put back.
  const orders = [...local.orders.filter((t) => parseOrder(t)?.body.target !== target.info.id), order.text].slice(-32);
  const key = target.listed?.record?.deviceKey;
  const wipe = order.body.action === 'wipe' && key ? [{ id: target.info.id, name: target.info.name, counter, at: order.body.at, deviceKey: key }] : [];
  const wipes = [...(local.wipes ?? []).filter((w) => w.id !== target.info.id), ...wipe].slice(-32);
  await saveLocal(d.home, { ...local, orders, wipes });
  await writeOwnRecord(d, { force: true });
  await putOrder(d, order);
  await d.record(
    o.action === 'found' ? 'computer marked found' : o.wipe ? 'computer marked lost, wipe ordered' : 'computer marked lost',
    `the computer ${target.info.name} (device ${target.info.id})`,
  );
  return pick(await listDevices(d), target.info.id).info;
}
