// Randomness for every format. libsodium.js asks the host for 4 bytes at a
// time (one syscall each), which dominated the cost of small files; here
// bytes come from a pool refilled 64 KiB at a time. Tests that pin exact
// bytes (tests/vectors) swap the source for a deterministic keystream.
import { randomBytes as systemRandom } from 'node:crypto';

type Source = (n: number) => Uint8Array;

const POOL_SIZE = 64 * 1024;
let pool = new Uint8Array(0);
let offset = 0;

function pooledSystemRandom(n: number): Uint8Array {
  if (n > POOL_SIZE / 4) return new Uint8Array(systemRandom(n));
  if (offset + n > pool.length) {
    pool = new Uint8Array(systemRandom(POOL_SIZE));
    offset = 0;
  }
  const out = pool.slice(offset, offset + n);
  pool.fill(0, offset, offset + n);
  offset += n;
  return out;
}

let source: Source = pooledSystemRandom;

/** n fresh random bytes. */
export function randomBytes(n: number): Uint8Array {
  return source(n);
}

/**
 * Replace the randomness source (tests only: test vectors). Returns a
 * function that restores the system source.
 */
export function setRandomSourceForTests(next: Source): () => void {
  source = next;
  return () => {
    source = pooledSystemRandom;
  };
}

interface SodiumWithModule {
  libsodium?: { getRandomValue?: () => number };
}

/** Route libsodium's internal randomness (e.g. secretstream headers) through `source`. */
export function installSodiumRandom(sodium: object): void {
  const mod = (sodium as SodiumWithModule).libsodium;
  if (!mod) throw new Error('internal error: libsodium module not found');
  mod.getRandomValue = () => {
    const b = source(4);
    return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  };
}
