// Auto-lock's idle time comes from the settings through the API (as
// electron/main.ts reads it), with the default when it cannot be read.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { dispatch } from '../../engine/transport/dispatch.js';
import { Engine } from '../../engine/engine.js';
import { autoLockDue, autoLockMinutes } from '../../electron/policy.js';
import { tempDir } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';

test('auto-lock follows the saved setting; 0 means only on sleep and screen lock; unreadable answers fall back to 15 minutes', async () => {
  const noVault = new Engine(join(await tempDir('auto-lock'), 'home'));
  assert.equal(autoLockMinutes(await dispatch(noVault, 'settings', {})), 15, 'no vault yet: the default');
  const { engine } = await makeVault();
  assert.equal((await dispatch(engine, 'updateSettings', { autoLockMinutes: 5 })).ok, true);
  const minutes = autoLockMinutes(await dispatch(engine, 'settings', {}));
  assert.equal(minutes, 5);
  assert.equal(autoLockDue(4 * 60, minutes), false);
  assert.equal(autoLockDue(5 * 60, minutes), true);
  await dispatch(engine, 'updateSettings', { autoLockMinutes: 0 });
  assert.equal(autoLockDue(10 ** 6, autoLockMinutes(await dispatch(engine, 'settings', {}))), false);
  assert.equal(autoLockMinutes({ ok: false, error: { kind: 'failed', message: 'x' } }), 15);
  assert.equal(autoLockMinutes({ ok: true, value: { autoLockMinutes: -3 } }), 15);
  assert.equal(autoLockMinutes({ ok: true, value: null }), 15);
});
