// The recipe behind tests/vectors/format-v2.json: fixed inputs and a fixed
// randomness stream in, exact bytes out, for every format in crypto/ as
// written now (format-v1.json is the first set, kept as it was). The
// generator (make-format-vectors.ts) writes its result; the test re-runs it
// and compares byte for byte, so any change to a format shows.
import { createHash } from 'node:crypto';
import {
  addEscrowSlot,
  createEscrowKey,
  markCloudReencrypted,
  rotateKeyFile,
  parseEscrowPublicKey,
  createKeyFile,
  encodeRecoveryKey,
  KDF_PROFILES,
  objectId,
  ObjectSealer,
  padmeLength,
  sealLocalSecret,
  serializeKeyFile,
  toHex,
} from '../../crypto/index.js';
import { setRandomSourceForTests } from '../../crypto/random.js';

export interface FormatVectors {
  comment: string;
  seed: string;
  passphrase: string;
  kdf: { ops: number; mem: number };
  keyFile: string;
  recoveryKey: string;
  keys: Record<string, string>;
  names: { path: string; id: string }[];
  padme: [number, number][];
  objects: { path: string; size: number; mtimeMs: number; id: string; length: number; sha256: string; hex?: string }[];
  localSecret: { label: string; secret: string; sealed: { nonce: string; sealed: string } };
  /** The union's escrow key (its two files) and the vault's key file with an escrow slot for it. */
  escrow: { passphrase: string; keyFile: string; publicFile: string; fingerprint: string; vaultKeyFile: string };
  /** The escrow vector's key file after a key rotation (re-encrypting the cloud, then done): new master, the old one kept under it. */
  rotated: { passphrase: string; keyFile: string; doneKeyFile: string; master: string; publicKey: string };
}

export const SEED = 'casevault format vectors v1';
export const PASSPHRASE = 'correct horse battery staple vector';
export const ESCROW_PASSPHRASE = 'union data protection officer vector';
export const ROTATED_PASSPHRASE = 'lost laptop new passphrase vector';
export const PATHS = [
  'notes.txt',
  'caf\u00e9.txt',
  'cafe\u0301.txt',
  'Members/0042/grievance letter.docx',
  `${Array.from({ length: 12 }, (_, i) => `d${i}`).join('/')}/deep.pdf`,
];
export const SIZES = [0, 1, 1000, 65536 - 50, 65536 * 2 + 5];
export const PADME_SIZES = [0, 1, 1024, 1025, 4000, 65536, 65537, 1_000_000, 1_073_741_824, 10_000_000_000];

/** Content of object i: a fixed pattern, so vectors need not store it. */
export function content(size: number, i: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let k = 0; k < size; k++) b[k] = (k * 31 + i * 7) & 0xff;
  return b;
}

/** A deterministic randomness stream: ChaCha20 keystream under BLAKE2b(seed) (computed with the WASM build, which has the one call crypto/ does not need). */
export async function deterministicRandom(seed: string): Promise<(n: number) => Uint8Array> {
  const { default: sodium } = await import('libsodium-wrappers-sumo');
  await sodium.ready;
  const key = sodium.crypto_generichash(32, new TextEncoder().encode(seed), null);
  const stream = sodium.crypto_stream_chacha20(4 * 1024 * 1024, key, new Uint8Array(8));
  let offset = 0;
  return (n: number) => {
    if (offset + n > stream.length) throw new Error('vector randomness exhausted');
    const out = stream.slice(offset, offset + n);
    offset += n;
    return out;
  };
}

export async function buildVectors(): Promise<FormatVectors> {
  const restore = setRandomSourceForTests(await deterministicRandom(SEED));
  try {
    const kdf = KDF_PROFILES.interactive;
    const { keys, keyFile, recoveryKey } = await createKeyFile(PASSPHRASE, kdf);
    const sealer = await ObjectSealer.create(keys);
    const objects: FormatVectors['objects'] = [];
    for (let i = 0; i < SIZES.length; i++) {
      const path = PATHS[i % PATHS.length]!;
      const size = SIZES[i]!;
      const id = await objectId(keys.nameKey, path);
      const meta = { path, size, mtimeMs: 1_790_000_000_000 + i * 1000.5 };
      const bytes = sealer.sealBytes(id, meta, content(size, i));
      objects.push({
        path,
        size,
        mtimeMs: meta.mtimeMs,
        id: toHex(id),
        length: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        ...(bytes.length <= 4096 ? { hex: toHex(bytes) } : {}),
      });
    }
    sealer.dispose();
    const sealed = await sealLocalSecret(keys.localSecretKey, keys.vaultId, 'dropbox refresh token', 'sl.example-refresh-token');
    // Drawn last from the randomness stream, so every earlier vector keeps its bytes.
    const escrowKey = await createEscrowKey(ESCROW_PASSPHRASE, kdf);
    const withEscrow = await addEscrowSlot(keyFile, keys, parseEscrowPublicKey(escrowKey.publicFile));
    // Drawn after the escrow vectors, for the same reason.
    const rotated = await rotateKeyFile(withEscrow, keys, ROTATED_PASSPHRASE, kdf);
    const done = await markCloudReencrypted(rotated.keyFile, rotated.keys);
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    return {
      comment:
        'Casevault format test vectors, second set: what the writer makes now (docs/format.md). Regenerate only for a deliberate format change: npm run build && node dist/tests/vectors/make-format-vectors.js',
      seed: SEED,
      passphrase: PASSPHRASE,
      kdf: { ops: kdf.ops, mem: kdf.mem },
      keyFile: new TextDecoder().decode(serializeKeyFile(keyFile)),
      recoveryKey: await encodeRecoveryKey(recoveryKey),
      keys: Object.fromEntries(
        ['vaultId', 'master', 'publicKey', 'boxSecret', 'nameKey', 'authKey', 'keyfileMacKey', 'localSecretKey'].map((k) => [
          k,
          toHex((keys as unknown as Record<string, Uint8Array>)[k]!),
        ]),
      ),
      names: await Promise.all(PATHS.map(async (path) => ({ path, id: toHex(await objectId(keys.nameKey, path)) }))),
      padme: PADME_SIZES.map((n) => [n, padmeLength(n)]),
      objects,
      localSecret: { label: 'dropbox refresh token', secret: 'sl.example-refresh-token', sealed: { nonce: sealed.nonce, sealed: sealed.sealed } },
      escrow: {
        passphrase: ESCROW_PASSPHRASE,
        keyFile: text(escrowKey.keyFile),
        publicFile: text(escrowKey.publicFile),
        fingerprint: escrowKey.fingerprint,
        vaultKeyFile: text(serializeKeyFile(withEscrow)),
      },
      rotated: {
        passphrase: ROTATED_PASSPHRASE,
        keyFile: text(serializeKeyFile(rotated.keyFile)),
        doneKeyFile: text(serializeKeyFile(done)),
        master: toHex(rotated.keys.master),
        publicKey: toHex(rotated.keys.publicKey),
      },
    };
  } finally {
    restore();
  }
}
