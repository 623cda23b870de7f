// A Dropbox vault's health against the local Dropbox API server: the probe
// reads the key file through the real SDK, says "did not answer" at its
// deadline when Dropbox hangs (Home is never held up), joins one read under
// way instead of piling up requests, and reports a refused sign-in.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { CloudProber } from '../../engine/health/cloud-probe.js';
import { configWriteKeys, loadConfig } from '../../engine/config.js';
import { openCloud } from '../../engine/remotes/open-cloud.js';
import { startDropboxServer, type DropboxServer } from '../dropbox/server.js';
import { makeVault, type TestVault } from '../helpers/vault.js';
import { area, healthOf } from './helpers.js';

let server: DropboxServer;
let root = '';

// A fresh, empty Dropbox for each test (its app folder holds one vault).
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'cv-dropbox-health-'));
  server = await startDropboxServer({ root: join(root, 'server') });
});
afterEach(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

/** A vault of one file, synced to the server's Dropbox. */
function dropboxVault(): Promise<TestVault> {
  return makeVault({ dropbox: { url: server.url, appKey: server.appKey, refreshToken: server.refreshToken }, files: { 'a.txt': 'a' }, synced: true });
}

test("a Dropbox vault's cloud and keys are checked through the API", async () => {
  const v = await dropboxVault();
  const h = await healthOf(v.engine);
  // Not listed by the status (a request per 2,000 objects, every 5 seconds in the app): as of the last sync pass, which lists it.
  assert.equal(area(h, 'cloud').message, 'every file was in the cloud copy (Dropbox (app folder)) at the last sync, just now');
  assert.ok(area(h, 'keys').ok);
});

test('Dropbox not answering: the probe says so at its deadline, and one read serves every question asked meanwhile', async () => {
  const v = await dropboxVault();
  const config = await loadConfig(v.home);
  const remote = (await openCloud(config.cloud, v.env, { appKey: server.appKey, refreshToken: server.refreshToken }))!;
  const check = async () => ({ home: v.home, cloud: config.cloud, remote, ...configWriteKeys(config) });
  server.setFaults({ delayRate: 1, delayMs: 8000 });
  server.resetStats();
  const prober = new CloudProber(500);
  const [a, b] = await Promise.all([prober.probe(check, 'Dropbox'), prober.probe(check, 'Dropbox')]);
  for (const p of [a, b]) assert.deepEqual(p, { failure: { kind: 'unreachable', message: 'Dropbox did not answer within 1 second', next: 'retry' } });
  const joined = prober.probe(check, 'Dropbox');
  server.setFaults({});
  // The read under way finishes (late): the answers it gives from then on are the cloud's.
  let answer = await joined;
  while (answer.failure) answer = await prober.probe(check, 'Dropbox');
  assert.deepEqual(answer, { state: 'current' });
  // Each question above waited half a second while the read hung for eight: without the joining, each would have sent its own.
  assert.ok((server.stats.byEndpoint['/2/files/download'] ?? 0) <= 2, JSON.stringify(server.stats.byEndpoint));
});

test('a refused sign-in is a cloud problem with its fix', async () => {
  const v = await dropboxVault();
  server.revokeRefreshTokens();
  const engine = new Engine(v.home, v.env);
  const cloud = area(await healthOf(engine), 'cloud');
  assert.equal(cloud.ok, false);
  assert.equal(cloud.next, 'reconnect-dropbox');
});

test("Dropbox answering 503: `status` is done at the probe's deadline, with no request left retrying behind it", async () => {
  const v = await dropboxVault();
  server.setFaults({ rate503: 1, retryAfterSeconds: 1 });
  server.resetStats();
  const r = await v.cli(['status', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const cloud = (JSON.parse(r.stdout) as { health: { area: string; ok: boolean; next?: string }[] }).health.find((h) => h.area === 'cloud')!;
  assert.equal(cloud.ok, false);
  assert.equal(cloud.next, 'retry');
  // Each attempt waits out the 1-second Retry-After, so the 5-second deadline leaves room for at most six; a read that went on past it made eight.
  assert.ok(server.stats.requests <= 6, `${server.stats.requests} requests: ${JSON.stringify(server.stats.byEndpoint)}`);
});
