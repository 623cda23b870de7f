// The recovery key is unconfirmed from the moment it is made until the
// person types it back; a wrong key is refused and confirms nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadRecoveryConfirmation } from '../../engine/keys/recovery-confirmation.js';
import { makeVault } from '../helpers/vault.js';

test('a recovery key is confirmed only by typing it back; a new one starts unconfirmed again', async () => {
  const v = await makeVault({ unlocked: true, confirmedKey: false });
  assert.equal((await loadRecoveryConfirmation(v.home)).confirmedAt, null, 'a new vault: shown, not yet typed back');
  const words = v.recoveryKey.split(' ');
  const typo = [...words.slice(0, 5), words[6]!, words[5]!, ...words.slice(7)].join(' ');
  await assert.rejects(v.engine.confirmRecoveryKey(typo));
  assert.equal((await loadRecoveryConfirmation(v.home)).confirmedAt, null, 'a wrong key confirms nothing');
  await v.engine.confirmRecoveryKey(v.recoveryKey);
  assert.notEqual((await loadRecoveryConfirmation(v.home)).confirmedAt, null);
  const replaced = await v.engine.newRecoveryKey();
  assert.equal((await loadRecoveryConfirmation(v.home)).confirmedAt, null, 'a replaced key is unconfirmed again');
  await assert.rejects(v.engine.confirmRecoveryKey(v.recoveryKey), 'the old key no longer opens the vault');
  await v.engine.confirmRecoveryKey(replaced.recoveryKey);
  assert.ok((await v.engine.auditEntries()).some((e) => e.event === 'recovery key confirmed'));
});
