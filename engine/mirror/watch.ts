// Live sync: watch the vault folder and run a sync pass shortly after
// anything changes. The pass itself is the crash-safe queue: it compares the
// folder with what was last uploaded, so events that were missed (the
// program was not running, a network drive sent none) are caught by the
// pass at start-up and by a periodic rescan. A failing cloud is a state
// (offline), retried with exponential backoff and jitter, not an error storm.
import { basename, join } from 'node:path';
import { rm, stat } from 'node:fs/promises';
import { failureOf, Refused } from '../errors.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { homeFiles } from '../home.js';
import { isIgnoredName } from './scan.js';
import { syncOnce, type SyncContext } from './sync.js';
import { identityOf, sameFolder } from './vault-identity.js';
import { Wiped } from '../devices/wipe.js';
import type { LiveSyncState, SyncReport } from '../../contract/index.js';

export interface WatchOptions {
  /** Quiet time after the last event before a pass starts. */
  debounceMs?: number;
  /** How long a just-written file must stay unchanged before upload. */
  settleMs?: number;
  /** A full pass at least this often, events or not. */
  rescanMs?: number;
  /** Called after every pass. */
  onPass?: (report: SyncReport) => void;
  /** Called when a pass fails as a whole (cloud unreachable...), with when it is retried. */
  onOffline?: (error: unknown, retryInMs: number) => void;
  /** Called once watching has started, with a way to ask for a pass now ("Sync now"). */
  onReady?: (control: LiveControl) => void;
}

export interface LiveControl {
  /** Runs a pass as soon as possible and resolves with its report (or rejects with its failure). */
  syncNow(): Promise<SyncReport>;
}

const MAX_BACKOFF_MS = 5 * 60_000;
/** How often the vault folder is checked to be the one being watched. */
const FOLLOW_MS = 2000;

/** Exponential backoff with jitter: 1 s, 2 s, 4 s ... up to 5 minutes, each between half and all of that. */
export function backoffMs(failures: number, random = Math.random): number {
  const base = Math.min(1000 * 2 ** Math.max(0, failures - 1), MAX_BACKOFF_MS);
  return Math.round(base * (0.5 + random() / 2));
}

/** What a running watcher publishes about itself (CASEVAULT_HOME/watch.json), for status. */
export interface LiveState extends LiveSyncState {
  pid: number;
}

export async function watchVault(ctx: Omit<SyncContext, 'settleMs'>, signal: AbortSignal, o: WatchOptions = {}): Promise<void> {
  const debounceMs = o.debounceMs ?? 150;
  const settleMs = o.settleMs ?? 300;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let failures = 0;
  let fileFailures = 0;
  let waiting: { resolve: (r: SyncReport) => void; reject: (e: unknown) => void }[] = [];
  /** The vault was wiped here on another computer's order: nothing is left to watch. */
  let wiped: Wiped | undefined;
  const ended = new AbortController();

  const live: LiveState = { pid: process.pid, since: Date.now(), online: true };
  const publish = () => writeFileAtomic(join(ctx.home, homeFiles.watch), JSON.stringify(live)).catch(() => {}); // status then shows the last state it could write

  const schedule = (delay: number) => {
    if (signal.aborted || ended.signal.aborted) return;
    clearTimeout(timer);
    timer = setTimeout(() => void pass(), delay);
  };
  const pass = async () => {
    if (running) {
      again = true;
      return;
    }
    again = false;
    const waiters = waiting;
    waiting = [];
    running = (async () => {
      try {
        const report = await syncOnce({ ...ctx, settleMs });
        for (const w of waiters) w.resolve(report);
        failures = 0;
        Object.assign(live, { online: true, lastPassAt: Date.now(), lastError: undefined, nextRetryAt: undefined });
        await publish();
        o.onPass?.(report);
        // Files that failed (still being written, unreadable) are retried with backoff.
        if (report.failed.length > 0) schedule(backoffMs(++fileFailures));
        else fileFailures = 0;
      } catch (e) {
        if (e instanceof Wiped) {
          for (const w of waiters) w.reject(e);
          wiped = e;
          ended.abort();
          return;
        }
        const delay = backoffMs(++failures);
        Object.assign(live, { online: false, lastError: failureOf(e).message, nextRetryAt: Date.now() + delay });
        await publish();
        for (const w of waiters) w.reject(e); // once the state is published: whoever waited for the pass reads it
        o.onOffline?.(e, delay);
        schedule(delay);
      }
    })();
    await running;
    running = undefined;
    if (again) schedule(debounceMs);
  };

  const { watch } = await import('chokidar'); // here, not at the top: every command loads this module, only live sync needs the watcher
  const startWatcher = () => {
    const w = watch(ctx.vaultDir, {
      ignoreInitial: true,
      followSymlinks: false,
      ignored: (p: string) => isIgnoredName(basename(p)),
    });
    w.on('all', () => schedule(debounceMs));
    // A name that is not valid UTF-8 reaches chokidar with replacement characters, a path it cannot stat, so no 'all' event
    // follows; the raw event still comes, and the pass it starts reports the file as not synced rather than waiting for the rescan.
    w.on('raw', (_event: string, path: unknown) => {
      if (typeof path === 'string' && path.includes('\uFFFD')) schedule(debounceMs);
    });
    w.on('error', () => schedule(debounceMs));
    return w;
  };
  const folderNow = () => stat(ctx.vaultDir).then(identityOf, () => undefined);
  let watcher = startWatcher();
  let watched = await folderNow();
  // The watcher holds the folder it was started on: a drive plugged in again, or the folder moved away and put back, is
  // another folder at the same path, whose changes it never hears. Checked every 2 seconds (a stat), and watched afresh.
  let following: Promise<void> | undefined;
  const follow = setInterval(() => {
    following ??= (async () => {
      const now = await folderNow();
      if (sameFolder(now, watched) || signal.aborted || ended.signal.aborted) return;
      watched = now;
      const old = watcher;
      watcher = startWatcher();
      await old.close();
      schedule(debounceMs);
    })().finally(() => (following = undefined));
  }, FOLLOW_MS);
  const rescan = setInterval(() => schedule(0), o.rescanMs ?? 5 * 60_000);
  schedule(0);
  o.onReady?.({
    syncNow: () =>
      new Promise<SyncReport>((resolve, reject) => {
        waiting.push({ resolve, reject });
        if (running) again = true;
        else schedule(0);
      }),
  });

  await new Promise<void>((resolve) => {
    if (signal.aborted || ended.signal.aborted) resolve();
    else for (const s of [signal, ended.signal]) s.addEventListener('abort', () => resolve(), { once: true });
  });
  clearInterval(rescan);
  clearInterval(follow);
  clearTimeout(timer);
  await following; // a watcher being replaced now is replaced before it is closed
  await watcher.close();
  await running; // a pass in progress finishes (killing it would be safe too, just slower next time)
  for (const w of waiting) w.reject(new Refused('live sync stopped before the pass ran; sync again'));
  await rm(join(ctx.home, homeFiles.watch), { force: true });
  if (wiped) throw wiped;
}
