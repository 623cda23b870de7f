// Leaving the role with the real CLI: the handover copy is a vault of its
// own that a successor recovers byte for byte; removal only after a
// verified copy of an unchanged vault, with the cloud copy and backups kept
// or deleted as asked.
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { exists, readTree } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';
import { failsWith, handover, ok, successorRecover, FILES, NEW_PASSPHRASE } from './helpers.js';
import { run } from '../helpers/cli.js';

test('the successor recovers the handover copy with the new passphrase, byte for byte, and the old passphrase does not open it', async () => {
  const v = await makeVault({ files: FILES, synced: true });
  const before = await readTree(v.vault);
  const copy = join(v.root, 'usb', 'handover');
  const keyOut = join(v.root, 'successor-recovery-key.txt');
  const sheet = join(v.root, 'handover sheet.html');
  const r = ok(await handover(v, copy, ['--recovery-key-out', keyOut, '--sheet', sheet, '--made-by', 'Pat <Caseworker>']), 'handover');
  assert.match(r.stdout, new RegExp(`made and checked: ${Object.keys(FILES).length} files`));
  assert.match(r.stdout, /in the Casevault app: on its first screen,\n"Already have a vault\? Recover it on this computer"/, 'the app way first');
  const words = (await readFile(keyOut, 'utf8')).trim();
  assert.ok(r.stdout.includes(words), 'the recovery key printed is the one written');
  const page = await readFile(sheet, 'utf8');
  assert.match(page, /by Pat &lt;Caseworker&gt;\./, 'who made it, escaped');
  assert.ok(page.includes(`<code>${copy}</code>`), "the copy's folder");
  assert.match(page, /Already have a vault\? Recover it on this computer/);
  assert.match(page, new RegExp(`${Object.keys(FILES).length} files`));
  assert.ok(!page.includes(words) && !page.includes(NEW_PASSPHRASE), 'no passphrase or recovery key on the sheet');
  assert.doesNotMatch(page, /casevault recover|--cloud/, 'no command for the successor to type');
  failsWith(await v.cli(['handover', '--to', join(v.root, 'other'), '--sheet', sheet], { CASEVAULT_NEW_PASSPHRASE: 'x' }), 2, /--sheet file already exists/);

  const into = join(v.root, 'successor');
  ok(await successorRecover(v.root, copy, into), 'successor recover');
  const got = await readTree(into);
  assert.deepEqual([...got.keys()].sort(), [...before.keys()].sort());
  for (const [p, data] of before) assert.ok(got.get(p)!.equals(data), p);
  assert.ok(got.has('caf\u00e9.txt') && got.has('cafe\u0301.txt'), 'NFC and NFD names stay two files');

  ok(await successorRecover(v.root, copy, join(v.root, 'by-key'), { CASEVAULT_RECOVERY_KEY: words }), "recover with the successor's recovery key");
  const old = await successorRecover(v.root, copy, join(v.root, 'old'), { CASEVAULT_PASSPHRASE: v.env.CASEVAULT_PASSPHRASE! });
  assert.equal(old.code, 4, "the predecessor's passphrase does not open the copy");
  assert.notEqual(await readFile(join(copy, 'casevault.key'), 'utf8'), await readFile(join(v.cloud, 'casevault.key'), 'utf8'));

  const audit = ok(await v.cli(['audit']), 'audit');
  assert.match(audit.stdout, /handover copy made and verified/);
  assert.ok(await exists(join(copy, 'audit')), "the vault's audit trail travels with the copy");
  assert.deepEqual(await readTree(v.vault), before, 'the vault is untouched');
});

test('a handover into a folder that is not empty, or inside the vault, is refused', async () => {
  const v = await makeVault({ files: { 'a.txt': Buffer.from('a') }, synced: true });
  const busy = join(v.root, 'busy');
  await mkdir(busy);
  await writeFile(join(busy, 'holiday photo.jpg'), 'not ours');
  failsWith(await handover(v, busy), 1, /not empty/);
  assert.equal(await readFile(join(busy, 'holiday photo.jpg'), 'utf8'), 'not ours');
  failsWith(await handover(v, join(v.vault, 'copy')), 2, /separate/);
  failsWith(await handover(v, v.cloud), 2, /separate/);
  failsWith(
    await handover(v, join(v.home, 'copy')),
    2,
    new RegExp(
      `^casevault: the handover folder must be separate from the vault folder, its cloud copy, its backups and Casevault's settings folder \\(${v.home}\\);`,
    ),
  );
  failsWith(await v.cli(['handover', '--to', join(v.root, 'x')], { CASEVAULT_NEW_PASSPHRASE: 'short' }), 2, /too weak/);
  failsWith(await handover(v, join(v.root, 'y'), ['--fingerprint', 'abcd']), 2, /go together/);
  // A file that cannot be copied (its name is not valid UTF-8) fails the handover, and says so without the name.
  await writeFile(Buffer.concat([Buffer.from(`${v.vault}/bad-`), Buffer.from([0xff, 0xfe]), Buffer.from('.txt')]), 'x');
  failsWith(await handover(v, join(v.root, 'z')), 1, /1 file of the vault could not be copied/);
  // A folder by such a name is counted as a folder: nothing in it could be copied.
  await mkdir(Buffer.concat([Buffer.from(`${v.vault}/case-`), Buffer.from([0xff])]));
  await writeFile(Buffer.concat([Buffer.from(`${v.vault}/case-`), Buffer.from([0xff]), Buffer.from('/letter.txt')]), 'x');
  failsWith(await handover(v, join(v.root, 'z2')), 1, /1 folder and 1 file of the vault could not be copied/);
  failsWith(await v.cli(['remove', '--yes']), 1, /no verified handover copy/);
});

test('remove: refused without --yes and before a verified handover; refused after the vault changed; then removes, keeping the cloud copy and backups', async () => {
  const v = await makeVault({ files: { 'a.txt': Buffer.from('a'), 'sub/b.txt': Buffer.from('b') }, synced: true, backedUp: true });
  failsWith(await v.cli(['remove']), 2, /--yes/);
  failsWith(await v.cli(['remove', '--yes']), 1, /no verified handover copy/);
  const copy = join(v.root, 'copy');
  ok(await handover(v, copy), 'handover');
  await writeFile(join(v.vault, 'a.txt'), 'changed after the handover');
  failsWith(await v.cli(['remove', '--yes']), 1, /changed since its handover copy was verified/);
  assert.ok(await exists(join(v.vault, 'a.txt')), 'nothing removed');
  ok(await handover(v, join(v.root, 'copy2')), 'handover again');
  failsWith(await handover(v, join(v.root, 'copy2')), 1, /already holds the verified handover copy/); // a made copy is never overwritten, and stays the verified one
  const cloudBefore = await readTree(v.cloud);
  const r = ok(await v.cli(['remove', '--yes', '--cloud', 'keep', '--backups', 'keep']), 'remove');
  assert.match(r.stdout, /Cloud copy: kept\. Backups: kept\./);
  assert.equal(await exists(v.vault), false, 'the vault folder is gone');
  assert.equal(await exists(v.home), false, "CASEVAULT_HOME's keys, state and settings are gone");
  assert.ok(await exists(join(v.backup, 'config')), 'the backups are kept');
  const cloudAfter = await readTree(v.cloud);
  assert.ok(cloudAfter.get('casevault.key')!.equals(cloudBefore.get('casevault.key')!), 'the cloud copy is kept');
  // The kept cloud copy was brought up to date first, and it still opens.
  const back = join(v.root, 'back');
  const home = join(v.root, 'home-back');
  ok(
    await run(['recover', '--cloud', v.cloud, '--vault', back], { CASEVAULT_HOME: home, CASEVAULT_PASSPHRASE: v.env.CASEVAULT_PASSPHRASE }),
    'the kept cloud copy recovers',
  );
  assert.equal(await readFile(join(back, 'a.txt'), 'utf8'), 'changed after the handover');
  assert.ok((await readdir(join(v.cloud, 'audit'))).length >= 1, 'the audit trail was mirrored to the kept cloud copy');
  failsWith(await v.cli(['status']), 2, /no vault is set up/);
});

test("remove --cloud delete --backups delete deletes both, and leaves what is not the vault's", async () => {
  const v = await makeVault({ files: { 'a.txt': Buffer.from('a'), 'Old case/b.txt': Buffer.from('b') }, synced: true, backedUp: true });
  ok(await v.cli(['close', 'Old case']), 'a case closed: its mark is mirrored to the cloud');
  ok(await v.cli(['sync']), 'sync');
  assert.ok((await readdir(join(v.cloud, 'housekeeping'))).length > 0, 'the cloud holds the housekeeping marks');
  await writeFile(join(v.cloud, 'not-casevault.txt'), "someone else's file in the sync folder");
  await writeFile(join(v.home, 'notes-of-mine.txt'), 'a CASEVAULT_HOME that holds other things too');
  ok(await handover(v, join(v.root, 'copy')), 'handover');
  const r = ok(await v.cli(['remove', '--yes', '--cloud', 'delete', '--backups', 'delete']), 'remove');
  assert.match(r.stdout, /Cloud copy: deleted\. Backups: deleted\./);
  assert.deepEqual([...(await readTree(v.cloud)).keys()], ['not-casevault.txt']);
  assert.deepEqual([...(await readTree(v.home)).keys()], ['notes-of-mine.txt'], "only Casevault's own files leave the home");
  assert.equal(await exists(v.backup), false);
  assert.equal(await exists(v.vault), false);
  // The handover copy is all that is left, and it opens.
  ok(await successorRecover(v.root, join(v.root, 'copy'), join(v.root, 'succ')), 'successor recover');
  assert.equal(await readFile(join(v.root, 'succ', 'a.txt'), 'utf8'), 'a');
  assert.equal(await readFile(join(v.root, 'succ', 'Old case', 'b.txt'), 'utf8'), 'b');
  failsWith(await v.cli(['remove', '--yes', '--cloud', 'sideways']), 2, /sideways|argument/i);
});
