// Thread for kdf-thread.ts: one Argon2id on the WASM build, then it ends.
import { parentPort, workerData } from 'node:worker_threads';
import { loadBackend } from '../../crypto/sodium.js';

const { pw, salt, ops, mem } = workerData as { pw: Uint8Array; salt: Uint8Array; ops: number; mem: number };
const sodium = await loadBackend('wasm');
try {
  const key = sodium.crypto_pwhash(32, pw, salt, ops, mem, sodium.crypto_pwhash_ALG_ARGON2ID13);
  parentPort!.postMessage(key, [key.buffer as ArrayBuffer]);
} finally {
  sodium.memzero(pw);
}
