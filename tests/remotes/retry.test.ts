// The retry wrapper (engine/remotes/retry.ts) on its own, with a fake clock:
// the waits are recorded, never slept, so nothing here depends on speed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RemoteAuthFailed, RemoteUnavailable } from '../../engine/remotes/remote.js';
import { onePass, Retry, withinDeadline, type Classified, type RetryOptions } from '../../engine/remotes/retry.js';

/** A failure that says how to classify itself. */
class Fault extends Error {
  constructor(readonly c: Classified) {
    super('fault');
  }
}

function harness(extra: Partial<RetryOptions> = {}) {
  const waits: number[] = [];
  const retry = new Retry({
    service: 'Testcloud',
    classify: (e) => (e instanceof Fault ? e.c : { failure: 'permanent' }),
    authFailed: () => new RemoteAuthFailed('Testcloud refused the saved sign-in; connect it again'),
    baseDelayMs: 100,
    maxDelayMs: 1000,
    maxRetryAfterMs: 10_000,
    random: () => 1,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...extra,
  });
  return { retry, waits };
}

/** A call that fails with `faults` in turn, then answers 'ok'. */
function failing(...faults: unknown[]) {
  let calls = 0;
  const fn = async () => {
    const f = faults[calls++];
    if (f !== undefined) throw f;
    return 'ok';
  };
  return { fn, calls: () => calls };
}

const unavailable = (more: Partial<Classified> = {}) => new Fault({ failure: 'unavailable', ...more });

describe('Retry', () => {
  it('retries unavailable failures with exponential backoff, capped per delay', async () => {
    const { retry, waits } = harness();
    const call = failing(...Array.from({ length: 6 }, () => unavailable()));
    assert.equal(await retry.run(call.fn), 'ok');
    assert.equal(call.calls(), 7);
    assert.deepEqual(waits, [100, 200, 400, 800, 1000, 1000]);
  });

  it('jitters each delay within the upper half of its interval', async () => {
    const { retry, waits } = harness({ random: () => 0 });
    await retry.run(failing(unavailable(), unavailable(), unavailable()).fn);
    assert.deepEqual(waits, [50, 100, 200]);
  });

  it('never waits less than a Retry-After', async () => {
    const { retry, waits } = harness();
    await retry.run(failing(unavailable({ retryAfterMs: 5000 }), unavailable({ retryAfterMs: 0 })).fn);
    assert.deepEqual(waits, [5000, 200]);
  });

  it('fails at once with RemoteUnavailable(retryAfterMs) when the Retry-After is longer than it will wait', async () => {
    const { retry, waits } = harness();
    const call = failing(unavailable({ retryAfterMs: 3_600_000 }));
    await assert.rejects(retry.run(call.fn), (e: unknown) => {
      assert.ok(e instanceof RemoteUnavailable);
      assert.equal(e.failure, 'unavailable');
      assert.equal(e.retryAfterMs, 3_600_000);
      assert.equal(e.message, 'Testcloud asked Casevault to wait before trying again');
      return true;
    });
    assert.equal(call.calls(), 1);
    assert.deepEqual(waits, []);
  });

  it('gives up after maxAttempts with RemoteUnavailable, carrying the last Retry-After', async () => {
    const { retry, waits } = harness({ maxAttempts: 3 });
    const call = failing(unavailable(), unavailable(), unavailable({ retryAfterMs: 7000 }), unavailable());
    await assert.rejects(retry.run(call.fn), (e: unknown) => {
      assert.ok(e instanceof RemoteUnavailable);
      assert.equal(e.retryAfterMs, 7000);
      assert.equal(e.message, 'Testcloud is not answering or is busy; Casevault will try again later');
      return true;
    });
    assert.equal(call.calls(), 3);
    assert.equal(waits.length, 2);
  });

  it('maxAttempts 1 means one attempt, no wait', async () => {
    const { retry, waits } = harness({ maxAttempts: 1 });
    const call = failing(unavailable());
    await assert.rejects(retry.run(call.fn), RemoteUnavailable);
    assert.equal(call.calls(), 1);
    assert.deepEqual(waits, []);
  });

  it('rethrows not-found and permanent failures as they are, at once', async () => {
    for (const failure of ['not-found', 'permanent'] as const) {
      const { retry, waits } = harness();
      const f = new Fault({ failure });
      const call = failing(f);
      await assert.rejects(retry.run(call.fn), (e: unknown) => e === f);
      assert.equal(call.calls(), 1);
      assert.deepEqual(waits, []);
    }
    const plain = new TypeError('a bug');
    await assert.rejects(harness().retry.run(failing(plain).fn), (e: unknown) => e === plain);
  });

  it("refused credentials fail at once with the service's RemoteAuthFailed", async () => {
    const { retry } = harness();
    const call = failing(new Fault({ failure: 'auth' }));
    await assert.rejects(retry.run(call.fn), (e: unknown) => {
      assert.ok(e instanceof RemoteAuthFailed);
      assert.equal(e.failure, 'auth');
      assert.equal(e.message, 'Testcloud refused the saved sign-in; connect it again');
      return true;
    });
    assert.equal(call.calls(), 1);
  });

  it('an expired token is refreshed and the call repeated at once; still refused at the last attempt: RemoteAuthFailed', async () => {
    let refreshes = 0;
    const expired = () => new Fault({ failure: 'auth', refresh: () => void refreshes++ });
    const { retry, waits } = harness({ maxAttempts: 3 });
    assert.equal(await retry.run(failing(expired()).fn), 'ok');
    assert.equal(refreshes, 1);
    assert.deepEqual(waits, []);

    const call = failing(expired(), expired(), expired());
    await assert.rejects(retry.run(call.fn), RemoteAuthFailed);
    assert.equal(call.calls(), 3);
    assert.equal(refreshes, 3, 'refreshed before each repeat only');
  });

  it('uncertain: set once an attempt may have been applied, also when the call then fails', async () => {
    const { retry } = harness();
    const sure = { uncertain: false };
    await retry.run(failing(unavailable(), unavailable()).fn, sure);
    assert.equal(sure.uncertain, false);

    const st = { uncertain: false };
    await retry.run(failing(unavailable({ uncertain: true }), unavailable()).fn, st);
    assert.equal(st.uncertain, true);

    const failed = { uncertain: false };
    const gone = new Fault({ failure: 'not-found' });
    await assert.rejects(retry.run(failing(unavailable({ uncertain: true }), gone).fn, failed), (e: unknown) => e === gone);
    assert.equal(failed.uncertain, true, 'a "not found" after a lost answer may be that attempt\'s doing');
  });

  it("one pass: once a request has spent its attempts, the pass's other requests fail at once with the same failure; outside the pass, nothing changes", async () => {
    const { retry } = harness({ maxAttempts: 3 });
    const down = () => failing(...Array.from({ length: 10 }, () => unavailable()));
    const first = down();
    const later = down();
    await onePass(async () => {
      await assert.rejects(retry.run(first.fn), RemoteUnavailable);
      await assert.rejects(retry.run(later.fn), (e: unknown) => {
        assert.ok(e instanceof RemoteUnavailable);
        assert.equal(e.message, 'Testcloud is not answering or is busy; Casevault will try again later');
        return true;
      });
    });
    assert.equal(first.calls(), 3);
    assert.equal(later.calls(), 0, 'not sent: the pass already knows the cloud is not answering');
    const elsewhere = failing(unavailable());
    assert.equal(await retry.run(elsewhere.fn), 'ok', 'another pass, or a call outside one, tries afresh');
  });

  it('one pass: a request waiting to try again fails at once when another gives up meanwhile', async () => {
    const wakes: Array<() => void> = [];
    const { retry } = harness({ maxAttempts: 2, sleep: () => new Promise<void>((r) => wakes.push(r)) });
    const settled = () => new Promise((r) => setImmediate(r));
    await onePass(async () => {
      const waiting = failing(unavailable(), unavailable());
      const a = retry.run(waiting.fn);
      await settled(); // a has failed once and waits
      const b = retry.run(failing(unavailable(), unavailable()).fn);
      await settled();
      wakes[1]!(); // b tries again, fails, and has spent its attempts
      await assert.rejects(b, RemoteUnavailable);
      wakes[0]!();
      await assert.rejects(a, RemoteUnavailable);
      assert.equal(waiting.calls(), 1, 'a did not try again');
    });
  });

  it('one pass: a request under way that succeeds after the breaker opened closes it again', async () => {
    const { retry } = harness({ maxAttempts: 2 });
    let answer!: (v: string) => void;
    await onePass(async () => {
      const slow = retry.run(() => new Promise<string>((r) => (answer = r)));
      await assert.rejects(retry.run(failing(unavailable(), unavailable()).fn), RemoteUnavailable);
      answer('ok');
      assert.equal(await slow, 'ok');
      const after = failing();
      assert.equal(await retry.run(after.fn), 'ok');
      assert.equal(after.calls(), 1);
    });
  });

  it('within a deadline: a wait that would end after it is not begun, the call fails then', async () => {
    const { retry, waits } = harness({ maxAttempts: 8 });
    const call = failing(...Array.from({ length: 8 }, () => unavailable()));
    await assert.rejects(
      withinDeadline(150, () => retry.run(call.fn)),
      RemoteUnavailable,
    );
    assert.deepEqual(waits, [100], 'the next wait, 200 ms, would pass the deadline');
    assert.equal(call.calls(), 2);
  });
});
