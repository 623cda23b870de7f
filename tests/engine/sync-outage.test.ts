// A sync pass whose cloud stops answering part way (the local Dropbox API
// server answering 503 to everything from the first upload on): once one
// request has spent its attempts, the pass's other uploads fail at once
// with the same reason instead of each spending its own attempts, so the
// pass ends after a bounded number of requests whatever the number of
// files waiting; the next pass, with the cloud back, uploads them all.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { RemoteUnavailable } from '../../engine/remotes/remote.js';
import type { SyncReport } from '../../contract/index.js';
import { startDropboxServer, type DropboxServer } from '../dropbox/server.js';
import { makeVault, writeFiles, type Files } from '../helpers/vault.js';

let server: DropboxServer;
let root = '';

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'cv-dropbox-outage-'));
  server = await startDropboxServer({ root: join(root, 'server') });
});
afterEach(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

const WAITING = 60;
/** Attempts per request (Dropbox's default) and uploads at once in a pass (sync.ts). */
const ATTEMPTS = 8;
const AT_ONCE = 8;

test('Dropbox failing part way through a pass: the pass gives up after one request spends its attempts, not one per file', async () => {
  const v = await makeVault({ dropbox: { url: server.url, appKey: server.appKey, refreshToken: server.refreshToken }, files: { 'a.txt': 'a' }, synced: true });
  const files: Files = {};
  for (let i = 0; i < WAITING; i++) files[`cases/doc-${i}.txt`] = `case note ${i}`;
  await writeFiles(v.vault, files);
  // Short waits between attempts (their number is Dropbox's default): the test counts requests, never time.
  const engine = new Engine(v.home, v.env, undefined, { retry: { baseDelayMs: 1, maxDelayMs: 4 } });
  let failing = false;
  engine.events.on('file', (e) => {
    if (failing || e.state !== 'synced') return;
    failing = true; // the first file is up: from here on Dropbox answers 503 to everything
    server.setFaults({ rate503: 1, retryAfterSeconds: 0 });
    server.resetStats();
  });
  const outcome = await engine.sync().catch((e: unknown) => e);
  assert.ok(failing, 'the outage began part way through the pass');
  if (outcome instanceof Error) {
    assert.ok(outcome instanceof RemoteUnavailable, String(outcome));
    assert.equal(outcome.message, 'Dropbox is not answering or is busy; Casevault will try again later');
  } else {
    const { failed } = outcome as SyncReport;
    assert.ok(failed.length > 0);
    for (const f of failed) assert.equal(f.reason, 'Dropbox is not answering or is busy; Casevault will try again later');
  }
  // Without the shared breaker every waiting file spent its own attempts: WAITING * ATTEMPTS uploads.
  const uploads = server.stats.byEndpoint['/2/files/upload'] ?? 0;
  assert.ok(uploads <= AT_ONCE * ATTEMPTS, `${uploads} uploads after the outage began: ${JSON.stringify(server.stats.byEndpoint)}`);
  assert.ok(server.stats.requests <= AT_ONCE * ATTEMPTS + ATTEMPTS, `${server.stats.requests} requests after the outage began`);

  // Dropbox back: the next pass uploads what waits.
  server.setFaults({});
  const again = await engine.sync();
  assert.deepEqual(again.failed, []);
  const status = await engine.status();
  assert.equal(status.files.synced, WAITING + 1);
});
