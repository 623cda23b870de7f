// The organisation's escrow key on the engine side: the union's officer
// generates the key pair into files; a caseworker adds its public half to
// the vault once a person has confirmed the fingerprint. Spec: docs/format.md
// ("Escrow") and docs/handover.md.
import { readFile, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  createEscrowKey,
  escrowFingerprint,
  normaliseFingerprint,
  openEscrowKeyFile,
  parseEscrowKeyFile,
  parseEscrowPublicKey,
  type EscrowKeyPair,
  type KdfParams,
} from '../../crypto/index.js';
import { writeNewFile } from '../fsutil/atomic.js';
import { Refused, UsageError } from '../errors.js';
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

/** Open the union's escrow key file with its passphrase. */
export async function openEscrowKey(file: string, passphrase: string): Promise<EscrowKeyPair> {
  const bytes = await readFile(file).catch(() => {
    throw new UsageError('the escrow key file cannot be read; check its path');
  });
  return openEscrowKeyFile(parseEscrowKeyFile(bytes), passphrase);
}
