// Recovery key: an independent random 256-bit key that wraps the master
// secret (so it can be replaced), written as 27 words from the BIP-39 English
// list (2048 words, each unique in its first four letters). The 297 bits hold
// the 256-bit key, a 32-bit checksum and 9 zero bits; a typo, a missing word
// or two swapped words fail the checksum before any key derivation runs.
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { BadRecoveryKey } from './errors.js';
import { concat, utf8 } from './bytes.js';
import { ready } from './sodium.js';

export const RECOVERY_KEY_BYTES = 32;
export const RECOVERY_WORDS = 27;
const CHECKSUM_BYTES = 4;

const wordIndex = new Map<string, number>();
wordlist.forEach((w, i) => {
  wordIndex.set(w, i);
  wordIndex.set(w.slice(0, 4), i);
});

const CHECKSUM_CONTEXT = utf8('casevault recovery checksum v1');

async function checksum(key: Uint8Array): Promise<Uint8Array> {
  const sodium = await ready();
  return sodium.crypto_generichash(16, concat(CHECKSUM_CONTEXT, key), null).subarray(0, CHECKSUM_BYTES);
}

/** Words for a 32-byte recovery key, grouped in threes for reading aloud. */
export async function encodeRecoveryKey(key: Uint8Array): Promise<string> {
  if (key.length !== RECOVERY_KEY_BYTES) throw new Error('internal error: recovery key length');
  const data = concat(key, await checksum(key));
  let bits = 0n;
  for (const b of data) bits = (bits << 8n) | BigInt(b);
  bits <<= 9n; // 288 data bits + 9 zero bits = 27 x 11
  const words: string[] = [];
  for (let i = RECOVERY_WORDS - 1; i >= 0; i--) {
    words.push(wordlist[Number((bits >> BigInt(i * 11)) & 0x7ffn)]!);
  }
  const groups: string[] = [];
  for (let i = 0; i < words.length; i += 3) groups.push(words.slice(i, i + 3).join(' '));
  return groups.join(' - ');
}

/**
 * Writes the key and checksum bytes the 27 word indices spell into `out`
 * (the checksum's context first, so the hash input is ready in place);
 * false if the 9 closing bits are not zero.
 */
function unpackInto(indices: readonly number[], out: Uint8Array): boolean {
  let acc = 0;
  let held = 0;
  let at = CHECKSUM_CONTEXT.length;
  for (const index of indices) {
    acc = ((acc << 11) | index) & 0xfffff; // never more than 7 + 11 bits held
    held += 11;
    while (held >= 8 && at < out.length) {
      held -= 8;
      out[at++] = (acc >> held) & 0xff;
    }
  }
  return (acc & ((1 << held) - 1)) === 0;
}

type Sodium = Awaited<ReturnType<typeof ready>>;

/** Scratch space for keyOf: the checksum's context, the key, the checksum. */
const scratch = () => {
  const buf = new Uint8Array(CHECKSUM_CONTEXT.length + RECOVERY_KEY_BYTES + CHECKSUM_BYTES);
  buf.set(CHECKSUM_CONTEXT);
  return buf;
};

/** Whether the indices spell a key whose checksum holds (the key is then in `buf`). */
function spellsKey(sodium: Sodium, indices: readonly number[], buf: Uint8Array): boolean {
  if (!unpackInto(indices, buf)) return false;
  const keyEnd = CHECKSUM_CONTEXT.length + RECOVERY_KEY_BYTES;
  const sum = sodium.crypto_generichash(16, buf.subarray(0, keyEnd), null).subarray(0, CHECKSUM_BYTES);
  return sodium.memcmp(sum, buf.subarray(keyEnd));
}

/**
 * Where a single mistyped word is: the one position where some other word
 * makes the checksum hold. With 41 check bits, a chance fit anywhere else
 * is about one in forty million; two positions that fit (or none: two
 * words wrong, or swapped) say nothing.
 */
function typoAt(sodium: Sodium, indices: readonly number[]): number | undefined {
  const buf = scratch();
  let found: number | undefined;
  for (let pos = 0; pos < indices.length; pos++) {
    const trial = [...indices];
    for (let w = 0; w < wordlist.length; w++) {
      if (w === indices[pos]) continue;
      trial[pos] = w;
      if (!spellsKey(sodium, trial, buf)) continue;
      if (found !== undefined) return undefined;
      found = pos;
      break;
    }
  }
  buf.fill(0);
  return found;
}

/**
 * Parse typed words (any case, any spacing or dashes, a word's first four
 * letters are enough). Throws BadRecoveryKey with a message that never repeats
 * the words themselves. `nameTheWord`: when the checksum fails, search for
 * the one wrong word and name it (some 55,000 checksums, a fraction of a
 * second: for a person's typing, not for bulk checks).
 */
export async function decodeRecoveryKey(text: string, o: { nameTheWord?: boolean } = {}): Promise<Uint8Array> {
  const words = text
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((w) => w.length > 0);
  if (words.length !== RECOVERY_WORDS) {
    throw new BadRecoveryKey(`a recovery key has ${RECOVERY_WORDS} words, and ${words.length} were given`);
  }
  const indices = words.map((w, i) => {
    const index = wordIndex.get(w) ?? (w.length >= 4 ? wordIndex.get(w.slice(0, 4)) : undefined);
    if (index === undefined) throw new BadRecoveryKey(`word ${i + 1} of the recovery key is not one of its words`);
    return index;
  });
  const sodium = await ready();
  const buf = scratch();
  const ok = spellsKey(sodium, indices, buf);
  const key = buf.slice(CHECKSUM_CONTEXT.length, CHECKSUM_CONTEXT.length + RECOVERY_KEY_BYTES);
  buf.fill(0);
  if (ok) return key;
  key.fill(0);
  const typo = o.nameTheWord ? typoAt(sodium, indices) : undefined;
  throw new BadRecoveryKey(
    typo === undefined ? 'the recovery key has a typo: check each word' : `word ${typo + 1} of the recovery key is not the right one: check it`,
  );
}
