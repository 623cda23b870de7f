// The escrow receipt: what the union keeps beside its escrow key for each
// vault whose key file gets its escrow slot, so that escrow recovery has
// something to pin. The union's public key is in every key file, so anyone
// can seal a master secret of their own to it and build a key file for a
// vault's ID that opens with the union's key and passes its MAC; what they
// cannot make is a key file whose keys are the vault's own. The receipt
// names the vault's public key by a fingerprint (as escrow fingerprints
// are: short enough to read over the phone), and escrow recovery refuses a
// key file none of whose key generations has it. Spec: docs/format.md,
// "Escrow receipt".
import { z } from 'zod';
import { concat, fromBase64, toBase64, toHex, utf8 } from './bytes.js';
import { DamagedData, UnsupportedFormat } from './errors.js';
import { normaliseFingerprint } from './escrow.js';
import { keyring, type ReadKeys } from './keys.js';
import { ready } from './sodium.js';

export const ESCROW_RECEIPT_VERSION = 1;

const fingerprint = z.string().regex(/^([0-9a-f]{4}-){7}[0-9a-f]{4}$/);
const receiptSchema = z
  .object({
    casevault: z.literal('escrow-receipt'),
    version: z.literal(ESCROW_RECEIPT_VERSION),
    vaultId: z.string().max(100),
    vaultFingerprint: fingerprint,
    escrowFingerprint: fingerprint,
    made: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  })
  .strict();
export type EscrowReceipt = z.infer<typeof receiptSchema>;

const damaged = (why: string) =>
  new DamagedData(`the escrow receipt is damaged (${why}); use the union's other copy of it, or type the vault fingerprint it shows`);

/** The vault fingerprint: BLAKE2b-128 of the vault ID and one key generation's public key, as eight groups of four hex digits. */
export async function vaultFingerprint(vaultId: Uint8Array, publicKey: Uint8Array): Promise<string> {
  const sodium = await ready();
  const hex = toHex(sodium.crypto_generichash(16, concat(utf8('casevault vault fingerprint v1'), vaultId, publicKey), null));
  return hex.match(/.{4}/g)!.join('-');
}

/** The receipt for the vault whose current keys are `keys`, once its key file has the escrow slot of `escrowFingerprint`. */
export async function makeEscrowReceipt(keys: Pick<ReadKeys, 'vaultId' | 'publicKey'>, escrowFingerprint: string, made: Date): Promise<Uint8Array> {
  const receipt: EscrowReceipt = {
    casevault: 'escrow-receipt',
    version: ESCROW_RECEIPT_VERSION,
    vaultId: toBase64(keys.vaultId),
    vaultFingerprint: await vaultFingerprint(keys.vaultId, keys.publicKey),
    escrowFingerprint,
    made: made.toISOString().slice(0, 10),
  };
  return utf8(JSON.stringify(receipt, null, 2) + '\n');
}

/** Parse and shape-check a receipt (at most 4 KiB). */
export function parseEscrowReceipt(bytes: Uint8Array): EscrowReceipt {
  if (bytes.length > 4096) throw damaged('too large');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw damaged('not readable');
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version !== ESCROW_RECEIPT_VERSION) {
    throw new UnsupportedFormat(`the escrow receipt is format version ${version}; this Casevault reads version ${ESCROW_RECEIPT_VERSION} only`);
  }
  const parsed = receiptSchema.safeParse(json);
  if (!parsed.success) throw damaged('unexpected contents');
  try {
    fromBase64(parsed.data.vaultId, 16);
  } catch {
    throw damaged('bad vault ID');
  }
  return parsed.data;
}

/**
 * Whether keys opened from a key file are the vault a receipt (or a typed
 * vault fingerprint) names: the fingerprint of the current public key or of
 * any earlier one the key file keeps (a receipt outlives key rotations, as
 * the earlier master secrets stay under the current one).
 */
export async function keysMatchFingerprint(keys: ReadKeys, pinned: string): Promise<boolean> {
  const want = normaliseFingerprint(pinned);
  if (!want) return false;
  for (const k of keyring(keys)) if ((await vaultFingerprint(k.vaultId, k.publicKey)) === want) return true;
  return false;
}
