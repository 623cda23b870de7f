// What needs the vault unlocked (through the engine API, as the app calls
// it): adding or removing the escrow key and making a handover copy; and
// what needs an explicit confirmation: removing the vault.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { dispatch } from '../../engine/transport/dispatch.js';
import { makeVault } from '../helpers/vault.js';
import { NEW_PASSPHRASE } from './helpers.js';

test('escrow add/remove and handover need the vault unlocked; removal needs yes: true', async () => {
  const { root, engine } = await makeVault();
  for (const [method, params] of [
    ['escrowAdd', { publicKeyFile: join(root, 'x.pub'), fingerprint: '0000-0000-0000-0000-0000-0000-0000-0000' }],
    ['escrowRemove', {}],
    ['handover', { to: join(root, 'copy'), passphrase: NEW_PASSPHRASE }],
  ] as const) {
    const r = await dispatch(engine, method, params);
    assert.deepEqual(r.ok ? 'ok' : r.error.kind, 'locked', method);
  }
  const unconfirmed = await dispatch(engine, 'removeVault', { yes: false });
  assert.ok(!unconfirmed.ok && unconfirmed.error.kind === 'usage');
  const noCopy = await dispatch(engine, 'removeVault', { yes: true });
  assert.ok(!noCopy.ok && noCopy.error.kind === 'refused' && /no verified handover copy/.test(noCopy.error.message));
  assert.deepEqual(await dispatch(engine, 'escrowShow', {}), { ok: true, value: null });
  assert.deepEqual(await dispatch(engine, 'handoverStatus', {}), { ok: true, value: { verified: null } });
});
