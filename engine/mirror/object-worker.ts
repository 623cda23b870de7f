// Worker thread: restores or checks small objects of a folder cloud
// (object-pool.ts) with synchronous calls. It gets the keys that read
// objects and nothing else. As FolderRemote, it follows no link inside the
// cloud folder (remotes/folder-links.ts): an object behind one is not there.
import { closeSync, fsyncSync, futimesSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { workerData } from 'node:worker_threads';
import { openObject, type ObjectMeta } from '../../crypto/index.js';
import { isDataDefect } from '../errors.js';
import { openRegularSync } from '../fsutil/open-regular.js';
import { serveBatches } from '../fsutil/worker-batches.js';
import { FolderLinks } from '../remotes/folder-links.js';
import { assertRemoteName, RemoteNotFound } from '../remotes/remote.js';
import { tagOf } from './devices.js';
import { describeObjectFailure, placeContent } from './restore-objects.js';
import { WORKER_OBJECT_BYTES, type ObjectJob, type ObjectResult, type ObjectWorkerData } from './object-pool.js';

const { ring, cloudDir, restore } = workerData as ObjectWorkerData;
/** This worker's folders checked for links: the worker lives for one pass. */
const folders = new FolderLinks(cloudDir);

/** One buffer for every object this worker reads, one at a time (serveBatches runs one job at a time), rather than one allocated per object. */
const readBuffer = new Uint8Array(WORKER_OBJECT_BYTES + 1);

/**
 * The object's bytes (in readBuffer, valid until the next object is read),
 * or undefined if it is larger than a worker takes or grew since it was
 * opened: the main thread then reads it, streamed.
 */
function readObject(name: string): Uint8Array | undefined {
  assertRemoteName(name);
  const path = join(cloudDir, ...name.split('/'));
  if (!folders.clear(dirname(path))) throw new RemoteNotFound(name);
  const { fd, size } = openRegularSync(path);
  try {
    if (size > WORKER_OBJECT_BYTES) return undefined;
    const want = size + 1; // one byte more than fstat said: whether it grew
    let total = 0;
    for (;;) {
      const n = readSync(fd, readBuffer, total, want - total, total);
      if (n === 0) return readBuffer.subarray(0, total);
      total += n;
      if (total === want) return undefined;
    }
  } finally {
    closeSync(fd);
  }
}

/** Writes the content to the new file `tmp`, dated `meta.mtimeMs`. */
async function writeFile(tmp: string, content: AsyncGenerator<Uint8Array>, meta: ObjectMeta): Promise<void> {
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    for await (const piece of content) for (let o = 0; o < piece.length;) o += writeSync(fd, piece, o);
    futimesSync(fd, Date.now() / 1000, meta.mtimeMs / 1000);
    if (restore!.fsyncEach) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function open(job: ObjectJob): Promise<ObjectResult> {
  try {
    const bytes = readObject(job.name);
    if (!bytes) return { kind: 'large', job };
    const tag = bytes.length >= 61 ? tagOf(bytes) : undefined;
    const { meta, content, generation } = await openObject(ring, Buffer.from(job.idHex, 'hex'), [bytes]);
    if (!restore) {
      let n = 0;
      for await (const piece of content) n += piece.length; // the whole object authenticated
      return { kind: 'checked', job, path: meta.path, generation, bytes: n, ...(tag ? { tag } : {}) };
    }
    if (generation > 0) {
      await content.return(undefined);
      return { kind: 'earlier', job, path: meta.path };
    }
    const written = await placeContent(meta, content, restore.dir, restore.resume, (tmp, c) => writeFile(tmp, c, meta));
    return { kind: 'restored', file: { meta, written, idHex: job.idHex, ...(tag ? { tag } : {}) } };
  } catch (e) {
    return { kind: 'failed', job, reason: describeObjectFailure(e), damaged: isDataDefect(e) };
  }
}

serveBatches(open, () => {
  for (const k of ring) for (const key of [k.boxSecret, k.authKey, k.nameKey]) key.fill(0);
});
