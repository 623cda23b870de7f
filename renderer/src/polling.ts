// A screen that keeps itself current by asking again every few seconds
// (Home, Backups) asks only while it can be seen: each ask walks the vault
// and reads its records (about a second of CPU at 100,000 files), for
// nobody while the window is minimised or hidden. Seen again, it asks at
// once.
import { useEffect } from 'react';

/** Calls `refresh` now, every `everyMs` while the page is visible, and as soon as it becomes visible again. */
export function usePolling(refresh: () => unknown, everyMs: number): void {
  useEffect(() => {
    const seen = () => document.visibilityState !== 'hidden';
    void refresh();
    const timer = setInterval(() => {
      if (seen()) void refresh();
    }, everyMs);
    const onVisibility = () => {
      if (seen()) void refresh();
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [refresh, everyMs]);
}
