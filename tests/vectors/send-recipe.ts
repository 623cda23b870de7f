// The recipe behind tests/vectors/send-v1.json: fixed passphrases, files,
// dates and a fixed randomness stream in, exact package bytes out
// (docs/send-format.md). make-send-vectors.ts writes its result; the test
// re-runs it and compares byte for byte, so any change to the format shows.
import { createHash } from 'node:crypto';
import { ready, toHex } from '../../crypto/index.js';
import { setRandomSourceForTests } from '../../crypto/random.js';
import { normalisePassphrase, sealPackage, speakablePassphrase, type ManifestFile } from '../../crypto/send/index.js';
import { keyCheck, passphraseRoot, streamKey, type SendKdf } from '../../crypto/send/format.js';
import { content, deterministicRandom } from './format-recipe.js';

export interface SendVector {
  passphrase: string;
  created: string;
  expiresDay: number | null;
  files: ManifestFile[];
  length: number;
  sha256: string;
  /** The whole package, for the small ones. */
  hex?: string;
}

export interface SendVectors {
  comment: string;
  seed: string;
  kdf: SendKdf;
  packages: SendVector[];
  /** The first package's key schedule: Argon2id's output, the key check and the stream key. */
  keys: { root: string; check: string; streamKey: string };
  /** Passphrases as Casevault suggests them, drawn from the same stream. */
  speakable: string[];
  /** Passphrases as typed, and what they are derived as. */
  normalised: [string, string][];
}

export const SEND_SEED = 'casevault send vectors v1';
const KDF: SendKdf = { ops: 2, memKiB: 64 * 1024 };

export const PACKAGES: Omit<SendVector, 'length' | 'sha256' | 'hex'>[] = [
  { passphrase: 'orbit velvet camp fossil lemon', created: '2026-05-12T09:30:00.000Z', expiresDay: 20_600, files: [{ name: 'notes.txt', size: 20 }] },
  {
    passphrase: 'Siobhán’s own passphrase, 2026',
    created: '2026-05-12T09:31:00.000Z',
    expiresDay: null,
    files: [
      { name: 'Case 0042/empty.txt', size: 0 },
      { name: 'Case 0042/grievance letter (final).docx', size: 1 },
      { name: 'Case 0042/caf\u00e9 notes.txt', size: 65_536 - 10 },
      { name: 'Case 0042/cafe\u0301 notes.txt', size: 70_000 },
      { name: '日本語 📎.pdf', size: 3 },
    ],
  },
];

export const NORMALISED = ['  orbit  velvet camp\tfossil lemon ', 'cafe\u0301 au lait'];

/** The bytes of package `i` of PACKAGES, with the randomness drawn in order (packages before it drawn first). */
export async function* packageBytes(p: (typeof PACKAGES)[number], index: number): AsyncGenerator<Uint8Array> {
  yield* sealPackage({
    passphrase: p.passphrase,
    files: p.files,
    content: (i) => [content(p.files[i]!.size, index * 10 + i)],
    created: new Date(p.created),
    expiresDay: p.expiresDay,
    kdf: KDF,
  });
}

async function collect(pieces: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of pieces) parts.push(p);
  return new Uint8Array(Buffer.concat(parts));
}

/** Every package's bytes, in order, from the fixed randomness stream. */
export async function buildPackages(): Promise<Uint8Array[]> {
  const restore = setRandomSourceForTests(await deterministicRandom(SEND_SEED));
  try {
    const out: Uint8Array[] = [];
    for (const [i, p] of PACKAGES.entries()) out.push(await collect(packageBytes(p, i)));
    return out;
  } finally {
    restore();
  }
}

export async function buildSendVectors(): Promise<SendVectors> {
  const sodium = await ready();
  const bytes = await buildPackages();
  const first = bytes[0]!;
  const root = passphraseRoot(sodium, PACKAGES[0]!.passphrase, first.slice(20, 36), KDF);
  const restore = setRandomSourceForTests(await deterministicRandom(`${SEND_SEED} speakable`));
  let speakable: string[];
  try {
    speakable = [speakablePassphrase(), speakablePassphrase(), speakablePassphrase(3)];
  } finally {
    restore();
  }
  return {
    comment:
      'Casevault send package v1 test vectors (docs/send-format.md). Regenerate only for a deliberate format change: npm run build && node dist/tests/vectors/make-send-vectors.js',
    seed: SEND_SEED,
    kdf: KDF,
    packages: PACKAGES.map((p, i) => ({
      ...p,
      length: bytes[i]!.length,
      sha256: createHash('sha256').update(bytes[i]!).digest('hex'),
      ...(bytes[i]!.length <= 4096 ? { hex: toHex(bytes[i]!) } : {}),
    })),
    keys: { root: toHex(root), check: toHex(keyCheck(sodium, root, first.subarray(0, 60))), streamKey: toHex(streamKey(sodium, root)) },
    speakable,
    normalised: NORMALISED.map((p) => [p, normalisePassphrase(p)]),
  };
}
