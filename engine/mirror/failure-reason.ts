// Why a file could not be synced, in a caseworker's words. Its own module:
// the sealing workers (seal-worker.ts) need it and nothing else of a pass,
// so a worker starts without loading the sync pass and all it imports.
import { FileChanged } from '../../crypto/index.js';
import { Refused } from '../errors.js';
import { RemoteError } from '../remotes/remote.js';

export function describeFailure(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (e instanceof FileChanged) return 'it is still being written; it will be synced on the next run';
  if (code === 'ENOENT') return 'it was removed before it could be read';
  if (code === 'EACCES' || code === 'EPERM') return 'Casevault is not allowed to read it';
  if (code === 'ELOOP') return 'it is a symbolic link, which is not followed';
  if (e instanceof RemoteError) return e.message; // the cloud's failures word themselves: a full disk, an unreachable cloud
  if (code === 'EISDIR') return 'it became a folder';
  if (e instanceof Refused) return e.message;
  return 'it could not be encrypted or uploaded';
}
