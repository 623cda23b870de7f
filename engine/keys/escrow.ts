// The organisation's escrow key on the engine side: the union's officer
// generates the key pair into files; a caseworker adds its public half to
// the vault once a person has confirmed the fingerprint. Spec: docs/format.md
// ("Escrow") and docs/handover.md.
import { readFile, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  createEscrowKey,
  escrowFingerprint,
  keysMatchFingerprint,
  makeEscrowReceipt,
  normaliseFingerprint,
  openEscrowKeyFile,
  parseEscrowKeyFile,
  parseEscrowPublicKey,
  parseEscrowReceipt,
  toBase64,
  vaultFingerprint,
  type EscrowKeyPair,
  type KdfParams,
  type ReadKeys,
} from '../../crypto/index.js';
import type { EscrowSecretInput } from '../../contract/index.js';
import { writeNewFile } from '../fsutil/atomic.js';
import { Damaged, Refused, UsageError } from '../errors.js';
import { exists } from '../fsutil/read.js';

/** Where keygen writes the public half: beside the key file, to hand out. */
export const publicKeyPath = (out: string) => `${out}.pub`;

/** Write a new file atomically, never replacing one that is there. */
async function createNew(path: string, bytes: Uint8Array): Promise<void> {
  if (!(await writeNewFile(path, bytes)))
    throw new UsageError('the escrow key file (or its .pub beside it) already exists; choose a new file name (Casevault never overwrites it)');
}

/** Generate the union's escrow key pair into `out` (secret half under the passphrase) and `out`.pub. */
export async function writeEscrowKey(out: string, passphrase: string, kdf: KdfParams): Promise<{ keyFile: string; publicFile: string; fingerprint: string }> {
  const keyFile = resolve(out);
  const publicFile = publicKeyPath(keyFile);
  for (const f of [keyFile, publicFile]) {
    if (await exists(f))
      throw new UsageError('the escrow key file (or its .pub beside it) already exists; choose a new file name (Casevault never overwrites it)');
  }
  if (
    !(await stat(dirname(keyFile)).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  )
    throw new UsageError('the folder for the escrow key file does not exist; create it or choose another place');
  const made = await createEscrowKey(passphrase, kdf);
  await createNew(keyFile, made.keyFile);
  try {
    await createNew(publicFile, made.publicFile);
  } catch (e) {
    await rm(keyFile, { force: true }); // this run made it a moment ago: no half-made pair is left
    throw e;
  }
  return { keyFile, publicFile, fingerprint: made.fingerprint };
}

/** The escrow public key in `file`, once the fingerprint a person typed matches it. */
export async function confirmedEscrowKey(file: string, fingerprint: string): Promise<{ publicKey: Uint8Array; fingerprint: string }> {
  const bytes = await readFile(file).catch(() => {
    throw new UsageError('the escrow public key file cannot be read; check its path');
  });
  const publicKey = parseEscrowPublicKey(bytes);
  const actual = await escrowFingerprint(publicKey);
  if (normaliseFingerprint(fingerprint) !== actual) {
    throw new Refused(
      'the fingerprint does not match this escrow public key; confirm the fingerprint with the union (read it out to each other) and do not add a key you cannot confirm',
    );
  }
  return { publicKey, fingerprint: actual };
}

/**
 * After an escrow slot for `escrowFp` was added to the key file of `keys`:
 * the vault fingerprint, and the receipt written to `receiptFile` (a new
 * file) for the union to keep with its escrow key.
 */
export async function writeEscrowReceipt(
  keys: Pick<ReadKeys, 'vaultId' | 'publicKey'>,
  escrowFp: string,
  receiptFile: string | undefined,
): Promise<{ vaultFingerprint: string; receiptFile?: string }> {
  const fp = await vaultFingerprint(keys.vaultId, keys.publicKey);
  if (!receiptFile) return { vaultFingerprint: fp };
  const path = resolve(receiptFile);
  if (!(await writeNewFile(path, await makeEscrowReceipt(keys, escrowFp, new Date()))))
    throw new UsageError('the escrow receipt file already exists; choose a new file name (Casevault never overwrites it)');
  return { vaultFingerprint: fp, receiptFile: path };
}

/** What escrow recovery pins: the vault ID (from a receipt) and a vault fingerprint. */
export interface EscrowPin {
  vaultId?: string;
  fingerprint: string;
}

/** The receipt, or the typed vault fingerprint, that escrow recovery needs: read and checked before any Argon2 runs. */
export async function escrowPinOf(s: EscrowSecretInput): Promise<EscrowPin> {
  if (s.escrowReceiptFile) {
    const bytes = await readFile(s.escrowReceiptFile).catch(() => {
      throw new UsageError('the escrow receipt file cannot be read; check its path');
    });
    const receipt = parseEscrowReceipt(bytes);
    return { vaultId: receipt.vaultId, fingerprint: receipt.vaultFingerprint };
  }
  if (s.vaultFingerprint) {
    const fingerprint = normaliseFingerprint(s.vaultFingerprint);
    if (!fingerprint) throw new UsageError('the vault fingerprint is 32 hex digits, as the escrow receipt shows it');
    return { fingerprint };
  }
  throw new UsageError("opening a vault with the union's escrow key needs the escrow receipt kept with that key, or the vault fingerprint the receipt shows");
}

/**
 * Escrow recovery pins the vault: keys opened with the union's key must be
 * the ones its receipt (or the vault fingerprint typed from it) names, or
 * the key file was forged for the vault's ID (the union's public key is in
 * every key file, so anyone can seal a master of their own to it). Checked
 * before anything is restored or pinned.
 */
export async function checkEscrowPin(keys: ReadKeys, pin: EscrowPin): Promise<void> {
  if (pin.vaultId !== undefined && pin.vaultId !== toBase64(keys.vaultId)) {
    throw new Damaged(
      "the vault's key file has another vault ID than the escrow receipt (the receipt is another vault's, or the key file was swapped in), so nothing was restored",
    );
  }
  if (!(await keysMatchFingerprint(keys, pin.fingerprint))) {
    throw new Damaged(
      "the vault's key file opens with the union's escrow key but its keys are not the ones the escrow receipt names (the key file was forged or swapped in), so nothing was restored",
    );
  }
}

/** Open the union's escrow key file with its passphrase. */
export async function openEscrowKey(file: string, passphrase: string): Promise<EscrowKeyPair> {
  const bytes = await readFile(file).catch(() => {
    throw new UsageError('the escrow key file cannot be read; check its path');
  });
  return openEscrowKeyFile(parseEscrowKeyFile(bytes), passphrase);
}
