// The WASM build's Argon2id (for a passphrase above the 64 MiB floor, such as
// the default 256 MiB) runs on a thread that ends with it once the engine is
// loaded (engine/keys/kdf-thread.ts): a WASM heap never shrinks, and the
// process kept 321 MiB after every unlock. Run in a new process forced onto
// the WASM build, compared with the native build's key.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadBackend } from '../../crypto/sodium.js';

const bytes = (n: number) => new Uint8Array(randomBytes(n));

test("with the engine loaded, the WASM build's Argon2id above the floor runs on a thread that ends with it: the same key, and the process does not keep its heap", async () => {
  const salt = bytes(16);
  const params = { ops: 2, mem: 192 * 1024 * 1024 };
  const passphrase = 'purple elephant dances quietly tonight';
  const kdf = new URL('../../crypto/kdf.js', import.meta.url).href;
  const engine = new URL('../../engine/engine.js', import.meta.url).href;
  const script = `await import(${JSON.stringify(engine)});
    const { passphraseKek } = await import(${JSON.stringify(kdf)});
    const before = process.memoryUsage().rss;
    const key = await passphraseKek(${JSON.stringify(passphrase)}, Buffer.from(${JSON.stringify(Buffer.from(salt).toString('hex'))}, 'hex'), ${JSON.stringify(params)});
    console.log(JSON.stringify({ key: Buffer.from(key).toString('hex'), grew: process.memoryUsage().rss - before }));`;
  const dir = await mkdtemp(join(tmpdir(), 'casevault-kdf-'));
  const file = join(dir, 'derive.mjs'); // a file, not --input-type: worker threads inherit the flags of the command line
  await writeFile(file, script);
  const out = execFileSync(process.execPath, [file], { env: { ...process.env, CASEVAULT_CRYPTO: 'wasm' }, encoding: 'utf8' });
  await rm(dir, { recursive: true });
  const { key, grew } = JSON.parse(out) as { key: string; grew: number };
  const n = await loadBackend('native');
  const pw = new TextEncoder().encode(passphrase);
  assert.equal(key, Buffer.from(n.crypto_pwhash(32, pw, salt, params.ops, params.mem, n.crypto_pwhash_ALG_ARGON2ID13)).toString('hex'));
  assert.ok(grew < params.mem / 2, `the process kept ${Math.round(grew / 2 ** 20)} MiB after Argon2id with ${params.mem / 2 ** 20} MiB`);
});
