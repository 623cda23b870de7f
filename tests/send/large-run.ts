// Run by large.test.ts in its own Node, started with --expose-gc and
// --single-threaded-gc (so a collection has swept every unreachable buffer
// when it returns and the measure is exact): seals a 200 MiB file into a
// package on disk, opens it again, and prints one line of JSON with the
// most live ArrayBuffer memory each side held above its start, and the
// SHA-256 of the file in and out.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ready } from '../../crypto/sodium.js';
import { openPackage, sealPackage } from '../../crypto/send/index.js';

export const MiB = 1024 * 1024;
export const BIG = 200 * MiB;
const PASS = 'large file test passphrase words';

const gc = (globalThis as { gc?: () => void }).gc;

/** Live ArrayBuffer bytes now, after a full collection. */
function held(): number {
  gc!();
  return process.memoryUsage().arrayBuffers;
}

/** The most held above the first sample, sampled every `every` calls. */
function meter(every: number) {
  const base = held();
  let most = 0;
  let calls = 0;
  return {
    sample() {
      if (++calls % every === 0) most = Math.max(most, held() - base);
    },
    most: () => most,
  };
}

export interface LargeRun {
  writerMost: number;
  readerMost: number;
  sizes: number[];
  largestPiece: number;
  sent: string;
  got: string;
}

async function main(file: string): Promise<LargeRun> {
  const block = randomBytes(MiB);
  const sent = createHash('sha256');
  const files = [
    { name: 'before.txt', size: 10 },
    { name: 'Case 0042/recording.wav', size: BIG },
    { name: 'after.txt', size: 5 },
  ];
  function* bigContent() {
    for (let i = 0; i < BIG / MiB; i++) {
      block.writeUInt32LE(i, 0); // no two blocks alike
      sent.update(block);
      yield new Uint8Array(block);
    }
  }
  const content = (i: number) => (i === 1 ? bigContent() : [new Uint8Array(files[i]!.size).fill(i)]);

  const fh = await open(file, 'wx');
  let writing: ReturnType<typeof meter> | undefined;
  for await (const piece of sealPackage({ passphrase: PASS, files, content, created: new Date() })) {
    await fh.write(piece);
    // From the header on: Argon2id has grown libsodium's memory by then, once, as it must.
    writing ??= meter(100);
    writing.sample();
  }
  await fh.close();

  const pkg = await openPackage(await ready(), () => createReadStream(file, { highWaterMark: MiB }), PASS);
  const reading = meter(100);
  const got = createHash('sha256');
  const sizes = [0, 0, 0];
  let largestPiece = 0;
  for await (const piece of pkg.contents()) {
    sizes[piece.index]! += piece.bytes.length;
    largestPiece = Math.max(largestPiece, piece.bytes.length);
    if (piece.index === 1) got.update(piece.bytes);
    reading.sample();
  }
  return { writerMost: writing!.most(), readerMost: reading.most(), sizes, largestPiece, sent: sent.digest('hex'), got: got.digest('hex') };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!gc) throw new Error('run with --expose-gc --single-threaded-gc');
  process.stdout.write(`${JSON.stringify(await main(process.argv[2]!))}\n`);
}
