// The API contract fed random methods and arguments: every answer is a typed
// { ok, value | error } and nothing throws or crashes (catalogue: "API messages").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { API_PARAMS } from '../../contract/index.js';
import { dispatch } from '../../engine/transport/dispatch.js';
import { makeVault } from '../helpers/vault.js';

const RUNS = Number(process.env.CASEVAULT_FUZZ_RUNS ?? 1500);
/** Methods whose random-but-valid arguments would do real, slow work (Argon2, restores into random places): only invalid shapes for them. */
const HEAVY = new Set([
  'init',
  'recover',
  'unlock',
  'changePassphrase',
  'restoreBackup',
  'addFile',
  'backup',
  'sync',
  'verifyCloud',
  'verifyBackup',
  'forget',
  'newRecoveryKey',
]);

test(`dispatch: ${RUNS} random calls answer with a typed result and never throw`, async () => {
  const { engine } = await makeVault();
  const methods = [...Object.keys(API_PARAMS), '__proto__', 'constructor', 'toString', 'hasOwnProperty', ''];
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...methods), fc.anything({ maxDepth: 3 }), async (method, params) => {
      const light = !HEAVY.has(method);
      const r = await dispatch(engine, method, light ? params : { bogus: params });
      assert.equal(typeof r.ok, 'boolean');
      if (!r.ok) {
        assert.equal(typeof r.error.kind, 'string');
        assert.equal(typeof r.error.message, 'string');
        assert.doesNotMatch(r.error.message, /\n\s+at /, 'no stack traces');
      }
    }),
    { numRuns: RUNS },
  );
});
