// The WASM build's Argon2id on a thread that ends with it (crypto/kdf.ts
// runArgon2Elsewhere): a WASM heap only grows, and the default 256 MiB would
// stay with the process for good, where a thread's heap goes with it. About
// 0.05 s more per unlock. The passphrase bytes move to the thread (never
// copied through a message) and are wiped there.
import { Worker } from 'node:worker_threads';
import type { Argon2Runner } from '../../crypto/kdf.js';

export const argon2OnThread: Argon2Runner = (pw, salt, p) => {
  const moved = pw.slice(); // a buffer of its own to move; the caller wipes `pw`
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./kdf-worker.js', import.meta.url), {
      workerData: { pw: moved, salt: salt.slice(), ops: p.ops, mem: p.mem },
      transferList: [moved.buffer as ArrayBuffer],
    });
    let key: Uint8Array | undefined;
    w.once('message', (k: Uint8Array) => (key = k));
    w.once('error', reject);
    // Resolved once the thread has ended, its heap with it.
    w.once('exit', () => (key ? resolve(key) : reject(new Error('internal error: the key derivation stopped'))));
  });
};
