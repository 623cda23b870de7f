// A clock a test moves by hand (engine/clock.ts): timers fire only when the
// test advances past them, in order, each awaited, so what happens after so
// many idle minutes is tested without waiting and without depending on how
// busy the machine is.
import type { Clock } from '../../engine/clock.js';

export class TestClock implements Clock {
  private at = Date.UTC(2026, 11, 5, 12, 0, 0);
  private timers: { due: number; fn: () => unknown }[] = [];

  now(): number {
    return this.at;
  }

  after(ms: number, fn: () => unknown): () => void {
    const timer = { due: this.at + ms, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Move time on by `ms`, running (and awaiting) each timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.at + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.due <= target).sort((a, b) => a.due - b.due)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.at = Math.max(this.at, next.due);
      await next.fn();
    }
    this.at = target;
  }

  /** Timers still waiting (0: nothing will happen by itself). */
  get pending(): number {
    return this.timers.length;
  }
}
