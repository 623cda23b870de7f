// Time as the engine's timers see it: the real clock, or one a test moves
// by hand, so that what happens after so many idle minutes is tested
// without waiting for them (and without depending on how busy the machine is).

export interface Clock {
  now(): number;
  /** Call `fn` once, `ms` from now (a test's clock awaits what it returns); returns a function that cancels it. Never keeps the process alive by itself. */
  after(ms: number, fn: () => unknown): () => void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    const t = setTimeout(fn, Math.min(ms, 2 ** 31 - 1)); // a longer wait fires early, and the caller checks again
    t.unref();
    return () => clearTimeout(t);
  },
};
