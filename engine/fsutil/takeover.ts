// Taking a lock file, with a dead owner's lock taken over, such that exactly
// one contender holds it however many try at once. A lock file is created
// whole (by the store: link() of a fully written temporary file) and never
// changes while it names its owner, so every reader sees an owner. A stale
// lock is never removed blindly: a contender first takes a *claim* named
// after the stale lock's exact content (itself a lock, taken the same way),
// then checks the lock still holds that content, and only then removes it.
// Only one contender can hold the claim for one stale content, and a lock's
// content, once removed, never comes back (it names a unique nonce), so a
// contender that read the stale owner long ago can never remove the lock a
// newer holder has since made. A claim whose own holder died is a stale lock
// like any other, taken over the same way, a few levels deep at most.
import { createHash, randomBytes } from 'node:crypto';

export interface LockStore {
  /** Create `name` holding `content`, whole, only if nothing is there; false if something is. */
  create(name: string, content: string): Promise<boolean>;
  /** What `name` holds, or undefined if it is not there. */
  read(name: string): Promise<string | undefined>;
  remove(name: string): Promise<void>;
}

/** Claims on claims: each level needs its taker killed inside a takeover's few system calls, so three is plenty. */
const MAX_DEPTH = 3;
const ATTEMPTS = 4;

/** A unique token for one holding: a lock's content is never the same twice. */
export function lockNonce(): string {
  return randomBytes(12).toString('hex');
}

/** The name of the claim on `name` while it holds `content`. */
export function claimName(name: string, content: string): string {
  return `${name}.claim-${createHash('sha256').update(content).digest('hex').slice(0, 24)}`;
}

/**
 * Take `name` with `mine` (unique: see lockNonce). False when someone whose
 * lock is not stale holds it, or is taking over a stale one right now.
 * `stale` judges an owner's content (an unreadable content should count as
 * live until it is old: see the callers).
 */
export async function takeLock(store: LockStore, name: string, mine: string, stale: (content: string) => Promise<boolean>, depth = 0): Promise<boolean> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (await store.create(name, mine)) return true;
    const theirs = await store.read(name);
    if (theirs === undefined) continue; // released a moment ago: try again
    if (!(await stale(theirs)) || depth >= MAX_DEPTH) return false;
    const claim = claimName(name, theirs);
    if (!(await takeLock(store, claim, mine, stale, depth + 1))) return false; // someone else is taking it over now
    try {
      if ((await store.read(name)) === theirs) await store.remove(name);
    } finally {
      await store.remove(claim);
    }
  }
  return false;
}

/** Remove `name` only if it still holds `mine` (a lock taken over as stale by another computer meanwhile is theirs now). */
export async function releaseLock(store: LockStore, name: string, mine: string): Promise<void> {
  if ((await store.read(name)) === mine) await store.remove(name);
}
