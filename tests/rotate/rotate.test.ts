// Lost computer: rotating the vault's keys with the real CLI. After it, the
// lost computer's key file and write keys read nothing in the cloud, every
// file is still recovered byte for byte with the new passphrase, old
// backups still restore, and other computers take the new keys on.
import assert from 'node:assert/strict';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { keyring, openKeyFile, openObject, parseKeyFile, parseObjectRemoteName, type ReadKeys } from '../../crypto/index.js';
import { PASSPHRASE, run } from '../helpers/cli.js';
import { readTree } from '../helpers/fs.js';
import { ROTATED } from './helpers.js';
import { makeVault, type TestVault } from '../helpers/vault.js';
import { failsWith, FILES, ok, successorRecover } from '../handover/helpers.js';

function rotate(v: TestVault, extra: Record<string, string> = {}, args: string[] = []) {
  return v.cli(['rotate-keys', ...args], { CASEVAULT_NEW_PASSPHRASE: ROTATED, ...extra });
}

async function cloudObjects(cloud: string): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(join(cloud, 'objects'), { recursive: true, withFileTypes: true })) {
    if (d.isFile())
      out.push(
        join(d.parentPath, d.name)
          .slice(cloud.length + 1)
          .split('\\')
          .join('/'),
      );
  }
  return out;
}

/** How many of the cloud's objects (and trashed ones) `keys` alone opens. */
async function readableWith(cloud: string, keys: ReadKeys): Promise<number> {
  let n = 0;
  for (const name of await cloudObjects(cloud)) {
    const id = parseObjectRemoteName(name);
    if (!id) continue;
    try {
      const { content } = await openObject([keys], Buffer.from(id, 'hex'), [await readFile(join(cloud, name))]);
      for await (const _ of content) {
        /* read in full */
      }
      n++;
    } catch {
      // not under these keys
    }
  }
  return n;
}

test("rotate-keys: the lost computer's keys read nothing in the cloud; the new passphrase recovers every file; backups from before still restore", async () => {
  const v = await makeVault({ files: FILES, synced: true, backedUp: true });
  const before = await readTree(v.vault);
  const oldKeyFile = await readFile(join(v.home, 'casevault.key'));
  const oldConfig = JSON.parse(await readFile(join(v.home, 'config.json'), 'utf8'));
  const oldKeys = await openKeyFile(parseKeyFile(oldKeyFile), { passphrase: PASSPHRASE });
  // A deleted file sits in the cloud trash: it is re-encrypted too.
  await writeFile(join(v.vault, 'to be deleted.txt'), 'a member withdrew consent');
  ok(await v.cli(['sync']), 'sync');
  await cp(join(v.vault, 'to be deleted.txt'), join(v.root, 'deleted-copy.txt'));
  await import('node:fs/promises').then((fs) => fs.rm(join(v.vault, 'to be deleted.txt')));
  ok(await v.cli(['sync']), 'sync deletion');
  assert.equal(await readableWith(v.cloud, oldKeys), Object.keys(FILES).length);

  failsWith(await rotate(v, { CASEVAULT_NEW_PASSPHRASE: PASSPHRASE }), 2, /not the current one/);
  failsWith(await rotate(v, { CASEVAULT_NEW_PASSPHRASE: 'short' }), 2, /too weak/);
  const keyOut = join(v.root, 'new-recovery-key.txt');
  const r = ok(await rotate(v, {}, ['--recovery-key-out', keyOut]), 'rotate-keys');
  const words = (await readFile(keyOut, 'utf8')).trim();
  assert.ok(r.stdout.includes(words), 'the recovery key printed is the one written');
  assert.match(r.stdout, new RegExp(`re-encrypted: ${Object.keys(FILES).length + 1} objects`));
  assert.ok(r.stdout.indexOf(words) < r.stdout.indexOf('Re-encrypting the cloud copy'), 'the recovery key is shown before the long part');
  assert.match(r.stdout, /older backups stay readable/);

  // The lost computer's keys: no object in the cloud opens with them, its key file is not the cloud's, its passphrase opens nothing new.
  assert.equal(await readableWith(v.cloud, oldKeys), 0, 'nothing in the cloud reads with the old keys');
  const trash = await readdir(join(v.cloud, 'trash'));
  assert.equal(trash.length, 1);
  const cloudKf = parseKeyFile(await readFile(join(v.cloud, 'casevault.key')));
  await assert.rejects(openKeyFile(cloudKf, { passphrase: PASSPHRASE }), { name: 'WrongSecret' });
  const newKeys = await openKeyFile(cloudKf, { passphrase: ROTATED });
  assert.equal(await readableWith(v.cloud, newKeys), Object.keys(FILES).length);
  assert.equal(keyring(newKeys).length, 2, 'the old keys are kept under the new ones');
  assert.equal(cloudKf.previous?.cloud, 'done');
  const config = JSON.parse(await readFile(join(v.home, 'config.json'), 'utf8'));
  for (const k of ['publicKey', 'nameKey', 'authKey']) assert.notEqual(config[k], oldConfig[k], k);
  assert.equal(config.vaultId, oldConfig.vaultId);
  assert.equal(config.retiredAuthKeys, undefined, 'the backup folder was there: its key was re-wrapped at once');

  // Nothing changed in the vault, and a sync finds nothing to do.
  assert.deepEqual(await readTree(v.vault), before);
  assert.match(ok(await v.cli(['sync'], { CASEVAULT_PASSPHRASE: ROTATED }), 'sync after').stdout, /^(?!.*Uploaded [1-9])/s);
  const status = JSON.parse(ok(await v.cli(['status', '--json']), 'status').stdout);
  assert.equal(status.files.synced, Object.keys(FILES).length);

  // Recovered on a new computer with the new passphrase and with the new recovery key; not with the old ones.
  for (const secret of [{ CASEVAULT_PASSPHRASE: ROTATED }, { CASEVAULT_RECOVERY_KEY: words }] as Record<string, string>[]) {
    const into = join(v.root, `new-laptop-${Object.keys(secret)[0]}`);
    ok(await successorRecover(v.root, v.cloud, into, secret), 'recover');
    assert.deepEqual(await readTree(into), before);
  }
  assert.equal((await successorRecover(v.root, v.cloud, join(v.root, 'thief'), { CASEVAULT_PASSPHRASE: PASSPHRASE })).code, 4);

  // Backups: the one from before restores with the new passphrase; a new one is sealed to the new keys.
  const env = { CASEVAULT_PASSPHRASE: ROTATED };
  ok(await v.cli(['backup'], env), 'backup after');
  const snaps = JSON.parse(ok(await v.cli(['snapshots', '--json'], env), 'snapshots').stdout) as { id: string }[];
  assert.equal(snaps.length, 2);
  for (const s of snaps) {
    const to = join(v.root, `restored-${s.id}`);
    ok(await v.cli(['restore', '--snapshot', s.id, '--to', to], env), `restore ${s.id}`);
    assert.deepEqual(await readTree(to), before);
  }
  ok(await v.cli(['verify', '--backup'], env), 'verify --backup');
  ok(await v.cli(['verify', '--cloud'], env), 'verify --cloud');

  // The lost laptop's key file put back in the cloud (a rollback): refused, nothing uploaded, until this computer's is back.
  const current = await readFile(join(v.cloud, 'casevault.key'));
  await writeFile(join(v.cloud, 'casevault.key'), oldKeyFile);
  await writeFile(join(v.vault, 'after rollback.txt'), 'not to be sealed to the old keys');
  failsWith(await v.cli(['sync'], env), 3, /an old one of this vault/);
  failsWith(await v.cli(['verify', '--cloud'], env), 3, /an old one of this vault/);
  await writeFile(join(v.cloud, 'casevault.key'), current);
  ok(await v.cli(['sync'], env), 'sync once the key file is back');
  assert.equal(await readableWith(v.cloud, oldKeys), 0);

  // The audit trail: re-chained under the new keys, whole, with the rotation in it.
  ok(await v.cli(['audit', '--verify']), 'audit --verify');
  const audit = ok(await v.cli(['audit'], env), 'audit').stdout;
  assert.match(audit, /vault created/);
  assert.match(audit, /vault keys rotated/);
  assert.ok(audit.indexOf('vault created') < audit.indexOf('vault keys rotated') || audit.indexOf('vault created') > audit.indexOf('vault keys rotated'));
});

test('another computer using the vault stops uploading under the old keys, and takes the new keys on when unlocked with the new passphrase', async () => {
  const v = await makeVault({ files: { 'a.txt': Buffer.from('from the office computer') }, synced: true });
  const laptop = { ...v, home: join(v.root, 'laptop-home'), vault: join(v.root, 'laptop-vault') };
  const lenv = { CASEVAULT_HOME: laptop.home, CASEVAULT_PASSPHRASE: PASSPHRASE };
  ok(await run(['recover', '--cloud', v.cloud, '--vault', laptop.vault], lenv), 'recover on the laptop');
  ok(await rotate(v), 'rotate on the office computer');

  await writeFile(join(laptop.vault, 'b.txt'), 'written on the laptop after the rotation');
  failsWith(await run(['sync'], lenv), 1, /keys were changed on another computer/);
  assert.equal((await cloudObjects(v.cloud)).length, 1, 'nothing uploaded under the old keys');
  failsWith(await run(['verify', '--cloud'], lenv), 1, /keys were changed on another computer/); // the old passphrase opens only the laptop's own, outdated key file

  ok(await run(['verify', '--cloud'], { ...lenv, CASEVAULT_PASSPHRASE: ROTATED }), 'verify with the new passphrase takes the new keys on');
  ok(await run(['sync'], lenv), 'sync on the laptop');
  assert.equal((await cloudObjects(v.cloud)).length, 2);
  const into = join(v.root, 'check');
  ok(await successorRecover(v.root, v.cloud, into, { CASEVAULT_PASSPHRASE: ROTATED }), 'recover');
  const got = await readTree(into);
  assert.equal(got.get('a.txt')?.toString(), 'from the office computer');
  assert.equal(got.get('b.txt')?.toString(), 'written on the laptop after the rotation');
  ok(await run(['audit', '--verify'], lenv), "the laptop's audit trail is whole under the new keys");
});

test('two rotations in a row: a backup from each generation of keys restores with the newest passphrase; an escrow slot follows each rotation, and the receipt made before them still pins the vault', async () => {
  const v = await makeVault({ files: { 'a.txt': Buffer.from('generation one') }, synced: true, backedUp: true });
  const escrowKey = join(v.root, 'union.key');
  const escrowEnv = { CASEVAULT_ESCROW_PASSPHRASE: 'union officer keeps this phrase locked away' };
  const made = ok(await v.cli(['escrow', 'keygen', '--out', escrowKey], escrowEnv), 'escrow keygen');
  const fp = /Fingerprint: (\S+)/.exec(made.stdout)?.[1];
  assert.ok(fp, 'fingerprint printed');
  const receipt = join(v.root, 'union.receipt');
  ok(await v.cli(['escrow', 'add', '--public-key', `${escrowKey}.pub`, '--fingerprint', fp!, '--receipt', receipt]), 'escrow add');
  ok(await rotate(v), 'first rotation');
  await writeFile(join(v.vault, 'a.txt'), 'generation two');
  const second = 'second rotation passphrase for the vault today';
  ok(await v.cli(['sync']), 'sync');
  ok(await v.cli(['backup']), 'backup under the second keys');
  ok(await v.cli(['rotate-keys'], { CASEVAULT_PASSPHRASE: ROTATED, CASEVAULT_NEW_PASSPHRASE: second }), 'second rotation');
  failsWith(await v.cli(['rotate-keys'], { CASEVAULT_PASSPHRASE: second, CASEVAULT_NEW_PASSPHRASE: second }), 2, /not the current one/);
  await writeFile(join(v.vault, 'a.txt'), 'generation three');
  ok(await v.cli(['backup'], { CASEVAULT_PASSPHRASE: second }), 'backup under the third keys');
  const env = { CASEVAULT_PASSPHRASE: second };
  const snaps = JSON.parse(ok(await v.cli(['snapshots', '--json'], env), 'snapshots').stdout) as { id: string }[];
  const contents = [];
  for (const s of snaps) {
    const to = join(v.root, `restored-${s.id}`);
    ok(await v.cli(['restore', '--snapshot', s.id, '--to', to], env), `restore ${s.id}`);
    contents.push(await readFile(join(to, 'a.txt'), 'utf8'));
  }
  assert.deepEqual(contents.sort(), ['generation one', 'generation three', 'generation two']);
  const kf = parseKeyFile(await readFile(join(v.cloud, 'casevault.key')));
  assert.equal(keyring(await openKeyFile(kf, { passphrase: second })).length, 3);
  const into = join(v.root, 'union-recovers');
  ok(
    await run(['recover', '--cloud', v.cloud, '--vault', into, '--escrow-key', escrowKey, '--escrow-receipt', receipt], {
      CASEVAULT_HOME: join(v.root, 'union-home'),
      ...escrowEnv,
    }),
    'the union recovers with its escrow key',
  );
  assert.equal(await readFile(join(into, 'a.txt'), 'utf8'), 'generation two', 'the cloud copy (the last sync)');
  ok(await v.cli(['audit', '--verify']), 'audit --verify');
});

test('an interrupted rotation: status says so, sync refuses, the old passphrase does not finish it, the new one does', async () => {
  const v = await makeVault({ files: { 'a.txt': Buffer.from('a'), 'b.txt': Buffer.from('b') }, synced: true });
  // Killed right after the switch: simulate by stopping the command as soon as the cloud has the new key file.
  const before = await readFile(join(v.cloud, 'casevault.key'), 'utf8');
  for (let ms = 200; ms < 20_000; ms += 150) {
    await run(['rotate-keys'], { ...v.env, CASEVAULT_NEW_PASSPHRASE: ROTATED, CASEVAULT_KDF_PROFILE: 'interactive' }, ms);
    if ((await readFile(join(v.cloud, 'casevault.key'), 'utf8')) !== before) break;
  }
  const unfinished = JSON.parse(ok(await v.cli(['status', '--json']), 'status').stdout);
  if (unfinished.keyRotation === 'none') return; // the run got all the way through before a kill landed: nothing left to check here
  assert.match(
    ok(await v.cli(['status']), 'status').stdout,
    /!! Keys: a key rotation on this computer did not finish[^\n;]*; run `casevault rotate-keys` again/,
  );
  // Killed after the cloud's key file and before this computer's settings, sync refuses; killed after the settings too, it syncs under the new keys.
  const cloudKey = parseKeyFile(await readFile(join(v.cloud, 'casevault.key'))).publicKey;
  if (JSON.parse(await readFile(join(v.home, 'config.json'), 'utf8')).publicKey !== cloudKey)
    failsWith(await v.cli(['sync']), 1, /key rotation on this computer did not finish/);
  else ok(await v.cli(['sync']), 'sync under the new keys, before the re-encryption');
  failsWith(await v.cli(['rotate-keys'], { CASEVAULT_NEW_PASSPHRASE: PASSPHRASE }), 4, /type the new passphrase chosen then/);
  ok(await rotate(v), 'finish');
  ok(await v.cli(['sync'], { CASEVAULT_PASSPHRASE: ROTATED }), 'sync');
  ok(await v.cli(['verify', '--cloud'], { CASEVAULT_PASSPHRASE: ROTATED }), 'verify');
});

test("rotated while the backup drive was unplugged: the next backup re-wraps the backup folder's key, and the old snapshot still restores", async () => {
  const v = await makeVault({ files: { 'a.txt': Buffer.from('before the rotation') }, synced: true, backedUp: true });
  const { rename } = await import('node:fs/promises');
  await rename(v.backup, `${v.backup}.unplugged`);
  const r = ok(await rotate(v), 'rotate with the drive away');
  assert.match(r.stdout, /backup drive was not connected/);
  assert.equal(JSON.parse(await readFile(join(v.home, 'config.json'), 'utf8')).retiredAuthKeys.length, 1);
  await rename(`${v.backup}.unplugged`, v.backup);
  const env = { CASEVAULT_PASSPHRASE: ROTATED };
  await writeFile(join(v.vault, 'a.txt'), 'after the rotation');
  ok(await v.cli(['backup'], env), 'backup once the drive is back');
  assert.equal(JSON.parse(await readFile(join(v.home, 'config.json'), 'utf8')).retiredAuthKeys, undefined, 'no longer needed');
  const snaps = JSON.parse(ok(await v.cli(['snapshots', '--json'], env), 'snapshots').stdout) as { id: string }[];
  const got = [];
  for (const s of snaps) {
    const to = join(v.root, `r-${s.id}`);
    ok(await v.cli(['restore', '--snapshot', s.id, '--to', to], env), 'restore');
    got.push(await readFile(join(to, 'a.txt'), 'utf8'));
  }
  assert.deepEqual(got.sort(), ['after the rotation', 'before the rotation']);
  ok(await v.cli(['verify', '--backup'], env), 'verify --backup');
});
