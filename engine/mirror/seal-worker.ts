// Worker thread: reads and seals small files, so that both cores encrypt.
// It gets the write keys only (never a reading key). A folder cloud's objects
// it writes itself (temporary file, then rename: FolderRemote.put); any other
// cloud's it hands back to the main thread, which uploads them.
import { join } from 'node:path';
import { workerData } from 'node:worker_threads';
import { FileChanged, objectId, objectRemoteName, ObjectSealer, type WriteKeys } from '../../crypto/index.js';
import { tagOf } from './devices.js';
import { readSmall, record } from './file-read.js';
import type { SealResult, SealWorkerData } from './seal-pool.js';
import { describeFailure } from './failure-reason.js';
import { FolderRemote } from '../remotes/folder.js';
import { serveBatches } from '../fsutil/worker-batches.js';

const { keys, vaultDir, cloudDir } = workerData as SealWorkerData;
const sealer = await ObjectSealer.create(keys as WriteKeys);
const folder = cloudDir === undefined ? undefined : new FolderRemote(cloudDir);

async function seal(path: string): Promise<SealResult> {
  try {
    const read = readSmall(join(vaultDir, ...path.split('/')));
    if (!read) return { path, kind: 'large' };
    const id = await objectId(keys.nameKey, path);
    const bytes = sealer.sealBytes(id, { path, size: read.st.size, mtimeMs: read.st.mtimeMs }, read.bytes);
    const name = objectRemoteName(id);
    if (!folder) return { path, kind: 'sealed', name, bytes, record: record(read.st, id, tagOf(bytes)) };
    await folder.put(name, bytes);
    return { path, kind: 'written', name, record: record(read.st, id, tagOf(bytes)) };
  } catch (e) {
    return { path, kind: 'failed', retry: e instanceof FileChanged, reason: describeFailure(e) };
  }
}

serveBatches(
  seal,
  () => sealer.dispose(),
  (r) => (r.kind === 'sealed' ? [r.bytes.buffer as ArrayBuffer] : []),
);
