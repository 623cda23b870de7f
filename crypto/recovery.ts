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

async function checksum(key: Uint8Array): Promise<Uint8Array> {
  const sodium = await ready();
  return sodium.crypto_generichash(16, concat(utf8('casevault recovery checksum v1'), key), null).subarray(0, CHECKSUM_BYTES);
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
 * Parse typed words (any case, any spacing or dashes, a word's first four
 * letters are enough). Throws BadRecoveryKey with a message that never repeats
 * the words themselves.
 */
export async function decodeRecoveryKey(text: string): Promise<Uint8Array> {
  const words = text
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((w) => w.length > 0);
  if (words.length !== RECOVERY_WORDS) {
    throw new BadRecoveryKey(`a recovery key has ${RECOVERY_WORDS} words, and ${words.length} were given`);
  }
  let bits = 0n;
  words.forEach((w, i) => {
    const index = wordIndex.get(w) ?? (w.length >= 4 ? wordIndex.get(w.slice(0, 4)) : undefined);
    if (index === undefined) throw new BadRecoveryKey(`word ${i + 1} of the recovery key is not one of its words`);
    bits = (bits << 11n) | BigInt(index);
  });
  if ((bits & 0x1ffn) !== 0n) throw new BadRecoveryKey('the recovery key has a typo: check each word');
  bits >>= 9n;
  const data = new Uint8Array(RECOVERY_KEY_BYTES + CHECKSUM_BYTES);
  for (let i = data.length - 1; i >= 0; i--) {
    data[i] = Number(bits & 0xffn);
    bits >>= 8n;
  }
  const key = data.slice(0, RECOVERY_KEY_BYTES);
  const sum = await checksum(key);
  const sodium = await ready();
  if (!sodium.memcmp(sum, data.subarray(RECOVERY_KEY_BYTES))) {
    throw new BadRecoveryKey('the recovery key has a typo: check each word');
  }
  return key;
}
