// A screen that keeps itself current by asking again every few seconds
// (Home, Backups; the key rotation's while a re-encryption runs in the
// background) asks only while it can be seen: each ask walks the vault
// and reads its records (about a second of CPU at 100,000 files), for
// nobody while the window is minimised or hidden. Seen again, it asks at
// once. Asks never overlap, and the next waits for the last answer: a
// vault so large that an ask takes longer than the pause would otherwise
// pile asks up. It waits ten times as long as the last ask took, when that
// is longer than the pause, so keeping a screen current takes no more than
// a tenth of a core, but never more than a minute.
import { useCallback, useEffect, useRef } from 'react';

/** The pause after an ask is at least this many times as long as the ask took: asking takes at most a tenth of the time. */
const PAUSE_OVER_ASK = 10;
/** And at most this long: an ask the computer slept through (the lid closed) would otherwise seem hours long. */
const LONGEST_PAUSE_MS = 60_000;

/**
 * Calls `refresh` now, `everyMs` (or ten times its last duration, if longer, up to a minute) after each answer while the page is
 * visible, and as soon as it becomes visible again; all that only while `active`.
 */
export function usePolling(refresh: () => unknown, everyMs: number, active = true): void {
  useEffect(() => {
    if (!active) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let asking = false;
    let stopped = false;
    const seen = () => document.visibilityState !== 'hidden';
    const ask = async () => {
      if (asking || stopped) return;
      asking = true;
      clearTimeout(timer);
      const started = Date.now();
      try {
        await refresh();
      } finally {
        asking = false;
        if (!stopped) timer = setTimeout(askIfSeen, Math.min(LONGEST_PAUSE_MS, Math.max(everyMs, PAUSE_OVER_ASK * (Date.now() - started))));
      }
    };
    // Hidden: the next ask is when it is seen again.
    const askIfSeen = () => {
      if (seen()) void ask();
    };
    void ask();
    document.addEventListener('visibilitychange', askIfSeen);
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', askIfSeen);
    };
  }, [refresh, everyMs, active]);
}

/**
 * For a screen read both by its poll and after an action ("Sync now", "Check again"): `begin()` at the start of a read
 * gives that read a check to make before showing its answer, true unless a read begun after it has shown one already.
 * Two reads can answer out of order (a poll begun before the action, on a slow vault), and the older answer would
 * otherwise put back what the screen said before the action, until the next poll.
 */
export function useNewest(): () => () => boolean {
  const begun = useRef(0);
  const shown = useRef(0);
  return useCallback(() => {
    const n = ++begun.current;
    return () => {
      if (n < shown.current) return false;
      shown.current = n;
      return true;
    };
  }, []);
}
