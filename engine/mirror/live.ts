// Live sync: the vault folder watched and synced in the background, with
// backups taken when they are due (a run missed while the computer slept or
// was off runs at once). It holds the vault's lock all along, so one-off
// syncs ask it for a pass instead, and a change that must not run beside it
// (the key file, a handover copy) pauses it and starts it again the same way.
import type { BackupReport, BackupStatus, SyncReport } from '../../contract/index.js';
import { withHomeLock } from '../fsutil/lockfile.js';
import type { SyncContext } from './sync.js';
import { watchVault, type LiveControl, type WatchOptions } from './watch.js';

/** What a shell hears from live sync: sync passes (WatchOptions) and scheduled backups. */
export interface LiveOptions extends WatchOptions {
  onBackup?: (report: BackupReport) => void;
  /** A scheduled backup failed (the drive is unplugged...); it is retried later. */
  onBackupFailed?: (error: unknown) => void;
  /** No backup has succeeded for the warning period (default 7 days). */
  onBackupOverdue?: (status: BackupStatus) => void;
  /** How often to check whether a backup is due (default 1 minute). */
  backupCheckMs?: number;
}

export interface LiveDeps {
  home: string;
  hasVault(): Promise<boolean>;
  syncContext(): Promise<SyncContext>;
  backupStatus(): Promise<BackupStatus>;
  backup(o: { signal?: AbortSignal }): Promise<BackupReport>;
}

interface Running {
  stop: AbortController;
  done: Promise<void>;
  control?: LiveControl;
  /** To start it again the same way (after Dropbox is reconnected, after an exclusive change). */
  options: LiveOptions;
}

export class LiveSync {
  private running: Running | undefined;

  constructor(private readonly d: LiveDeps) {}

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** A pass now, if live sync runs (undefined otherwise: the caller syncs itself). */
  syncNow(): Promise<SyncReport> | undefined {
    return this.running?.control?.syncNow();
  }

  /** Start in the background (the desktop app and browser mode do, once a vault exists). */
  async start(options: LiveOptions = {}): Promise<void> {
    if (this.running || !(await this.d.hasVault())) return;
    const stop = new AbortController();
    let ready!: () => void;
    const started = new Promise<void>((r) => (ready = r));
    const live: Running = { stop, done: Promise.resolve(), options };
    this.running = live;
    live.done = this.watch(stop.signal, {
      ...options,
      onReady: (control) => {
        live.control = control;
        ready();
      },
    }).finally(() => {
      if (this.running === live) this.running = undefined;
    });
    await Promise.race([started, live.done]);
  }

  async stop(): Promise<void> {
    const live = this.running;
    live?.stop.abort();
    await live?.done.catch(() => {}); // its failure was reported through its options as it happened
  }

  /** Start again the same way, if it was running (after a reconnect). */
  async restart(): Promise<void> {
    const live = this.running;
    if (!live) return;
    await this.stop();
    await this.start(live.options);
  }

  /** The vault's lock, with live sync paused meanwhile and started again the same way after. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const live = this.running;
    if (live) await this.stop();
    try {
      return await withHomeLock(this.d.home, fn);
    } finally {
      if (live) await this.start(live.options);
    }
  }

  /** Keep syncing until `signal` aborts, and take backups when they are due. Holds the vault's lock all along. */
  async watch(signal: AbortSignal, options: LiveOptions = {}): Promise<void> {
    const ctx = await this.d.syncContext();
    await withHomeLock(this.d.home, async () => {
      const stopBackups = this.scheduleBackups(signal, options);
      try {
        await watchVault(ctx, signal, options);
      } finally {
        await stopBackups();
      }
    });
  }

  /** Checks every minute whether a backup is due, and runs it; warns when backups are overdue. */
  private scheduleBackups(signal: AbortSignal, o: LiveOptions): () => Promise<void> {
    let running: Promise<void> | undefined;
    const tick = async () => {
      if (running || signal.aborted) return;
      const st = await this.d.backupStatus().catch(() => undefined); // no status now: the next tick asks again
      if (!st?.folder) return;
      if (st.overdue) o.onBackupOverdue?.(st);
      if (st.nextBackup && Date.parse(st.nextBackup) <= Date.now()) {
        running = this.d
          .backup({ signal })
          .then(
            (r) => o.onBackup?.(r),
            (e: unknown) => o.onBackupFailed?.(e),
          )
          .finally(() => {
            running = undefined;
          });
      }
    };
    void tick();
    const timer = setInterval(() => void tick(), o.backupCheckMs ?? 60_000);
    return async () => {
      clearInterval(timer);
      await running;
    };
  }
}
