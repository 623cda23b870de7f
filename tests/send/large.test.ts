// A 200 MiB file goes into a package and comes out again in 64 KiB pieces:
// neither the writer nor the reader (the code the recipient's page runs)
// ever holds the file. Measured, not assumed: large-run.ts samples the live
// ArrayBuffer memory after full collections as the pieces pass, in a Node
// whose collector sweeps before it returns, so the figure is exact.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from '../helpers/fs.js';
import { BIG, MiB, type LargeRun } from './large-run.js';

/** Far below the file: a reader that gathered the file would pass it twelve times over. */
const HELD_AT_MOST = 16 * MiB;

test('a 200 MiB file is sealed and opened piece by piece, byte-identical, each side holding under 16 MiB', async () => {
  const file = join(await tempDir('send-large'), 'package.bin');
  const script = fileURLToPath(new URL('./large-run.js', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--single-threaded-gc', script, file], { maxBuffer: MiB });
  const r = JSON.parse(stdout) as LargeRun;
  assert.deepEqual(r.sizes, [10, BIG, 5]);
  assert.equal(r.got, r.sent, 'the 200 MiB file comes out byte-identical');
  assert.ok(r.largestPiece <= 64 * 1024, `pieces of at most 64 KiB (largest ${r.largestPiece})`);
  assert.ok(r.writerMost < HELD_AT_MOST, `the writer held ${(r.writerMost / MiB).toFixed(1)} MiB at most`);
  assert.ok(r.readerMost < HELD_AT_MOST, `the reader held ${(r.readerMost / MiB).toFixed(1)} MiB at most`);
});
