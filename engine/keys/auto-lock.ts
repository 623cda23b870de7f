// Auto-lock by the engine's own idle timer, so it works wherever the engine
// runs (browser mode as well as the desktop app): the vault locks once
// nobody has used it for the settings' autoLockMinutes (0: never by time).
// Use is what the shells' dispatch reports: the calls a person's actions
// make (never the app's own polls: contract/api.ts BACKGROUND_METHODS). A
// call in progress holds the lock off (a long restore is use), and the idle
// time counts from its end. Spec: docs/api.md ("Auto-lock").
import { idleLockDue } from '../../contract/index.js';
import type { Clock } from '../clock.js';

export interface AutoLockParts {
  clock: Clock;
  /** The setting, read afresh each time (0 = never by time). */
  minutes(): Promise<number>;
  unlocked(): boolean;
  /** Lock, saying it was the idle timer after `minutes`. */
  lock(minutes: number): Promise<void>;
}

export class AutoLock {
  private lastUse: number;
  private inProgress = 0;
  private cancel: (() => void) | undefined;
  /** Bumped by every re-arm, so an older one that was still reading the setting gives way. */
  private generation = 0;

  constructor(private readonly p: AutoLockParts) {
    this.lastUse = p.clock.now();
  }

  /**
   * A person's call begins: no auto-lock until it ends. Returns the function
   * that ends it (the idle time counts from then), which settles once the
   * timer is set again, so the call's answer comes after it.
   */
  begin(): () => Promise<void> {
    this.inProgress++;
    this.disarm();
    let ended = false;
    return async () => {
      if (ended) return;
      ended = true;
      this.inProgress--;
      this.lastUse = this.p.clock.now();
      await this.arm();
    };
  }

  /** Stop the timer (the vault locked, or the engine is done). */
  disarm(): void {
    this.generation++;
    this.cancel?.();
    this.cancel = undefined;
  }

  /** Set the timer for when the idle time will be up, if the vault is unlocked and nothing is in progress. */
  private async arm(): Promise<void> {
    this.disarm();
    const generation = this.generation;
    if (this.inProgress > 0 || !this.p.unlocked()) return;
    const minutes = await this.p.minutes().catch(() => 0); // settings unreadable (the vault was just removed): nothing to lock by time
    if (generation !== this.generation || minutes === 0) return;
    const due = this.lastUse + minutes * 60_000 - this.p.clock.now();
    this.cancel = this.p.clock.after(Math.max(0, due), () => this.fire(generation).catch(() => {})); // a lock that failed to wipe has nothing left to try
  }

  private async fire(generation: number): Promise<void> {
    if (generation !== this.generation || this.inProgress > 0 || !this.p.unlocked()) return;
    this.cancel = undefined;
    const minutes = await this.p.minutes().catch(() => 0);
    if (generation !== this.generation) return;
    if (idleLockDue(this.p.clock.now() - this.lastUse, minutes)) await this.p.lock(minutes);
    else await this.arm(); // the setting grew, or the timer fired early: wait the rest
  }
}
