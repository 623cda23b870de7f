// The command line's side of the vault's health: `status --json` carries
// every area once, worst first, in each state; `status` prints it first and
// exits 0 whatever it says; `sync` refuses a cloud folder that is missing or
// holds no key file (exit 1, the folder named, nothing made or written) and
// one whose key file is another vault's (exit 3); `watch` keeps trying
// quietly and makes nothing meanwhile.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { HEALTH_AREAS, type HealthItem } from '../../contract/index.js';
import { BIN, PASSPHRASE } from '../helpers/cli.js';
import { listFiles } from '../helpers/fs.js';
import { makeVault, type TestVault } from '../helpers/vault.js';
import { secondComputer } from '../health/helpers.js';
import { ROTATED } from '../rotate/helpers.js';

/** `status --json`'s health, checked for shape: every area once, each with ok and a sentence. */
async function health(v: TestVault, env: Record<string, string> = {}): Promise<HealthItem[]> {
  const r = await v.cli(['status', '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  const items = (JSON.parse(r.stdout) as { health: HealthItem[] }).health;
  assert.deepEqual(items.map((i) => i.area).sort(), [...HEALTH_AREAS].sort());
  for (const i of items) {
    assert.equal(typeof i.ok, 'boolean');
    assert.match(i.message, /^[a-z0-9].*[^.]$/, 'one sentence, as the engine words it');
  }
  return items;
}

const problems = (items: HealthItem[]) => items.filter((i) => !i.ok).map((i) => i.area);

test('status --json: every area ok for a vault synced and backed up; problems worst first as they appear', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true, backedUp: true });
  assert.deepEqual(problems(await health(v)), []);

  await rename(v.backup, `${v.backup}.away`);
  let h = await health(v);
  assert.deepEqual(problems(h), ['backups']);
  assert.equal(h[0]!.message, `the backup drive (${v.backup}) is not connected; the last backup was just now`);

  await rename(v.cloud, `${v.cloud}.away`);
  h = await health(v);
  assert.deepEqual(problems(h), ['cloud', 'backups', 'keys'], 'the cloud stopped first, then the backups, then what cannot be checked');
  assert.equal(h[0]!.next, 'reconnect-cloud');

  const text = await v.cli(['status']);
  assert.equal(text.code, 0, 'status reports; it does not fail');
  const lines = text.stdout.split('\n');
  assert.equal(lines[0], 'Health: 3 things need attention (worst first)');
  assert.match(lines[1]!, new RegExp(`^  !! Cloud: the cloud folder ${v.cloud} is not there, so nothing is sent to the cloud; reconnect the drive or share`));
  assert.match(lines[2]!, /^ {2}!! Backups: the backup drive .* is not connected; .*; plug in the backup drive/);
  assert.match(lines[3]!, /^ {2}!! Keys: /);
  assert.match(lines[4]!, /^ {2}ok /);
  assert.ok(lines.includes('Files:  1 (1 synced at the last sync, 0 waiting, 0 failed; 0 deletions waiting)'), 'the count is not said to be in the cloud now');
});

test('status --json: an unconfirmed recovery key, keys changed on another computer, a key file gone', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true, backedUp: true, confirmedKey: false });
  assert.deepEqual(problems(await health(v)), ['recovery-key']);

  const laptop = await secondComputer(v);
  await v.engine.unlock({ passphrase: PASSPHRASE });
  await v.engine.rotateKeys({ newPassphrase: ROTATED });
  await v.engine.lock();
  const h = await health(v, { CASEVAULT_HOME: laptop.home });
  assert.equal(h[0]!.area, 'keys');
  assert.equal(h[0]!.next, 'unlock-with-new-passphrase');

  await rename(join(v.cloud, 'casevault.key'), join(v.root, 'key.aside'));
  const gone = await health(v);
  assert.equal(gone[0]!.area, 'cloud');
  assert.equal(gone[0]!.message, `the cloud folder ${v.cloud} holds no key file of this vault (casevault.key), so nothing is sent to it`);
});

test('sync refuses a missing cloud folder: exit 1, the folder named with the fix, nothing made anywhere', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true });
  await rename(v.cloud, `${v.cloud}.away`);
  await writeFile(join(v.vault, 'b.txt'), 'b');
  const before = (await readdir(v.root)).sort();
  const r = await v.cli(['sync']);
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    `casevault: the cloud folder ${v.cloud} is not there, so nothing is sent to the cloud; reconnect the drive or share that holds the cloud folder, or start its sync app and let it finish, then run the command again (\`casevault watch\` keeps trying by itself).\n`,
  );
  assert.deepEqual((await readdir(v.root)).sort(), before, 'no new cloud folder, nor anything else');
});

test('sync refuses a cloud folder without its key file (exit 1) and writes nothing into it; another vault’s key file is tampering (exit 3)', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true });
  const other = await makeVault();
  await rename(v.cloud, `${v.cloud}.away`);
  await mkdir(v.cloud);
  await writeFile(join(v.vault, 'b.txt'), 'b');
  const r = await v.cli(['sync']);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    new RegExp(
      `^casevault: the cloud folder ${v.cloud} holds no key file of this vault \\(casevault\\.key\\), so nothing is sent to it; once the cloud folder's drive or share is connected`,
    ),
  );
  assert.deepEqual(await readdir(v.cloud), [], 'nothing written into it');

  await writeFile(join(v.cloud, 'casevault.key'), await readFile(join(other.cloud, 'casevault.key')));
  const foreign = await v.cli(['sync']);
  assert.equal(foreign.code, 3);
  assert.match(
    foreign.stderr,
    /belongs to another vault, so nothing is sent to the cloud; once the cloud folder's drive or share is connected and its sync app has finished, put this computer's key file back with `casevault cloud-key-file --put-back`/,
  );
  assert.deepEqual(await listFiles(v.cloud), ['casevault.key']);
});

test('watch with the cloud folder missing keeps trying quietly, says so once, and makes nothing', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' }, synced: true });
  await rename(v.cloud, `${v.cloud}.away`);
  const child = spawn(process.execPath, [BIN, 'watch'], { env: { PATH: process.env.PATH, ...v.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const said = new Promise<void>((resolve) =>
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Casevault keeps trying quietly')) resolve();
    }),
  );
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  await said;
  // A change: another pass, refused the same way (watch.json, which status reads, says when), and not said again.
  const retryOf = async () => (JSON.parse(await readFile(join(v.home, 'watch.json'), 'utf8')) as { nextRetryAt?: number }).nextRetryAt;
  const first = await retryOf();
  await writeFile(join(v.vault, 'b.txt'), 'b');
  while ((await retryOf()) === first) await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.equal(out.match(/nothing can be sent to the cloud copy now/g)?.length, 1, out);
  assert.match(out, new RegExp(`the cloud folder ${v.cloud} is not there`));
  assert.ok(!existsSync(v.cloud));
});
