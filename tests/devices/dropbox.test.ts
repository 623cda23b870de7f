// The remote wipe through the local Dropbox API server (tests/dropbox/
// server.ts): the order, the wipe on the lost computer's next sync, and its
// receipt travel through Dropbox as through a folder.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startDropboxServer } from '../dropbox/server.js';
import { exists } from '../helpers/fs.js';
import { anotherComputer, byName, devicesOf, firstComputer } from './helpers.js';

test('on Dropbox: marked lost from another computer, the lost one wipes itself at its next sync and the other shows it', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cv-dropbox-'));
  const server = await startDropboxServer({ root: join(root, 'server') });
  try {
    const { v, office } = await firstComputer({ 'Case A/a.txt': 'a' }, { url: server.url, appKey: server.appKey, refreshToken: server.refreshToken });
    const laptop = await anotherComputer(v, 'laptop', { 'Case B/b.txt': 'b' });
    assert.equal(byName(await devicesOf(office), 'laptop').status, 'active');
    const ordered = await office.cli(['devices', 'lost', 'laptop', '--wipe', '--yes']);
    assert.equal(ordered.code, 0, ordered.stderr);
    const r = await laptop.cli(['sync']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(await exists(laptop.vault), false);
    assert.equal(await exists(laptop.home), false);
    assert.equal(byName(await devicesOf(office), 'laptop').status, 'wiped');
    const report = JSON.parse((await office.cli(['breach-report', 'laptop', '--json'])).stdout) as { cases: string[] };
    assert.deepEqual(report.cases, ['Case A', 'Case B']);
  } finally {
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
});
