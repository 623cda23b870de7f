// Issue 15, item 5: the cloud puts the whole cloud folder back to an earlier
// state (it kept a copy: every object in it authentic). Each computer keeps
// an authenticated high-water record in the cloud and pins the highest
// counter it saw from every computer, so `verify --cloud` and `sync` report
// the rollback (exit 3), also when two computers share the cloud; sync puts
// the newer files back, never the older text over newer work.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadState } from '../../engine/mirror/state.js';
import fc from 'fast-check';
import { Engine } from '../../engine/engine.js';
import { openHighWater, sealHighWater } from '../../engine/mirror/high-water.js';
import { deviceNameOf } from '../../engine/devices/this-device.js';
import { mutated, RUNS } from '../helpers/fuzz.js';
import { PASSPHRASE, run } from '../helpers/cli.js';
import { makeVault } from '../helpers/vault.js';

const files = { 'case/letter.txt': 'first draft of the letter', 'case/notes.txt': 'notes' };

async function putBack(cloud: string, copy: string): Promise<void> {
  await rm(cloud, { recursive: true });
  await cp(copy, cloud, { recursive: true });
}

test('the whole cloud folder put back after an edit: sync reports it (exit 3) and puts the newer text back; verify --cloud then passes', async () => {
  const v = await makeVault({ files, synced: true });
  const before = join(v.root, 'cloud-before');
  await cp(v.cloud, before, { recursive: true });
  await writeFile(join(v.vault, 'case/letter.txt'), 'final text of the letter!'); // the same padded size
  assert.equal((await v.engine.sync()).uploaded, 1);
  await putBack(v.cloud, before);

  const s = await run(['sync'], v.env);
  assert.equal(s.code, 3, s.stdout + s.stderr);
  assert.match(s.stderr + s.stdout, /rolled back to an earlier state/);
  assert.equal(await readFile(join(v.vault, 'case/letter.txt'), 'utf8'), 'final text of the letter!', 'the newer work stays here');
  assert.equal((await run(['sync'], v.env)).code, 0, 'reported once; the next pass is ordinary');
  const verify = await run(['verify', '--cloud'], { ...v.env, CASEVAULT_PASSPHRASE: PASSPHRASE });
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  const back = await run(['recover', '--cloud', v.cloud, '--vault', join(v.root, 'again')], {
    CASEVAULT_HOME: join(v.root, 'home-again'),
    CASEVAULT_PASSPHRASE: PASSPHRASE,
  });
  assert.equal(back.code, 0, back.stderr);
  assert.equal(await readFile(join(v.root, 'again', 'case/letter.txt'), 'utf8'), 'final text of the letter!');
});

test("two computers: the cloud put back to before the other computer's last edit is reported by verify --cloud on this one, and by the other's sync", async () => {
  const v = await makeVault({ files, synced: true });
  const home2 = join(v.root, 'home2');
  const vault2 = join(v.root, 'vault2');
  const other = new Engine(home2, v.env);
  await other.recover({ vaultDir: vault2, cloud: { kind: 'folder', dir: v.cloud }, secret: { passphrase: PASSPHRASE } });
  await writeFile(join(vault2, 'case/notes.txt'), 'notes, second computer, 1');
  assert.equal((await other.sync()).uploaded, 1);
  const verifyHere = () => run(['verify', '--cloud'], { ...v.env, CASEVAULT_PASSPHRASE: PASSPHRASE });
  assert.equal((await verifyHere()).code, 0);
  const before = join(v.root, 'cloud-before');
  await cp(v.cloud, before, { recursive: true });
  await writeFile(join(vault2, 'case/notes.txt'), 'notes, second computer, 2');
  assert.equal((await other.sync()).uploaded, 1);
  assert.equal((await verifyHere()).code, 0, 'this computer has seen the second edit');

  await putBack(v.cloud, before);
  const r = await verifyHere();
  assert.equal(r.code, 3, r.stdout + r.stderr);
  assert.match(r.stdout, /rolled back to an earlier state/);

  const s = await other.sync();
  assert.match(s.rolledBack ?? '', /rolled back to an earlier state/);
  assert.deepEqual(s.conflicts, [], 'its own older text is not taken for another computer');
  assert.equal(await readFile(join(vault2, 'case/notes.txt'), 'utf8'), 'notes, second computer, 2');
  assert.equal((await verifyHere()).code, 0, 'the newer text is back in the cloud');
});

test('a new computer recovering from a cloud put back before it ever saw it is told when the copy it got was last changed, and by which computer', async () => {
  const v = await makeVault({ files, synced: true });
  const config = JSON.parse(await readFile(join(v.home, 'config.json'), 'utf8')) as { deviceId: string; authKey: string };
  const record = async () => openHighWater(Buffer.from(config.authKey, 'base64'), config.deviceId, await readFile(join(v.cloud, 'highwater', config.deviceId)));
  const before = join(v.root, 'cloud-before');
  await cp(v.cloud, before, { recursive: true });
  const older = await record();
  await writeFile(join(v.vault, 'case/letter.txt'), 'final text of the letter!');
  assert.equal((await v.engine.sync()).uploaded, 1);
  const newer = await record();
  assert.ok(older && newer && newer.counter > older.counter);
  await putBack(v.cloud, before);

  const home = join(v.root, 'home-new');
  const fresh = new Engine(home, {});
  const r = await fresh.recover({ vaultDir: join(v.root, 'new'), cloud: { kind: 'folder', dir: v.cloud }, secret: { passphrase: PASSPHRASE } });
  assert.deepEqual(r.lastChanged, { at: new Date(older.timeMs).toISOString(), by: deviceNameOf({}) }, 'the date of the copy it got, not of the newest work');
  assert.equal(await readFile(join(v.root, 'new', 'case/letter.txt'), 'utf8'), files['case/letter.txt'], 'the older text: nothing here can tell');
  const cli = await run(['recover', '--cloud', v.cloud, '--vault', join(v.root, 'new2')], {
    CASEVAULT_HOME: join(v.root, 'home-new2'),
    CASEVAULT_PASSPHRASE: PASSPHRASE,
  });
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /The cloud copy was last changed on .+ by the computer ".+"\. If you changed files after that, the cloud gave back an older copy/);
});

test('a sync pass with nothing changed leaves the high-water record as it was', async () => {
  const v = await makeVault({ files, synced: true });
  const { deviceId } = JSON.parse(await readFile(join(v.home, 'config.json'), 'utf8')) as { deviceId: string };
  const record = join(v.cloud, 'highwater', deviceId);
  const was = await readFile(record);
  const r = await v.engine.sync();
  assert.equal(r.uploaded + r.deleted, 0);
  assert.deepEqual(await readFile(record), was);
});

test(`a high-water record: authentic only as written, for its own computer and auth key; ${RUNS} mutated records are refused, never thrown on`, async () => {
  const authKey = new Uint8Array(randomBytes(32));
  const device = randomBytes(16).toString('hex');
  const good = await sealHighWater(authKey, device, 7, 1_700_000_000_000);
  assert.deepEqual(await openHighWater(authKey, device, good), { counter: 7, timeMs: 1_700_000_000_000 });
  assert.equal(await openHighWater(new Uint8Array(32), device, good), undefined, 'another auth key');
  assert.equal(await openHighWater(authKey, randomBytes(16).toString('hex'), good), undefined, "another computer's name");
  await fc.assert(
    fc.asyncProperty(mutated(good), async (b) => {
      const r = await openHighWater(authKey, device, b);
      return r === undefined || Buffer.from(b).equals(Buffer.from(good));
    }),
    { numRuns: RUNS },
  );
});

test('two computers: one object of this computer put back from an older copy is reported by its verify --cloud while no other computer has synced since', async () => {
  const v = await makeVault({ files, synced: true });
  const other = new Engine(join(v.root, 'home2'), v.env);
  await other.recover({ vaultDir: join(v.root, 'vault2'), cloud: { kind: 'folder', dir: v.cloud }, secret: { passphrase: PASSPHRASE } });
  await writeFile(join(v.root, 'vault2', 'case/notes.txt'), 'notes, second computer');
  assert.equal((await other.sync()).uploaded, 1); // two computers with records now
  await writeFile(join(v.vault, 'case/letter.txt'), 'second draft of the letter');
  assert.equal((await v.engine.sync()).uploaded, 1);
  const object = await findObject(v.cloud, v.home, 'case/letter.txt');
  const old = await readFile(object);
  await writeFile(join(v.vault, 'case/letter.txt'), 'final text of the letter!!');
  assert.equal((await v.engine.sync()).uploaded, 1);
  await writeFile(object, old);

  const r = await run(['verify', '--cloud'], { ...v.env, CASEVAULT_PASSPHRASE: PASSPHRASE });
  assert.equal(r.code, 3, r.stdout + r.stderr);
  assert.match(r.stdout, /replaced with an older copy since this computer wrote it/);
});

/** The cloud file of a vault path, from the computer's sync state (its object ID). */
async function findObject(cloud: string, home: string, path: string): Promise<string> {
  const id = (await loadState(home)).files.get(path)!.id;
  return join(cloud, 'objects', id.slice(0, 2), id);
}
