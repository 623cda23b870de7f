// The passphrase Casevault suggests for a package: five words from the
// BIP-39 English list (2048 words, each unique in its first four letters,
// none easily misheard as another), 55 bits, to be read out over the phone.
// Argon2id makes each guess cost 64 MiB and a fraction of a second, which
// puts five words far beyond reach for as long as a package matters.
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { randomBytes } from '../random.js';

export const SPEAKABLE_WORDS = 5;

export function speakablePassphrase(words = SPEAKABLE_WORDS): string {
  const r = randomBytes(2 * words);
  // 2048 is 2^11, so 11 bits of each pair pick a word with no bias.
  return Array.from({ length: words }, (_, i) => wordlist[((r[2 * i]! << 8) | r[2 * i + 1]!) & 0x7ff]!).join(' ');
}
