// The floors under each benchmark row, measured in the same run: the work a
// row cannot avoid, done by the simplest tool that does it. A row whose aim is
// not met is read against them (docs/benchmarks.md, "Floors").
//   - a durable copy: `cp -r` and then the file system flushed to disk (the
//     plain copy leaves the data in memory; a sync writes each object to disk
//     before it counts it as in the cloud);
//   - a stat walk: `find` reading every file's size, times and inode, the
//     calls a no-change sync and `status` make;
//   - the cipher alone: Casevault's own encryption of the same bytes as the
//     same number of objects (each object's name and content), one core,
//     nothing read or written (`node dist/bench/floors.js --cipher BYTES
//     FILES` is that step; an object's stream is one chain of chunks, so one
//     large file is one core's work);
//   - starting Node, and loading the program for a command (`casevault sync
//     --help`): what every command costs before its work begins.
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deriveKeys, objectId, ObjectSealer, randomBytes, writeKeysOf } from '../crypto/index.js';
import { reportStep, timed, type Measured } from './measure.js';

export interface WorkloadFloors {
  durableCopy: Measured;
  statWalk: Measured;
  /** The cipher alone on the workload's bytes, per crypto backend (seconds). */
  cipher: Record<string, number>;
}

export interface StartFloors {
  nodeStart: Measured;
  programLoad: Measured;
}

const SELF = fileURLToPath(import.meta.url);
const BIN = join(fileURLToPath(new URL('../..', import.meta.url)), 'bin', 'casevault.js');

/** One step: `bytes` of zeros sealed as `files` objects (one streamed in 1 MiB pieces, or each held whole, as a sync does), the output dropped; reports its own time. */
async function cipherStep(bytes: number, files: number): Promise<void> {
  const keys = writeKeysOf(await deriveKeys(randomBytes(32), randomBytes(16)));
  const sealer = await ObjectSealer.create(keys);
  const t = performance.now();
  if (files === 1) {
    const piece = new Uint8Array(1 << 20);
    const pieces = function* () {
      for (let left = bytes; left > 0; left -= piece.length) yield left >= piece.length ? piece : piece.subarray(0, left);
    };
    const id = await objectId(keys.nameKey, 'scan.bin');
    for await (const out of sealer.encrypt(id, { path: 'scan.bin', size: bytes, mtimeMs: 0 }, pieces())) void out;
  } else {
    const content = new Uint8Array(Math.round(bytes / files));
    for (let i = 0; i < files; i++) {
      const path = `case-${i % 100}/doc-${i}.txt`;
      void sealer.sealBytes(await objectId(keys.nameKey, path), { path, size: content.length, mtimeMs: 0 }, content);
    }
  }
  reportStep({ inside: (performance.now() - t) / 1000 });
}

export async function workloadFloors(src: string, bytes: number, files: number, work: string, backends: readonly string[]): Promise<WorkloadFloors> {
  const copy = join(work, 'durable-copy');
  const durableCopy = timed('sh', ['-c', 'cp -r "$0" "$1" && sync -f "$1"', src, copy], process.env, work);
  await rm(copy, { recursive: true, force: true });
  const statWalk = timed('sh', ['-c', `find "$0" -type f -printf '%s %T@ %C@ %i\\n' > /dev/null`, src], process.env, work);
  const cipher: Record<string, number> = {};
  for (const backend of backends) {
    cipher[backend] = timed(process.execPath, [SELF, '--cipher', String(bytes), String(files)], { ...process.env, CASEVAULT_CRYPTO: backend }, work).inside!;
  }
  return { durableCopy, statWalk, cipher };
}

export function startFloors(work: string): StartFloors {
  const nodeStart = timed(process.execPath, ['-e', '0'], process.env, work);
  execFileSync(process.execPath, [BIN, 'sync', '--help'], { stdio: 'ignore' }); // once first: the files in the page cache, as for every step after a first
  const programLoad = timed(process.execPath, [BIN, 'sync', '--help'], process.env, work);
  return { nodeStart, programLoad };
}

const at = process.argv.indexOf('--cipher');
if (at > 0) await cipherStep(Number(process.argv[at + 1]), Number(process.argv[at + 2]));
