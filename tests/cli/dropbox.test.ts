// The command line against the official Dropbox SDK and a local Dropbox API
// server (tests/dropbox/server.ts) on 127.0.0.1, faults included.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { PASSPHRASE, run } from '../helpers/cli.js';
import { readTree, tempDir } from '../helpers/fs.js';
import { type Files, makeVault, writeFiles } from '../helpers/vault.js';
import { startDropboxServer, type DropboxServer } from '../dropbox/server.js';
import { ROTATED } from '../rotate/helpers.js';

let server: DropboxServer;
let root = '';
let dropboxEnv: Record<string, string> = {};

// A fresh, empty Dropbox for each test.
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'cv-dropbox-'));
  server = await startDropboxServer({ root: join(root, 'server') });
  dropboxEnv = { CASEVAULT_DROPBOX_APP_KEY: server.appKey, CASEVAULT_DROPBOX_REFRESH_TOKEN: server.refreshToken, CASEVAULT_DROPBOX_API_URL: server.url };
});
afterEach(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

/** `n` documents and a 3 MiB scan. */
function filesOf(n: number): Files {
  const files: Files = { 'scan.pdf': randomBytes(3 * 1024 * 1024) };
  for (let i = 0; i < n; i++) files[`cases/doc-${i}.txt`] = randomBytes(i * 997);
  return files;
}

async function assertSameTree(a: string, b: string): Promise<void> {
  const x = await readTree(a);
  const y = await readTree(b);
  assert.deepEqual([...y.keys()].sort(), [...x.keys()].sort());
  for (const [p, d] of x) assert.ok(y.get(p)!.equals(d), p);
}

test('init, sync, verify and recover straight to the Dropbox API; the cloud holds only opaque names', async () => {
  const dir = await tempDir('dbx');
  const vault = join(dir, 'vault');
  await writeFiles(vault, filesOf(12));
  const env = { CASEVAULT_HOME: join(dir, 'home'), CASEVAULT_PASSPHRASE: PASSPHRASE, ...dropboxEnv };
  const init = await run(['init', '--vault', vault, '--cloud', 'dropbox'], env);
  assert.equal(init.code, 0, init.stderr);
  const sync = await run(['sync'], env);
  assert.equal(sync.code, 0, sync.stderr);
  assert.match(sync.stdout, /13 uploaded/);
  const names = (await server.files()).map((f) => f.path);
  assert.ok(names.length >= 14);
  for (const n of names)
    assert.match(n, /^\/(casevault\.key|objects\/[0-9a-f]{2}\/[0-9a-f]{64}|devices\/[0-9a-f]{32}|audit\/[0-9a-f]{32}\.log|highwater\/[0-9a-f]{32})$/);
  assert.equal((await run(['verify', '--cloud'], env)).code, 0);

  const target = join(dir, 'recovered');
  const r = await run(['recover', '--cloud', 'dropbox', '--vault', target], { ...env, CASEVAULT_HOME: join(dir, 'home2') });
  assert.equal(r.code, 0, r.stderr);
  await assertSameTree(vault, target);

  // The stored sign-in is sealed under the vault: a later sync without the token in the environment unlocks once to open it...
  await writeFile(join(vault, 'later.txt'), 'after the sign-in was stored');
  const stored = await run(['sync'], { CASEVAULT_HOME: join(dir, 'home'), CASEVAULT_PASSPHRASE: PASSPHRASE, CASEVAULT_DROPBOX_API_URL: server.url });
  assert.equal(stored.code, 0, stored.stderr);
  assert.match(stored.stdout, /1 uploaded/);
  // ...and without a passphrase it says what to do (exit 2), never a stack or the token.
  const locked = await run(['sync'], { CASEVAULT_HOME: join(dir, 'home'), CASEVAULT_DROPBOX_API_URL: server.url });
  assert.equal(locked.code, 2);
  assert.match(locked.stderr, /^casevault: .*passphrase/);
  assert.ok(!locked.stderr.includes(server.refreshToken));
});

test('a flaky Dropbox (429, 500, 503, dropped uploads, expired tokens) still converges to an exact mirror', async () => {
  const { root: dir, vault, env } = await makeVault({ files: filesOf(25), dropbox: server });
  server.setFaults({ seed: 7, rate429: 0.1, rate500: 0.08, rate503: 0.05, dropUpload: 0.05, dropResponse: 0.03, expireToken: 0.03, retryAfterSeconds: 0 });
  try {
    let code: number | null = 1;
    for (let attempt = 0; attempt < 6 && code !== 0; attempt++) code = (await run(['sync'], env)).code;
    assert.equal(code, 0);
  } finally {
    server.setFaults({});
  }
  assert.ok(Object.values(server.stats.faults).reduce((a, b) => a + b, 0) > 5, 'faults were injected');
  assert.equal((await run(['verify', '--cloud'], env)).code, 0);
  const target = join(dir, 'recovered');
  assert.equal((await run(['recover', '--cloud', 'dropbox', '--vault', target], { ...env, CASEVAULT_HOME: join(dir, 'home2') })).code, 0);
  await assertSameTree(vault, target);
});

test('Dropbox without a sign-in and no terminal: exit 2 with what to set', async () => {
  const dir = await tempDir('dbx-none');
  const r = await run(['init', '--vault', join(dir, 'v'), '--cloud', 'dropbox'], { CASEVAULT_HOME: join(dir, 'home'), CASEVAULT_PASSPHRASE: PASSPHRASE });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^casevault: .*CASEVAULT_DROPBOX_APP_KEY/);
});

test('rotate-keys on a Dropbox vault: every object re-encrypted through the API, the old key file opens nothing there, the new passphrase recovers it all', async () => {
  const { root: dir, vault, home, env } = await makeVault({ files: filesOf(12), dropbox: server });
  assert.equal((await run(['sync'], env)).code, 0);
  await rm(join(vault, 'cases', 'doc-3.txt'));
  assert.equal((await run(['sync'], env)).code, 0);
  const r = await run(['rotate-keys'], { ...env, CASEVAULT_NEW_PASSPHRASE: ROTATED });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /re-encrypted: 13 objects/, 'twelve files and one in the trash');
  const newEnv = { ...env, CASEVAULT_PASSPHRASE: ROTATED };
  assert.equal((await run(['verify', '--cloud'], newEnv)).code, 0);
  assert.equal(
    (await run(['recover', '--cloud', 'dropbox', '--vault', join(dir, 'thief')], { ...env, CASEVAULT_HOME: join(dir, 'home-thief') })).code,
    4,
    'the old passphrase opens nothing',
  );
  const target = join(dir, 'recovered');
  assert.equal((await run(['recover', '--cloud', 'dropbox', '--vault', target], { ...newEnv, CASEVAULT_HOME: join(dir, 'home2') })).code, 0);
  await assertSameTree(vault, target);
  // The sealed Dropbox sign-in moved to the new keys: a sync without the token in the environment still reaches Dropbox after an unlock.
  await writeFile(join(vault, 'after.txt'), 'after the rotation');
  const stored = await run(['sync'], { CASEVAULT_HOME: home, CASEVAULT_PASSPHRASE: ROTATED, CASEVAULT_DROPBOX_API_URL: server.url });
  assert.equal(stored.code, 0, stored.stderr);
  assert.match(stored.stdout, /1 uploaded/);
});

test('a revoked Dropbox sign-in: sync and status say once to connect Dropbox again', async () => {
  const { env } = await makeVault({ files: filesOf(2), dropbox: server, synced: true });
  server.revokeRefreshTokens();
  const sync = await run(['sync'], env);
  assert.equal(sync.code, 1, sync.stderr);
  assert.match(sync.stderr, /^casevault: [Dd]ropbox refused the saved sign-in; connect Dropbox again \(in the app, or with /);
  assert.equal(sync.stderr.match(/connect Dropbox again/g)?.length, 1, sync.stderr);
  const status = await run(['status'], env);
  assert.equal(status.code, 0, status.stderr);
  for (const line of status.stdout.split('\n')) assert.ok((line.match(/connect Dropbox again/g)?.length ?? 0) <= 1, line);
  assert.match(status.stdout, /Dropbox refused the saved sign-in/);
});
