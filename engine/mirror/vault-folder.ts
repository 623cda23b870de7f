// When the vault folder is gone (its drive away for good, the folder moved
// or deleted) or an empty folder that is not the one synced before stands in
// its place: two ways back. Put it back from the cloud copy (the recovery's
// own restore, into the old path or a new or empty folder the person
// chooses), or use another folder as the vault: the one the files were moved
// to. Either way nothing in any folder is overwritten or deleted: the cloud
// copy is written only into a new or empty folder, and a folder taken as the
// vault must be this vault's (the very folder synced before, moved, or one
// holding most of the files synced before), never the cloud folder, the
// backup folder or Casevault's settings folder. Spec: docs/desktop-app.md
// ("Home"), docs/api.md (putVaultBack, useVaultFolder).
import { mkdir, readdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ReadKeys } from '../../crypto/index.js';
import { fileCount, type VaultFolderReport } from '../../contract/index.js';
import { saveConfig, type VaultConfig } from '../config.js';
import { Refused, UsageError } from '../errors.js';
import { requireFullPath } from '../fsutil/full-path.js';
import { lstatIfExists } from '../fsutil/read.js';
import type { Emit } from '../../contract/index.js';
import type { Remote } from '../remotes/remote.js';
import { canonical, checkLayout, inside } from './layout.js';
import { restoreAll, safeJoin } from './restore-objects.js';
import { assertNewOrEmpty, recordsOf } from './recover.js';
import { loadState, saveState } from './state.js';
import { emptyFolderReplaced, identityOf, sameFolder } from './vault-identity.js';

export interface VaultFolderDeps {
  home: string;
  config: VaultConfig;
  emit: Emit;
  record(event: string, detail: string): Promise<void>;
}

/** Whether the vault folder cannot be used as it is: not there, not a folder, or empty and not the folder synced before. */
async function vaultFolderGone(home: string, vaultDir: string): Promise<boolean> {
  const st = await stat(vaultDir).catch(() => undefined);
  if (!st?.isDirectory()) return true;
  return (await readdir(vaultDir)).length === 0 && (await emptyFolderReplaced(home, vaultDir));
}

async function assertGone(home: string, vaultDir: string): Promise<void> {
  if (!(await vaultFolderGone(home, vaultDir)))
    throw new Refused(
      `the vault folder ${vaultDir} is there and in use, so it is left as it is; this is only for a vault folder that is missing or was replaced`,
    );
}

/** A folder for the vault's plaintext: never the cloud folder, the backup folder or Casevault's settings folder, nor inside or around one of them. */
async function assertApart(dir: string, d: VaultFolderDeps): Promise<void> {
  const target = await canonical(dir);
  const places: [string | undefined, string][] = [
    [d.config.cloud.kind === 'folder' ? d.config.cloud.dir : undefined, 'the cloud folder'],
    [d.config.backupDir, 'the backup folder'],
    [d.home, `Casevault's settings folder (${d.home})`],
  ];
  for (const [place, name] of places) {
    if (!place) continue;
    const p = await canonical(place);
    if (inside(target, p) || inside(p, target))
      throw new UsageError(`${dir} is ${name} or shares a folder with it, so it cannot be the vault folder; choose another folder`);
  }
  await checkLayout(dir, d.config.cloud.kind === 'folder' ? d.config.cloud.dir : undefined);
}

/** Point the vault at `dir` (settings saved, recorded). */
async function switchTo(d: VaultFolderDeps, dir: string): Promise<string> {
  const vaultDir = resolve(dir);
  if (vaultDir !== d.config.vaultDir) await saveConfig(d.home, { ...d.config, vaultDir });
  return vaultDir;
}

/**
 * Rebuild the vault folder from the cloud copy (the recovery's restore) into
 * `to` (default: where it was), which must be new or empty; then the vault
 * is that folder, and every file restored counts as synced.
 */
export async function putVaultBack(d: VaultFolderDeps, remote: Remote, ring: readonly ReadKeys[], to?: string): Promise<VaultFolderReport> {
  const target = resolve(requireFullPath(to ?? d.config.vaultDir, 'vault folder'));
  await assertGone(d.home, d.config.vaultDir);
  await assertApart(target, d);
  await assertNewOrEmpty(target, false);
  await mkdir(target, { recursive: true });
  const result = await restoreAll(remote, ring, target, d.emit, 'recover');
  const state = await loadState(d.home);
  state.files = recordsOf(result.restored, target);
  state.failures.clear();
  if (state.lastSync) state.lastSync.vault = identityOf(await stat(target)); // the folder synced from now on
  await saveState(d.home, state);
  const vaultDir = await switchTo(d, target);
  await d.record('vault folder put back from the cloud copy', `${fileCount(result.restored.length)} into ${vaultDir}, ${result.failed.length} damaged`);
  return { vaultDir, restored: result.restored.length, bytes: result.restored.reduce((n, r) => n + r.meta.size, 0), failed: result.failed };
}

/**
 * Use `dir`, a folder that holds the vault's files (moved there), as the
 * vault folder. It is this vault's if it is the very folder the last pass
 * synced (moved on the same drive), or holds at least half of the files
 * synced before, at their places and of their sizes.
 */
export async function useVaultFolder(d: VaultFolderDeps, dir: string): Promise<VaultFolderReport> {
  requireFullPath(dir, 'vault folder');
  await assertGone(d.home, d.config.vaultDir);
  const st = await stat(dir).catch(() => undefined);
  if (!st) throw new UsageError(`there is no folder ${dir}; choose the folder that holds the vault's files`);
  if (!st.isDirectory()) throw new UsageError(`${dir} is a file, not a folder; choose the folder that holds the vault's files`);
  await assertApart(dir, d);
  const state = await loadState(d.home);
  if (!sameFolder(state.lastSync?.vault, identityOf(st))) {
    let found = 0;
    for (const [path, r] of state.files) if ((await lstatIfExists(safeJoin(dir, path)))?.size === r.size) found++;
    if (state.files.size === 0 || found * 2 < state.files.size)
      throw new Refused(
        `${dir} does not look like this vault's folder (it holds ${found} of the ${fileCount(state.files.size)} synced before), so it is not used; choose the folder the vault's files were moved to, or put the vault folder back from the cloud copy`,
      );
  }
  const vaultDir = await switchTo(d, dir);
  await d.record('vault folder changed', `to ${vaultDir}`);
  return { vaultDir, restored: 0, bytes: 0, failed: [] };
}
