// Retries for a network remote (Dropbox today, S3 later): exponential
// backoff with jitter, never sooner than the server's Retry-After, a cap on
// attempts and on one delay. The backend's classify() says what a failed
// attempt means, in the Remote failure classes (remote.ts): 'unavailable' is
// retried; 'auth' with a refresh hook (an expired access token) refreshes and
// retries at once; anything else is rethrown as it is, for the backend to
// look inside (a Dropbox 409's tags) and map at its method's boundary. Once
// the attempts run out, or a Retry-After is longer than the caller will
// wait, the call fails with RemoteUnavailable carrying that Retry-After, so
// the engine schedules the retry instead of blocking.
//
// Two scopes bound the retries of everything run inside them, whichever
// remote and request: onePass() (a sync pass) shares one circuit breaker, so
// once a request has spent its attempts on a remote that does not answer,
// every other request of the pass fails at once with the same failure
// instead of spending its own attempts (a pass of 400 files would otherwise
// wait 400 times as long before saying so); a request that succeeds closes
// it again. withinDeadline() (the health probe) never waits past its
// deadline: the probe's answer is given by then, and nothing is left
// retrying behind it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { RemoteUnavailable, type RemoteAuthFailed, type RemoteFailure } from './remote.js';

/** What one failed attempt means. */
export interface Classified {
  failure: RemoteFailure;
  /** 'unavailable': the server's Retry-After, in ms. */
  retryAfterMs?: number;
  /** 'unavailable': the server may have applied the request although its answer was lost (a 5xx, a dropped connection). */
  uncertain?: boolean;
  /** 'auth': a fresh access token may cure it; called, then the attempt is repeated at once. */
  refresh?: () => void | Promise<void>;
}

export interface RetryOptions {
  /** The service's name in messages: "<service> is not answering or is busy". */
  service: string;
  classify(e: unknown): Classified;
  /** The failure for refused credentials, worded for the service. */
  authFailed(): RemoteAuthFailed;
  /** Attempts per call before RemoteUnavailable. Default 8. */
  maxAttempts?: number;
  /** First backoff delay; doubles each attempt (with jitter). Default 500 ms. */
  baseDelayMs?: number;
  /** Cap on one backoff delay. Default 30 s. */
  maxDelayMs?: number;
  /** A Retry-After longer than this fails at once with RemoteUnavailable(retryAfterMs). Default 120 s. */
  maxRetryAfterMs?: number;
  /** Jitter source (tests). Default Math.random. */
  random?: () => number;
  /** The wait between attempts (tests: a fake clock). */
  sleep?: (ms: number) => Promise<void>;
}

/** Read by the caller after a call, also a failed one. */
export interface RetryState {
  /** An earlier attempt may have been applied although its answer was lost: a "not found" or "wrong offset" now may be that attempt's doing. */
  uncertain: boolean;
}

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Scope {
  /** The failure that opened the breaker, while it is open (onePass). */
  open?: RemoteUnavailable;
  /** No wait may end after this (Date.now() ms; withinDeadline). */
  deadline?: number;
}

const scope = new AsyncLocalStorage<Scope>();

/** Runs `fn` with one circuit breaker for every remote request in it. */
export function onePass<T>(fn: () => Promise<T>): Promise<T> {
  return scope.run({}, fn);
}

/** Runs `fn` with no retry waiting past `ms` from now: a request that would wait longer fails then with RemoteUnavailable. */
export function withinDeadline<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  return scope.run({ deadline: Date.now() + ms }, fn);
}

export class Retry {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly o: RetryOptions) {
    this.maxAttempts = Math.max(1, o.maxAttempts ?? 8);
    this.baseDelayMs = o.baseDelayMs ?? 500;
    this.maxDelayMs = o.maxDelayMs ?? 30_000;
    this.maxRetryAfterMs = o.maxRetryAfterMs ?? 120_000;
    this.random = o.random ?? Math.random;
    this.sleep = o.sleep ?? wait;
  }

  /** Runs `fn` until it succeeds, fails in a way retrying will not cure, or the attempts run out. */
  async run<T>(fn: () => Promise<T>, state: RetryState = { uncertain: false }): Promise<T> {
    const within = scope.getStore();
    const givenUp = (failure: RemoteUnavailable) => {
      if (within) within.open = failure;
      return failure;
    };
    for (let attempt = 1; ; attempt++) {
      if (within?.open) throw new RemoteUnavailable(within.open.message, within.open.retryAfterMs, within.open.what);
      try {
        const answer = await fn();
        if (within) within.open = undefined;
        return answer;
      } catch (e) {
        const c = this.o.classify(e);
        if (c.failure === 'auth' && !c.refresh) throw this.o.authFailed();
        if (c.failure !== 'auth' && c.failure !== 'unavailable') throw e;
        if (c.uncertain) state.uncertain = true;
        const notAnswering = () =>
          givenUp(new RemoteUnavailable(`${this.o.service} is not answering or is busy; Casevault will try again later`, c.retryAfterMs));
        if (attempt >= this.maxAttempts) {
          if (c.failure === 'auth') throw this.o.authFailed();
          throw notAnswering();
        }
        if (c.refresh) {
          await c.refresh();
          continue;
        }
        if (c.retryAfterMs !== undefined && c.retryAfterMs > this.maxRetryAfterMs) {
          throw givenUp(new RemoteUnavailable(`${this.o.service} asked Casevault to wait before trying again`, c.retryAfterMs));
        }
        const ms = this.delay(attempt, c.retryAfterMs);
        if (within?.deadline !== undefined && Date.now() + ms > within.deadline) throw notAnswering();
        await this.sleep(ms);
      }
    }
  }

  /** Backoff before attempt `attempt + 1`: a random point in the upper half of base * 2^(attempt-1), capped, and at least the Retry-After. */
  private delay(attempt: number, retryAfterMs: number | undefined): number {
    const exp = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    return Math.max(exp / 2 + (this.random() * exp) / 2, retryAfterMs ?? 0);
  }
}
