// Worker thread for chunk-pool.ts: blob ID, compression and encryption of
// one chunk at a time, exactly as PackBuilder.add would on the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { BLOB_DATA, blobId, ready, sealChunk } from '../../crypto/backup/index.js';
import type { ChunkReply, ChunkRequest } from './chunk-pool.js';

const sodium = await ready();
const idKey = (workerData as { idKey: Uint8Array }).idKey;

parentPort!.on('message', (req: ChunkRequest | 'close') => {
  if (req === 'close') {
    sodium.memzero(idKey);
    parentPort!.close();
    return;
  }
  let reply: ChunkReply;
  try {
    const raw = req.parts.length === 1 ? req.parts[0]! : Buffer.concat(req.parts);
    const id = blobId(sodium, idKey, [raw]);
    const { flags, stored } = sealChunk(sodium, req.key, BLOB_DATA, id, raw);
    reply = { seq: req.seq, sealed: { id, flags, rawLength: raw.length, stored } };
  } catch (e) {
    reply = { seq: req.seq, error: (e as Error).message };
  } finally {
    sodium.memzero(req.key);
  }
  parentPort!.postMessage(reply, 'sealed' in reply ? [reply.sealed.stored.buffer as ArrayBuffer] : []);
});
