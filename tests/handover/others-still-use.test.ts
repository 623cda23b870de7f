// `remove` on one computer of a vault that another computer still uses
// (finding: `--cloud delete` left the other computer with no cloud key file
// and advice that looped; `--backups delete` deleted the other computer's
// own backups in a shared folder): refused, naming the other computer, with
// nothing removed; allowed once that computer is marked lost (no longer
// used), and with the backups kept.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../helpers/cli.js';
import { exists } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';
import { NEW_PASSPHRASE, failsWith, ok } from './helpers.js';

test('remove --cloud delete is refused while another computer still uses the cloud copy; allowed once it is marked lost', async () => {
  const v = await makeVault({ files: { 'CaseA/a.txt': 'a' }, synced: true });
  const laptop = { ...v.env, CASEVAULT_HOME: join(v.root, 'home-b'), CASEVAULT_DEVICE_NAME: 'laptopB' };
  ok(await run(['recover', '--cloud', v.cloud, '--vault', join(v.root, 'vault-b')], laptop), 'a second computer');
  ok(await run(['sync'], laptop), 'which syncs');
  ok(await v.cli(['handover', '--to', join(v.root, 'copy')], { CASEVAULT_NEW_PASSPHRASE: NEW_PASSPHRASE }), 'handover');

  for (const args of [
    ['remove', '--yes', '--cloud', 'delete'],
    ['remove', '--yes', '--cloud', 'delete', '--backups', 'delete'],
  ]) {
    failsWith(
      await v.cli(args),
      1,
      /^casevault: laptopB still uses this vault's cloud copy, so nothing was removed; remove the vault on each of them first \(`casevault remove` there\), or mark one that is no longer used as lost \(`casevault devices lost NAME --yes`\); or keep the cloud copy \(`casevault remove --yes` keeps it\)\.\n$/,
    );
    assert.equal(await readFile(join(v.vault, 'CaseA', 'a.txt'), 'utf8'), 'a', 'the vault folder is untouched');
    assert.ok(await exists(join(v.cloud, 'casevault.key')), 'the cloud copy is untouched');
    assert.equal(await exists(join(v.home, 'removing.json')), false, 'no removal started');
  }
  ok(await run(['sync'], laptop), 'the other computer still syncs');

  // The laptop is no longer used: marked lost (no wipe ordered), it no longer holds the cloud copy back.
  ok(await v.cli(['devices', 'lost', 'laptopB', '--yes']), 'devices lost');
  const r = ok(await v.cli(['remove', '--yes', '--cloud', 'delete']), 'remove --cloud delete');
  assert.match(r.stdout, /Cloud copy: deleted\./);
  assert.equal(await exists(join(v.cloud, 'casevault.key')), false);
});

test('remove --backups delete is refused while the backup folder holds backups another computer took; the backups can be kept', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true, backedUp: true });
  const laptop = { ...v.env, CASEVAULT_HOME: join(v.root, 'home-b'), CASEVAULT_DEVICE_NAME: 'laptopB' };
  const vaultB = join(v.root, 'vault-b');
  ok(await run(['recover', '--cloud', v.cloud, '--vault', vaultB, '--backup', v.backup], laptop), 'a second computer sharing the backup folder');
  await writeFile(join(vaultB, 'b.txt'), 'only on laptopB');
  ok(await run(['sync'], laptop), 'sync');
  ok(await run(['backup'], laptop), 'its own backup');
  const snapshots = await readdir(join(v.backup, 'snapshots'));
  ok(await v.cli(['handover', '--to', join(v.root, 'copy')], { CASEVAULT_NEW_PASSPHRASE: NEW_PASSPHRASE }), 'handover');

  failsWith(
    await v.cli(['remove', '--yes', '--backups', 'delete']),
    1,
    /^casevault: the backup folder holds 1 backup this computer did not take \(another computer of the vault may back up there\), so nothing was removed; keep them: `casevault remove --yes` keeps the backups \(hand the drive over with them\)\.\n$/,
  );
  assert.deepEqual(await readdir(join(v.backup, 'snapshots')), snapshots, "laptopB's backup is still there");
  assert.equal(await readFile(join(v.vault, 'a.txt'), 'utf8'), 'a', 'the vault folder is untouched');

  const r = ok(await v.cli(['remove', '--yes']), 'remove, keeping the backups');
  assert.match(r.stdout, /Backups: kept\./);
  ok(await run(['backup'], laptop), 'laptopB backs up as before');
});
