// This computer's side of the vault's computers, run by every sync pass
// (docs/devices.md): before the pass, its order in the cloud is checked (and
// a wipe carried out); the pass keeps its device record current. Needs only
// the write keys, so it runs while the vault is locked. What it last wrote,
// the orders it gave and the highest order counter it has seen are kept in
// CASEVAULT_HOME/device.json.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { randomBytes, toBase64, utf8, ready, type WriteKeys } from '../../crypto/index.js';
import { configWriteKeys, saveConfig, type VaultConfig } from '../config.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { parseOr, readIfExists } from '../fsutil/read.js';
import { homeFiles } from '../home.js';
import { loadState } from '../mirror/state.js';
import { mirrorAudit } from '../audit/trail.js';
import type { Remote } from '../remotes/remote.js';
import { atRestEncryption } from './at-rest.js';
import { foundName, newerOrder, orderName, orderVerifies, readOrder, type Order } from './orders.js';
import { APP_VERSION } from '../version.js';
import { RECORD_MAX, isAuthentic, recordDigest, recordName, sealRecord, summarizeCases, DEVICES, type DeviceRecord } from './records.js';
import { wipe } from './wipe.js';

/** A record is written again at least this often while the computer syncs ("last seen"). */
const REFRESH_MS = 15 * 60_000;

/** CASEVAULT_DEVICE_NAME, else the host name. */
export function deviceNameOf(env: NodeJS.ProcessEnv): string {
  const name = (env.CASEVAULT_DEVICE_NAME ?? '')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .trim()
    .slice(0, 200);
  return name || hostname().slice(0, 200) || 'a computer';
}

const localSchema = z.object({
  /** The highest order counter this computer has seen for itself: older orders are stale. */
  pinned: z.number().int().min(0),
  digest: z.string().optional(),
  writtenAt: z.number().optional(),
  lastSync: z.string().nullable().optional(),
  /** The orders this computer gave (as written to the cloud), the newest per computer. */
  orders: z.array(z.string()).max(32),
  /** The wipes this computer ordered, with each target's own key to check its receipt while locked (engine/health/devices.ts). */
  wipes: z
    .array(z.object({ id: z.string(), name: z.string(), counter: z.number(), at: z.string(), deviceKey: z.string() }))
    .max(32)
    .optional(),
  /** The last order that failed its checks and was noted in the audit trail (so it is noted once). */
  ignored: z.string().optional(),
});
export type LocalDevice = z.infer<typeof localSchema>;

export async function loadLocal(home: string): Promise<LocalDevice> {
  // Damaged (not JSON, or not these fields) counts as missing, as before it was written: never a pass stopped for good.
  const parsed = localSchema.safeParse(parseOr(await readIfExists(join(home, homeFiles.device), 'utf8')));
  return parsed.success ? parsed.data : { pinned: 0, orders: [] };
}

export async function saveLocal(home: string, l: LocalDevice): Promise<void> {
  await writeFileAtomic(join(home, homeFiles.device), JSON.stringify(l));
}

/** config.json with this computer's name and device key (a vault set up before they existed gets them now). */
export async function withDeviceFields(
  home: string,
  config: VaultConfig,
  env: NodeJS.ProcessEnv,
): Promise<VaultConfig & { deviceName: string; deviceKey: string }> {
  if (config.deviceName && config.deviceKey) return config as VaultConfig & { deviceName: string; deviceKey: string };
  const c = { ...config, deviceName: config.deviceName ?? deviceNameOf(env), deviceKey: config.deviceKey ?? toBase64(randomBytes(32)) };
  await saveConfig(home, c);
  return c;
}

export interface DeviceDeps {
  home: string;
  config: VaultConfig & { deviceName: string; deviceKey: string };
  remote: Remote;
  record(event: string, detail?: string): Promise<void>;
}

/** The record this computer would write now. */
async function ownRecord(d: DeviceDeps, local: LocalDevice, files: Iterable<[string, { mtimeMs: number }]>, lastSync: string | null): Promise<DeviceRecord> {
  const now = new Date().toISOString();
  return {
    v: 2,
    id: d.config.deviceId,
    name: d.config.deviceName,
    version: APP_VERSION,
    firstSeen: d.config.createdAt,
    lastSeen: now,
    lastSync,
    deviceKey: d.config.deviceKey,
    ...summarizeCases(files),
    atRest: await atRestEncryption(d.config.vaultDir),
    orders: local.orders,
  };
}

/**
 * Write this computer's record if what it says changed, it is stale, or
 * `force`. `files`: the vault's files as synced (default: the local sync
 * state); `synced`: a pass just ended.
 */
export async function writeOwnRecord(
  d: DeviceDeps,
  o: { force?: boolean; files?: Iterable<[string, { mtimeMs: number }]>; synced?: boolean } = {},
): Promise<void> {
  const local = await loadLocal(d.home);
  const lastSync = o.synced ? new Date().toISOString() : (local.lastSync ?? null);
  const r = await ownRecord(d, local, o.files ?? (await loadState(d.home)).files, lastSync);
  const { lastSeen: _seen, lastSync: _sync, ...lasting } = r;
  const digest = await recordDigest(lasting, d.config.publicKey); // new keys (a rotation): written again under them
  const fresh = local.writtenAt !== undefined && Date.now() - local.writtenAt < REFRESH_MS;
  if (!o.force && digest === local.digest && fresh) return;
  await d.remote.put(recordName(r.id), await sealRecord(configWriteKeys(d.config), r));
  await d.remote.flush?.();
  await saveLocal(d.home, { ...local, digest, writtenAt: Date.now(), lastSync });
}

/** How many other computers have an authentic record in the cloud, and whether this one has (the conflict check: docs/api.md, "Two computers"). */
export async function countDevices(remote: Remote, deviceId: string, authKey: Uint8Array): Promise<{ others: number; found: boolean }> {
  const mine = recordName(deviceId);
  let others = 0;
  let found = false;
  for await (const e of remote.list(DEVICES)) {
    const m = /^devices\/([0-9a-f]{32})$/.exec(e.name);
    if (!m || (e.size !== undefined && e.size > RECORD_MAX)) continue; // not read at all: the cloud is hostile
    const authentic = await remote.read(e.name, RECORD_MAX).then(
      (bytes) => isAuthentic(bytes, m[1]!, authKey),
      () => false,
    );
    if (!authentic) continue; // planted, damaged, oversized, or under earlier keys: not a computer of this vault
    if (e.name === mine) found = true;
    else others++;
  }
  return { others, found };
}

/**
 * Before a pass: this computer's order, if there is one (the newer of the
 * order file and the `found` kept apart from it, so a wipe order put back
 * over a `found` is stale though this computer never saw the `found`).
 * Obeyed only if it is MACed under this computer's current auth key, names
 * this computer and this vault, comes from another computer, and is newer
 * than any order seen here. A wipe is returned, to be carried out once the
 * pass has tried to upload what only this computer holds (it never
 * returns: Wiped). Everything else is ignored, a failed check noted once in
 * the audit trail.
 */
export async function checkOrder(d: DeviceDeps): Promise<(() => Promise<never>) | undefined> {
  const id = d.config.deviceId;
  const keys: WriteKeys = configWriteKeys(d.config);
  const local = await loadLocal(d.home);
  let order: Order | undefined;
  const failed: string[] = [];
  for (const name of [orderName(id), foundName(id)]) {
    const o = await readOrder(d.remote, id, name).catch(() => undefined); // the cloud out of reach: the pass says so
    if (!o) continue;
    const valid = (await orderVerifies(o, keys.authKey)) && o.body.target === id && o.body.vault === d.config.vaultId && o.body.issuer !== id;
    if (valid) order = newerOrder(order, o);
    else failed.push(o.text);
  }
  if (failed.length > 0) {
    const digest = toBase64((await ready()).crypto_generichash(16, utf8(failed.join('\n')), null));
    if (local.ignored !== digest) {
      await saveLocal(d.home, { ...local, ignored: digest });
      await d.record(
        'device order ignored',
        'an order for this computer in the cloud failed its checks (not from this vault, another computer, or these keys)',
      );
    }
  }
  if (!order || order.body.counter <= local.pinned) return undefined; // none, seen, or older than one seen: stale
  const { action, counter } = order.body;
  if (action === 'wipe') {
    await d.record('remote wipe started', 'this computer was marked lost on another computer of the vault, which ordered its wipe');
    await mirrorAudit(d.home, d.remote, id, keys.authKey).catch(() => {}); // the wipe's start on record in the cloud (the breach report shows it); the wipe goes on regardless
    return () => wipe(d.home, d.config.vaultDir, counter, { remote: d.remote, deviceId: id, deviceKey: d.config.deviceKey });
  }
  await saveLocal(d.home, { ...(await loadLocal(d.home)), pinned: counter });
  await d.record(action === 'lost' ? 'marked lost elsewhere' : 'marked found elsewhere', 'by another computer of the vault');
  return undefined;
}

/** What a sync pass calls (engine/mirror/sync.ts, SyncContext.devices). */
export function deviceHooks(d: DeviceDeps): {
  beforePass(): Promise<(() => Promise<never>) | undefined>;
  register(): Promise<number>;
  afterPass(files: Iterable<[string, { mtimeMs: number }]>): Promise<void>;
} {
  return {
    beforePass: () => checkOrder(d),
    register: async () => {
      const { others, found } = await countDevices(d.remote, d.config.deviceId, configWriteKeys(d.config).authKey);
      if (!found) await writeOwnRecord(d, { force: true });
      return others;
    },
    afterPass: (files) => writeOwnRecord(d, { files, synced: true }),
  };
}
