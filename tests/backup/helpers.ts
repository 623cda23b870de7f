// The backup API itself (engine/backup/service.ts) over a test vault, wired
// as the engine wires it, with the unlock and the progress events in the
// test's hands.
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { openKeyFile, parseKeyFile, type ReadKeys } from '../../crypto/index.js';
import { Engine } from '../../engine/engine.js';
import { BackupApi, type BackupApiDeps } from '../../engine/backup/service.js';
import type { BackupProgress } from '../../engine/backup/progress-report.js';
import { Locked } from '../../engine/errors.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { readTree } from '../helpers/fs.js';
import type { TestVault } from '../helpers/vault.js';

export interface WithBackupApi extends TestVault {
  api: BackupApi;
  events: BackupProgress[];
  unlock(): Promise<void>;
  lock(): void;
  /** Another API over the same home (e.g. with different deps). */
  withDeps(extra: Partial<BackupApiDeps>): BackupApi;
}

export function withBackupApi(v: TestVault): WithBackupApi {
  let keys: ReadKeys | undefined;
  const events: BackupProgress[] = [];
  const deps: BackupApiDeps = {
    home: v.home,
    env: v.env,
    emit: (_t, e) => events.push(e),
    readKeys: () => {
      if (!keys) throw new Locked('the vault is locked');
      return keys;
    },
  };
  return {
    ...v,
    events,
    api: new BackupApi(deps),
    unlock: async () => {
      keys = await openKeyFile(parseKeyFile(new Uint8Array(await readFile(join(v.home, 'casevault.key')))), { passphrase: PASSPHRASE });
    },
    lock: () => {
      keys = undefined;
    },
    withDeps: (extra) => new BackupApi({ ...deps, ...extra }),
  };
}

type Tree = Map<string, Buffer>;

/**
 * For the kill tests (stops.test.ts): no snapshot is listed that cannot be
 * read, the last backup this computer recorded as done is listed,
 * and every snapshot listed restores byte-identical to its tree in `known`
 * (by ID) or, for one taken by the run that was killed or again, to one of
 * `others` (unless `restore` is false: the listing alone). Returns the IDs
 * listed, oldest first.
 */
export async function snapshotsWhole(v: TestVault, known: Map<string, Tree>, others: Tree[], what: string, restore = true): Promise<string[]> {
  const e = new Engine(v.home, v.env);
  await e.unlock({ passphrase: PASSPHRASE });
  try {
    const list = await e.snapshotList();
    assert.deepEqual(list.unreadable, [], `${what}: no snapshot listed that cannot be read`);
    const ids = list.snapshots.map((s) => s.id);
    // What a person is told was backed up last (earlier runs may name snapshots forgotten since, on purpose).
    const last = (await e.backupStatus()).lastBackup?.snapshot;
    if (last !== undefined) assert.ok(ids.includes(last), `${what}: the last backup recorded as done (${last}) is listed`);
    for (const id of restore ? ids : []) {
      const to = join(v.root, 'restored', id);
      await e.restoreBackup({ snapshot: id, to });
      const got = await readTree(to);
      const same = (t: Tree) => t.size === got.size && [...t].every(([p, b]) => got.get(p)?.equals(b));
      const want = known.get(id);
      assert.ok(want ? same(want) : others.some(same), `${what}: snapshot ${id} restores byte-identical to the vault as it was when taken`);
      await rm(to, { recursive: true });
    }
    return ids;
  } finally {
    await e.lock();
  }
}
