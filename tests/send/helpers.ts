// What the send tests share: packages as bytes (also out of a page), opening them whole, and
// editing a header (with its checksum made good again, as a forger would).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { ready, type Sodium } from '../../crypto/sodium.js';
import { openPackage, type OpenedPackage } from '../../crypto/send/index.js';

/** The package's bytes out of a page file: its data elements' base64, in order. */
export async function bytesOfPage(html: string): Promise<Uint8Array> {
  const text = await readFile(html, 'utf8');
  return new Uint8Array(
    Buffer.concat([...text.matchAll(/<script type="application\/x-casevault-send">([^<]*)<\/script>/g)].map((m) => Buffer.from(m[1]!, 'base64'))),
  );
}

export async function bytesOf(pieces: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of pieces) parts.push(p);
  return new Uint8Array(Buffer.concat(parts));
}

/** Every file's content, whole (small packages only). */
export async function contentsOf(pkg: OpenedPackage): Promise<Uint8Array[]> {
  const parts: Buffer[][] = pkg.manifest.files.map(() => []);
  for await (const c of pkg.contents()) parts[c.index]!.push(Buffer.from(c.bytes));
  return parts.map((p) => new Uint8Array(Buffer.concat(p)));
}

export async function openBytes(bytes: Uint8Array, passphrase: string, sodium?: Sodium): Promise<{ pkg: OpenedPackage; files: Uint8Array[] }> {
  const pkg = await openPackage(sodium ?? (await ready()), () => [bytes], passphrase);
  return { pkg, files: await contentsOf(pkg) };
}

/** The header with the u32 at `at` set to `value` and the checksum recomputed: only the bounds (or the key check) can refuse it. */
export async function withHeaderField(bytes: Uint8Array, at: number, value: number, width: 1 | 4 = 4): Promise<Uint8Array> {
  const sodium = await ready();
  const b = bytes.slice();
  if (width === 1) b[at] = value;
  else new DataView(b.buffer).setUint32(at, value, true);
  b.set(sodium.crypto_generichash(32, b.subarray(0, 92), null), 92);
  return b;
}

/** libsodium with crypto_pwhash counted, to prove what runs before any derivation. */
export async function countingSodium(): Promise<{ sodium: Sodium; derivations: () => number }> {
  const real = await ready();
  let n = 0;
  const sodium = new Proxy(real, {
    get(target, key, receiver) {
      if (key === 'crypto_pwhash')
        return (...args: Parameters<Sodium['crypto_pwhash']>) => {
          n++;
          return target.crypto_pwhash(...args);
        };
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { sodium, derivations: () => n };
}

export function assertSame(a: Uint8Array, b: Uint8Array, what: string): void {
  assert.ok(Buffer.from(a).equals(Buffer.from(b)), what);
}
