// Opening a send package (docs/send-format.md), in Node and in the
// recipient's page alike: the header is checked (bounds before any
// derivation), the passphrase proven by the key check, then the stream is
// read message by message, so a file of any size passes through in 64 KiB
// pieces and the whole plaintext is never held at once. A wrong passphrase
// is WrongSecret; anything that fails a check after it is DamagedData.
import { DamagedData, WrongSecret } from '../errors.js';
import type { Sodium } from '../sodium.js';
import {
  BOUND_LEN,
  CHUNK,
  checkMatches,
  HEADER_LEN,
  MAX_MANIFEST,
  MESSAGE_LEN,
  packageLength,
  paddedLength,
  parseHeader,
  parseManifest,
  passphraseRoot,
  streamKey,
  type Manifest,
  type SendHeader,
} from './format.js';

/** The package's bytes from the start, in pieces of any size; called again for each pass (listing, then each save). */
export type PackageSource = () => AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** A piece of one file's content, in order. */
export interface ContentPiece {
  /** The file's place in the manifest. */
  index: number;
  bytes: Uint8Array;
}

export interface OpenedPackage {
  header: SendHeader;
  manifest: Manifest;
  /** The package's exact length in bytes, as its manifest implies: a caller that knows the length it holds can tell truncation at once. */
  length: number;
  /**
   * Every file's content, in manifest order; each piece is authentic when it
   * is yielded. Running to the end also proves the padding and the final
   * tag, and that nothing follows. Stopping early is allowed (one file).
   */
  contents(): AsyncGenerator<ContentPiece>;
  /** Wipe the key. */
  close(): void;
}

const damaged = (why: string) => new DamagedData(`damaged package (${why})`);

/** Cuts a stream of pieces into frames of exact sizes (the header, then each message), copying each piece once. */
class Frames {
  private readonly it: AsyncIterator<Uint8Array> | Iterator<Uint8Array>;
  private rest: Uint8Array = new Uint8Array(0);

  constructor(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) {
    this.it = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  }

  /** Up to n bytes; fewer only where the package ends. */
  async take(n: number): Promise<Uint8Array> {
    if (this.rest.length >= n) {
      const out = this.rest.subarray(0, n);
      this.rest = this.rest.subarray(n);
      return out;
    }
    const frame = new Uint8Array(n);
    frame.set(this.rest);
    let filled = this.rest.length;
    this.rest = new Uint8Array(0);
    while (filled < n) {
      const r = await this.it.next();
      if (r.done) return frame.subarray(0, filled);
      const piece = r.value;
      const used = Math.min(piece.length, n - filled);
      frame.set(piece.subarray(0, used), filled);
      filled += used;
      this.rest = piece.subarray(used);
    }
    return frame;
  }

  async end(): Promise<void> {
    await this.it.return?.();
  }
}

/**
 * The stream's plaintext, message by message: every message but the last
 * is a full chunk tagged MESSAGE, the last is tagged FINAL, and nothing
 * follows it. The header is read again (and must be the same) so each pass
 * stands alone.
 */
async function* messages(sodium: Sodium, source: PackageSource, header: SendHeader, key: Uint8Array): AsyncGenerator<{ plain: Uint8Array; final: boolean }> {
  const frames = new Frames(source());
  try {
    const head = await frames.take(HEADER_LEN);
    if (head.length !== HEADER_LEN || !head.every((b, i) => b === header.bytes[i])) throw damaged('header changed');
    const state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(header.streamHeader, key);
    const ad = header.bytes.subarray(0, BOUND_LEN);
    for (;;) {
      const c = await frames.take(MESSAGE_LEN);
      if (c.length <= 17) throw damaged(c.length === 0 ? 'it ends before its last part' : 'truncated part');
      let r: { message: Uint8Array; tag: number } | false;
      try {
        r = sodium.crypto_secretstream_xchacha20poly1305_pull(state, c, ad);
      } catch {
        r = false;
      }
      if (!r) throw damaged('a part fails authentication');
      const final = r.tag === sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
      if (!final && (r.tag !== sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE || r.message.length !== CHUNK)) throw damaged('bad part');
      yield { plain: r.message, final };
      if (final) break;
    }
    if ((await frames.take(1)).length !== 0) throw damaged('data after the end');
  } finally {
    await frames.end();
  }
}

/** Reads the manifest off the front of the plaintext; returns it with what is left of the message it ends in. */
async function readManifest(
  stream: AsyncGenerator<{ plain: Uint8Array; final: boolean }>,
): Promise<{ manifest: Manifest; manifestBytes: number; rest: Uint8Array; final: boolean; seen: number }> {
  let seen = 0;
  const next = async () => {
    const r = await stream.next();
    if (r.done) throw damaged('it ends before its last part');
    seen += r.value.plain.length;
    return r.value;
  };
  let m = await next();
  if (m.plain.length < 4) throw damaged('manifest length');
  const len = new DataView(m.plain.buffer, m.plain.byteOffset, 4).getUint32(0, true);
  if (len > MAX_MANIFEST) throw damaged('manifest length');
  const json = new Uint8Array(len);
  let have = Math.min(len, m.plain.length - 4);
  json.set(m.plain.subarray(4, 4 + have));
  let rest = m.plain.subarray(4 + have);
  while (have < len) {
    if (m.final) throw damaged('manifest length');
    m = await next();
    const n = Math.min(len - have, m.plain.length);
    json.set(m.plain.subarray(0, n), have);
    have += n;
    rest = m.plain.subarray(n);
  }
  return { manifest: parseManifest(json), manifestBytes: len, rest, final: m.final, seen };
}

/** After the key is known: the manifest, and the contents on demand. Exposed for the fuzz tests, which skip Argon2. */
export async function openWithKey(sodium: Sodium, source: PackageSource, header: SendHeader, key: Uint8Array): Promise<OpenedPackage> {
  const first = messages(sodium, source, header, key);
  let manifest: Manifest;
  let padded: number;
  try {
    const read = await readManifest(first);
    manifest = read.manifest;
    padded = paddedLength(
      read.manifestBytes,
      manifest.files.map((f) => f.size),
    );
  } finally {
    await first.return(undefined);
  }

  async function* contents(): AsyncGenerator<ContentPiece> {
    const stream = messages(sodium, source, header, key);
    try {
      let { rest, final, seen } = await readManifest(stream);
      for (const [index, f] of manifest.files.entries()) {
        let remaining = f.size;
        while (remaining > 0) {
          if (rest.length === 0) {
            if (final) throw damaged('it ends before its last file');
            const r = await stream.next();
            if (r.done) throw damaged('it ends before its last file');
            ({ plain: rest, final } = r.value);
            seen += rest.length;
          }
          const n = Math.min(remaining, rest.length);
          yield { index, bytes: rest.subarray(0, n) };
          rest = rest.subarray(n);
          remaining -= n;
        }
      }
      for (;;) {
        if (rest.some((b) => b !== 0)) throw damaged('padding');
        if (final) break;
        const r = await stream.next();
        if (r.done) throw damaged('it ends before its last part');
        ({ plain: rest, final } = r.value);
        seen += rest.length;
      }
      if (seen !== padded) throw damaged('length');
      if (!(await stream.next()).done) throw damaged('data after the end');
    } finally {
      await stream.return(undefined);
    }
  }

  return { header, manifest, length: packageLength(padded), contents, close: () => sodium.memzero(key) };
}

/** The header's first HEADER_LEN bytes (fewer if the package is shorter). */
async function readHeaderBytes(source: PackageSource): Promise<Uint8Array> {
  const frames = new Frames(source());
  try {
    return await frames.take(HEADER_LEN);
  } finally {
    await frames.end();
  }
}

/**
 * Open a package with its passphrase. Throws DamagedData (damaged,
 * truncated, not a package), UnsupportedFormat (a newer version, or an
 * Argon2 cost outside the bounds: refused before any derivation), or
 * WrongSecret (the passphrase does not open it).
 */
export async function openPackage(sodium: Sodium, source: PackageSource, passphrase: string): Promise<OpenedPackage> {
  const header = parseHeader(sodium, await readHeaderBytes(source));
  const root = passphraseRoot(sodium, passphrase, header.salt, header.kdf);
  let key: Uint8Array;
  try {
    if (!checkMatches(sodium, root, header)) throw new WrongSecret('that passphrase does not open this package');
    key = streamKey(sodium, root);
  } finally {
    sodium.memzero(root);
  }
  try {
    return await openWithKey(sodium, source, header, key);
  } catch (e) {
    sodium.memzero(key);
    throw e;
  }
}

/** The header alone, checked (what the page shows before the passphrase: the expiry date). */
export async function readPackageHeader(sodium: Sodium, source: PackageSource): Promise<SendHeader> {
  return parseHeader(sodium, await readHeaderBytes(source));
}
