// verify --cloud: read every object back, authenticate and decrypt it in
// full, and check it against what this computer last uploaded.
import { DamagedData, openObject, type ReadKeys } from '../../crypto/index.js';
import { runPool } from '../fsutil/pool.js';
import { describeObjectFailure, listObjects } from './restore-objects.js';
import type { Remote } from '../remotes/remote.js';
import type { SyncState } from './state.js';
import { type VerifyReport, type Emit } from '../../contract/index.js';

/**
 * `ring`: the vault's keys, current first (earlier ones only while a key
 * rotation re-encrypts the cloud). `cloudKeyFile`: the cloud's key file as
 * read for the key check before (engine/keys/cloud-key-file.ts assertCloudKeys).
 */
export async function verifyCloud(
  remote: Remote,
  ring: readonly ReadKeys[],
  state: SyncState,
  localKeyFile: Uint8Array,
  cloudKeyFile: Uint8Array | undefined,
  emit: Emit,
): Promise<VerifyReport> {
  const report: VerifyReport = {
    checked: 0,
    ok: 0,
    bytes: 0,
    bad: [],
    missing: [],
    keyFileMatches: !!cloudKeyFile && Buffer.from(cloudKeyFile).equals(localKeyFile),
  };
  const names = await listObjects(remote);
  const present = new Set(names.map((n) => n.idHex));
  const progress = { task: 'verify' as const, filesDone: 0, filesTotal: names.length, bytesDone: 0, bytesTotal: 0 };
  await runPool(names, 8, async ({ name, idHex }) => {
    report.checked++;
    try {
      if (!idHex) throw new DamagedData('an unexpected file in the cloud folder is not a Casevault object (if nobody put it there on purpose, delete it)');
      const { meta, content } = await openObject(ring, Buffer.from(idHex, 'hex'), remote.get(name));
      for await (const piece of content) report.bytes += piece.length;
      report.ok++;
      emit('file', { task: 'verify', path: meta.path, state: 'ok' });
    } catch (e) {
      const reason = describeObjectFailure(e);
      report.bad.push({ object: name, reason });
      emit('file', { task: 'verify', path: name, state: 'damaged', reason });
    }
    progress.filesDone++;
    emit('progress', { ...progress });
  });
  for (const [path, rec] of state.files) if (!present.has(rec.id)) report.missing.push(path);
  return report;
}
