// Auto-lock by the engine's own idle timer, on a clock the test moves: the
// app's own polls (status every few seconds from Home) never keep the vault
// unlocked; a person's call does, and the idle time counts from its end; 0
// minutes never locks by time. The page learns of it from the `lock` event
// and from lockState, which says why. All through the same dispatch the
// desktop app and browser mode use.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiMethod, ApiParams, ApiResult, LockState } from '../../contract/index.js';
import { Engine } from '../../engine/engine.js';
import { dispatch } from '../../engine/transport/dispatch.js';
import { TestClock } from '../helpers/clock.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { makeVault } from '../helpers/vault.js';

const MINUTE = 60_000;

async function setUp(autoLockMinutes: number) {
  const v = await makeVault();
  const clock = new TestClock();
  const engine = new Engine(v.home, v.env, undefined, { clock });
  const events: LockState[] = [];
  engine.events.on('lock', (e) => events.push(e));
  const api = async <M extends ApiMethod>(method: M, params: ApiParams<M> | Record<string, never> = {}): Promise<ApiResult<M>> => {
    const r = await dispatch(engine, method, params);
    assert.ok(r.ok, `${method}: ${JSON.stringify(r)}`);
    return r.value as ApiResult<M>; // dispatch answers with the contract's result for the method
  };
  await api('updateSettings', { autoLockMinutes });
  await api('unlock', { passphrase: PASSPHRASE });
  return { v, clock, engine, events, api };
}

test('auto-lock: polls alone do not keep the vault unlocked; it locks after the minutes set, wipes the key and says why', async () => {
  const { clock, engine, events, api } = await setUp(1);
  assert.deepEqual(await api('lockState'), { locked: false, autoLocked: null });
  for (let s = 5; s < 60; s += 5) {
    await clock.advance(5_000);
    await api('status');
    await api('lockState');
    await api('settings');
  }
  assert.equal((await api('lockState')).locked, false, '55 s of polls: not yet');
  await clock.advance(5_000);
  const state = await api('lockState');
  assert.equal(state.locked, true, 'a minute after the last use, polls or not');
  assert.deepEqual(state.autoLocked, { by: 'idle', minutes: 1, at: new Date(clock.now()).toISOString() });
  assert.deepEqual(events.at(-1), state, 'the page is told');
  const audit = await dispatch(engine, 'auditEntries', {});
  assert.equal(audit.ok ? 'read' : audit.error.kind, 'locked', 'the reading keys are gone');
  assert.equal(clock.pending, 0, 'nothing more to lock');

  await api('unlock', { passphrase: PASSPHRASE });
  assert.deepEqual(await api('lockState'), { locked: false, autoLocked: null }, 'unlocking clears why it locked');
  const locks = (await engine.auditEntries()).filter((e) => e.event === 'locked');
  assert.equal(locks.at(-1)?.detail, 'after 1 minute without use', 'the audit trail says why');
  await api('lock');
  assert.deepEqual(await api('lockState'), { locked: true, autoLocked: null }, "the person's own Lock says nothing more");
});

test("auto-lock: a person's call restarts the idle time; settings changes apply at once; 0 never locks by time", async () => {
  const { clock, api } = await setUp(2);
  await clock.advance(1.5 * MINUTE);
  await api('stillHere'); // the window was used (a key, a click)
  await clock.advance(1.5 * MINUTE);
  assert.equal((await api('lockState')).locked, false, '1.5 minutes since the last use');
  await api('auditEntries');
  await clock.advance(1.9 * MINUTE);
  assert.equal((await api('lockState')).locked, false);
  await clock.advance(0.1 * MINUTE);
  assert.deepEqual((await api('lockState')).autoLocked, { by: 'idle', minutes: 2, at: new Date(clock.now()).toISOString() });

  await api('unlock', { passphrase: PASSPHRASE });
  await api('updateSettings', { autoLockMinutes: 0 });
  await clock.advance(24 * 60 * MINUTE);
  assert.equal((await api('lockState')).locked, false, 'never by time');
  assert.equal(clock.pending, 0, 'no timer at all');
  await api('updateSettings', { autoLockMinutes: 5 });
  await clock.advance(5 * MINUTE);
  assert.equal((await api('lockState')).locked, true, 'the new setting counts from the last use');
});
