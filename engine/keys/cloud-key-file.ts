// The cloud's copy of the key file (casevault.key), read with a bound. The
// cloud may put anything under that name, and every sync, verify, recover
// and unlock reads it: a stat first, then at most one key file's worth of
// bytes (64 KiB), so a gigabyte planted there costs nothing but a refusal.
// Spec: docs/format.md ("Key file").
import { DamagedData, KEYFILE_MAX_BYTES, concat } from '../../crypto/index.js';
import { homeFiles } from '../home.js';
import { RemoteNotFound, type Remote } from '../remotes/remote.js';

/** The key file's name in the cloud copy (the same as the home's copy). */
export const KEY_FILE_NAME = homeFiles.keyFile;

const tooLarge = () =>
  new DamagedData(
    "the cloud copy's key file is larger than any key file can be, so it was not read; put back a good copy of casevault.key (every computer using the vault keeps one in its CASEVAULT_HOME)",
  );

/** The cloud's key file, or undefined if there is none. DamagedData, after reading no more than 64 KiB, if it is larger than a key file. */
export async function readCloudKeyFile(remote: Pick<Remote, 'stat' | 'get'>): Promise<Uint8Array | undefined> {
  const st = await remote.stat(KEY_FILE_NAME);
  if (!st) return undefined;
  if (st.size > KEYFILE_MAX_BYTES) throw tooLarge();
  // The size can change after the stat (the cloud writes again): the read stops at the bound whatever the stat said.
  const pieces: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const piece of remote.get(KEY_FILE_NAME)) {
      total += piece.length;
      if (total > KEYFILE_MAX_BYTES) throw tooLarge();
      pieces.push(piece);
    }
  } catch (e) {
    if (e instanceof RemoteNotFound) return undefined; // gone since the stat
    throw e;
  }
  return concat(...pieces);
}
