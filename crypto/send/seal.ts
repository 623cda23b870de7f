// Writing a send package (docs/send-format.md): the header, then the
// secretstream of manifest, contents and padding, yielded one message at a
// time (the header first, then each 64 KiB message), so the caller can
// write each as it comes and a file of any size is never held whole.
import { FileChanged } from '../errors.js';
import { randomBytes } from '../random.js';
import { ready } from '../sodium.js';
import {
  boundPart,
  CHUNK,
  checkName,
  encodeManifest,
  finishHeader,
  keyCheck,
  paddedLength,
  passphraseRoot,
  SALT_LEN,
  SEND_KDF,
  streamKey,
  type ManifestFile,
  type SendKdf,
} from './format.js';

export interface SealOptions {
  passphrase: string;
  files: readonly ManifestFile[];
  /** File i's content, exactly files[i].size bytes (FileChanged otherwise). */
  content(index: number): AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** When the package is written (the manifest's `created`). */
  created: Date;
  /** The last day to open it, in days since 1970-01-01 (UTC). */
  expiresDay?: number | null;
  /** Argon2id cost (default SEND_KDF; tests of the bounds write others). */
  kdf?: SendKdf;
}

/** The package: the header (124 bytes), then each secretstream message. */
export async function* sealPackage(o: SealOptions): AsyncGenerator<Uint8Array> {
  const sodium = await ready();
  const names = new Set(o.files.map((f) => f.name));
  if (names.size !== o.files.length) throw new Error('internal error: a file name twice');
  for (const f of o.files) checkName(f.name);
  const kdf = o.kdf ?? SEND_KDF;
  const salt = randomBytes(SALT_LEN);
  const root = passphraseRoot(sodium, o.passphrase, salt, kdf);
  const key = streamKey(sodium, root);
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  sodium.memzero(key);
  const bound = boundPart(kdf, o.expiresDay ?? null, salt, header);
  const check = keyCheck(sodium, root, bound);
  sodium.memzero(root);
  yield finishHeader(sodium, bound, check);

  const manifest = encodeManifest({ created: o.created.toISOString(), files: [...o.files] });
  const total = paddedLength(
    manifest.length,
    o.files.map((f) => f.size),
  );
  const buf = new Uint8Array(Math.min(CHUNK, total));
  let fill = 0;
  let produced = 0;
  const sealed: Uint8Array[] = [];
  const put = (data: Uint8Array) => {
    for (let at = 0; at < data.length;) {
      const n = Math.min(buf.length - fill, data.length - at);
      buf.set(data.subarray(at, at + n), fill);
      fill += n;
      at += n;
      produced += n;
      if (fill === buf.length && produced < total) {
        sealed.push(sodium.crypto_secretstream_xchacha20poly1305_push(state, buf, bound, sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE));
        fill = 0;
      }
    }
  };

  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, manifest.length, true);
  put(length);
  put(manifest);
  yield* sealed.splice(0);
  for (const [i, f] of o.files.entries()) {
    let got = 0;
    for await (const piece of o.content(i)) {
      got += piece.length;
      if (got > f.size) throw new FileChanged('a file changed while it was being read');
      put(piece);
      yield* sealed.splice(0);
    }
    if (got !== f.size) throw new FileChanged('a file changed while it was being read');
  }
  const zeros = new Uint8Array(CHUNK);
  while (produced < total) put(zeros.subarray(0, Math.min(CHUNK, total - produced)));
  yield* sealed.splice(0);
  yield sodium.crypto_secretstream_xchacha20poly1305_push(state, buf.subarray(0, fill), bound, sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL);
}
