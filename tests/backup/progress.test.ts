// Each chunk a large file is cut into is counted as it goes to a sealing
// worker: in the backup's progress (which moved only when a whole file was
// done) and in the bytes it keeps in flight. The chunk's buffer moves to the
// worker, and read after that it counted as empty, so nothing bounded the
// sealed chunks waiting to be packed but their number (256 of up to 8 MiB
// each): a first backup of 2 GiB peaked at 550-875 MiB RSS. Real folders,
// real crypto, the real workers; the clock is moved by hand, so that every
// step reports its progress whatever the machine's speed.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { runBackup } from '../../engine/backup/backup.js';
import { Repository } from '../../engine/backup/repository.js';
import { FolderStorage } from '../../engine/backup/storage.js';
import { configWriteKeys, loadConfig } from '../../engine/config.js';
import { makeVault, SMALL_BACKUPS } from '../helpers/vault.js';

test("a large file's progress moves chunk by chunk as each goes to a worker, not only once the whole file is read", async () => {
  const size = 40 * SMALL_BACKUPS.chunker.max;
  const v = await makeVault({ files: { 'scan.pdf': randomBytes(size) }, backup: true, backupParams: SMALL_BACKUPS });
  const repo = await Repository.open(new FolderStorage(v.backup), configWriteKeys(await loadConfig(v.home)), SMALL_BACKUPS);
  const seen: number[] = [];
  const realNow = Date.now;
  let at = realNow();
  Date.now = () => (at += 1000); // past the progress report's throttle at every step
  try {
    const { report } = await runBackup({
      repo,
      vaultDir: v.vault,
      cache: new Map(),
      emit: (_event, p) => seen.push(p.bytesDone),
    });
    assert.deepEqual(report.failed, []);
  } finally {
    Date.now = realNow;
  }
  const within = seen.filter((b) => b > 0 && b < size);
  assert.ok(within.length >= 10, `progress within the file: ${within.length} reports between 0 and ${size} bytes (${seen.length} in all)`);
  assert.deepEqual(
    within,
    [...within].sort((a, b) => a - b),
    'never backwards',
  );
  assert.equal(seen.at(-1), size);
});
