// This computer's own files damaged (a disk error, a half-restored home):
// a cache that can be made again counts as missing, so nothing stops for
// good; the settings, which cannot, say so and what to do, with the usage
// exit code, never "something unexpected".
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeVault } from '../helpers/vault.js';

test('a damaged device.json counts as missing: sync and status go on', async () => {
  const v = await makeVault({ files: { 'a.txt': 'one' }, synced: true });
  for (const junk of ['\0'.repeat(120), '{"pinned":', '[1,2]']) {
    await writeFile(join(v.home, 'device.json'), junk);
    const r = await v.cli(['sync']);
    assert.equal(r.code, 0, r.stderr);
    const s = await v.engine.status();
    assert.ok(
      s.health.every((h) => h.ok || h.area === 'backups' || h.area === 'recovery-key'),
      JSON.stringify(s.health.filter((h) => !h.ok)),
    );
  }
});

test('a config.json that is not JSON is a damaged settings file: one sentence, exit 2, for every command', async () => {
  const v = await makeVault({ files: { 'a.txt': 'one' }, synced: true });
  await writeFile(join(v.home, 'config.json'), 'garbage');
  for (const args of [['status'], ['status', '--json'], ['sync']]) {
    const r = await v.cli(args);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^casevault: this computer's settings file for the vault \(.*config\.json\) is damaged; recover the vault into a fresh CASEVAULT_HOME with `casevault recover`\.\n$/,
    );
  }
});
