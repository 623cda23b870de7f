// Probe B finding 9: with a vault never synced, an empty folder in the vault
// folder's place (a drive not mounted, its mount point left) was backed up as
// a valid 0-file snapshot, again and again, until retention let the good one
// go. A backup records the vault folder's identity, as sync does, and refuses
// an empty replacement with sync's sentence; the folder emptied in place is
// still backed up.
import assert from 'node:assert/strict';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { replacedSentence } from '../../engine/mirror/vault-identity.js';
import { makeVault } from '../helpers/vault.js';

test("never synced: an empty folder in the vault folder's place is refused by backup; the folder emptied in place is not", async () => {
  const { root, vault, cli } = await makeVault({ files: { 'case-1/letter.txt': 'Dear member' }, backedUp: true });
  const snapshots = async () => (JSON.parse((await cli(['snapshots', '--json'])).stdout) as unknown[]).length;
  assert.equal(await snapshots(), 1);

  await rename(vault, join(root, 'away'));
  await mkdir(vault); // the mount point, the drive not mounted
  const r = await cli(['backup']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.equal(r.stderr, `casevault: ${replacedSentence(vault, 'backed up')}.\n`);
  assert.equal(await snapshots(), 1, 'no empty snapshot taken');

  await rm(vault, { recursive: true });
  await rename(join(root, 'away'), vault);
  assert.equal((await cli(['backup'])).code, 0, 'the folder back: backed up');

  for (const name of await readdir(vault)) await rm(join(vault, name), { recursive: true });
  const emptied = await cli(['backup']);
  assert.equal(emptied.code, 0, `the same folder emptied in place is backed up: ${emptied.stderr}`);
  assert.equal(await snapshots(), 3);
});
