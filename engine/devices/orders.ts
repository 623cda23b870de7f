// Orders to a computer of the vault (devices/<target>.order, docs/devices.md):
// marked lost, wipe, found again. An order is MACed under every generation
// of the auth key its issuer holds, because the lost computer holds only the
// keys from before the rotation; it names its target, its issuer and a
// counter, so it cannot be replayed onto another computer and a later
// "found" makes it stale. A wipe's receipt (devices/<id>.wiped) is MACed
// under the wiped computer's own device key, which only the vault's
// computers can read (from its sealed record). Sizes are checked before
// anything is parsed.
import { z } from 'zod';
import { concat, fromHex, ready, toHex, utf8 } from '../../crypto/index.js';
import { DEVICES } from './records.js';

export const ORDER_MAX = 8192;
export const RECEIPT_MAX = 2048;
const ORDER_LABEL = utf8('casevault device order v1\0');
const RECEIPT_LABEL = utf8('casevault device wiped v1\0');
const ID = z.string().regex(/^[0-9a-f]{32}$/);

export const orderName = (deviceId: string): string => `${DEVICES}${deviceId}.order`;
/** The newest `found` for a computer, kept apart from its order: a wipe order put back over the order file leaves it standing. */
export const foundName = (deviceId: string): string => `${DEVICES}${deviceId}.found`;
export const receiptName = (deviceId: string): string => `${DEVICES}${deviceId}.wiped`;

const bodySchema = z
  .object({
    vault: z.string().max(64),
    target: ID,
    issuer: ID,
    counter: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    action: z.enum(['lost', 'wipe', 'found']),
    at: z.string().max(40),
  })
  .strict();
export type OrderBody = z.infer<typeof bodySchema>;
const fileSchema = z
  .object({
    body: z.string().max(1024),
    macs: z
      .array(z.string().regex(/^[0-9a-f]{64}$/))
      .min(1)
      .max(17),
  })
  .strict();

export interface Order {
  body: OrderBody;
  /** The order as written to the cloud. */
  text: string;
  macs: string[];
}

async function orderMac(authKey: Uint8Array, body: string): Promise<string> {
  return toHex((await ready()).crypto_generichash(32, concat(ORDER_LABEL, utf8(body)), authKey));
}

/** An order MACed under each of `authKeys` (the current one first, then the earlier generations). */
export async function makeOrder(body: OrderBody, authKeys: readonly Uint8Array[]): Promise<Order> {
  const text = JSON.stringify(body);
  const macs = await Promise.all(authKeys.map((k) => orderMac(k, text)));
  return { body, text: JSON.stringify({ body: text, macs }), macs };
}

/** An order's file parsed (not yet authenticated), or undefined if it is not one. */
export function parseOrder(bytes: Uint8Array | string): Order | undefined {
  if (bytes.length > ORDER_MAX) return undefined;
  try {
    const text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    const file = fileSchema.safeParse(JSON.parse(text));
    if (!file.success) return undefined;
    const body = bodySchema.safeParse(JSON.parse(file.data.body));
    return body.success ? { body: body.data, text, macs: file.data.macs } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether one of the order's MACs is under `authKey`. */
export async function orderVerifies(o: Order, authKey: Uint8Array): Promise<boolean> {
  const sodium = await ready();
  const want = fromHex(await orderMac(authKey, JSON.stringify(o.body)));
  return o.macs.some((m) => sodium.memcmp(fromHex(m), want));
}

/** The order for `deviceId` in the cloud (parsed, not yet authenticated), if there is one; `name`: foundName for its kept `found`. */
export async function readOrder(
  remote: { read(name: string, max: number): Promise<Uint8Array>; stat(name: string): Promise<{ size?: number } | undefined> },
  deviceId: string,
  name = orderName(deviceId),
): Promise<Order | undefined> {
  const st = await remote.stat(name);
  if (!st || (st.size !== undefined && st.size > ORDER_MAX)) return undefined;
  const o = parseOrder(await remote.read(name, ORDER_MAX));
  return name === orderName(deviceId) || o?.body.action === 'found' ? o : undefined;
}

/** The one of two orders with the higher counter. */
export const newerOrder = (a: Order | undefined, b: Order | undefined): Order | undefined => (!a || (b && b.body.counter > a.body.counter) ? b : a);

const receiptBodySchema = z.object({ target: ID, counter: z.number().int().min(1), at: z.string().max(40) }).strict();
export type ReceiptBody = z.infer<typeof receiptBodySchema>;

async function receiptMac(deviceKey: Uint8Array, body: string): Promise<string> {
  return toHex((await ready()).crypto_generichash(32, concat(RECEIPT_LABEL, utf8(body)), deviceKey));
}

export async function makeReceipt(body: ReceiptBody, deviceKey: Uint8Array): Promise<Uint8Array> {
  const text = JSON.stringify(body);
  return utf8(JSON.stringify({ body: text, mac: await receiptMac(deviceKey, text) }));
}

/** The receipt's body if it verifies under `deviceKey` and names `deviceId`. */
export async function openReceipt(bytes: Uint8Array, deviceId: string, deviceKey: Uint8Array): Promise<ReceiptBody | undefined> {
  if (bytes.length > RECEIPT_MAX) return undefined;
  try {
    const file = z
      .object({ body: z.string().max(1024), mac: z.string().regex(/^[0-9a-f]{64}$/) })
      .strict()
      .parse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)));
    const sodium = await ready();
    if (!sodium.memcmp(fromHex(file.mac), fromHex(await receiptMac(deviceKey, file.body)))) return undefined;
    const body = receiptBodySchema.parse(JSON.parse(file.body));
    return body.target === deviceId ? body : undefined;
  } catch {
    return undefined;
  }
}
