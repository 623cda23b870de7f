// Changes to the key file from the app while live sync runs (it holds the
// vault's lock): live sync is paused for them and carries on after.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { dispatch } from '../../engine/transport/dispatch.js';
import { Engine } from '../../engine/engine.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { tempDir } from '../helpers/fs.js';

test('with live sync running, the passphrase and the recovery key can be changed, and files still sync after', async () => {
  const root = await tempDir('exclusive');
  const vault = join(root, 'vault');
  const engine = new Engine(join(root, 'home'), { CASEVAULT_KDF_PROFILE: 'interactive' });
  const init = await dispatch(engine, 'init', { vaultDir: vault, cloud: { kind: 'folder', dir: join(root, 'cloud') }, passphrase: PASSPHRASE });
  assert.ok(init.ok);
  try {
    await engine.unlock({ passphrase: PASSPHRASE });
    const changed = await dispatch(engine, 'changePassphrase', { newPassphrase: 'velvet harbour juniper tractor eleven' });
    assert.ok(changed.ok, JSON.stringify(changed));
    const key = await dispatch(engine, 'newRecoveryKey', {});
    assert.ok(key.ok, JSON.stringify(key));
    await writeFile(join(vault, 'after.txt'), 'still syncing');
    const r = await dispatch(engine, 'sync', {});
    assert.ok(r.ok && (r.value as { uploaded: number }).uploaded === 1, JSON.stringify(r));
    assert.equal((await engine.status()).live.watching, true, 'live sync carried on');
    await engine.lock();
    await engine.unlock({ passphrase: 'velvet harbour juniper tractor eleven' });
  } finally {
    await engine.stopLiveSync();
  }
});
