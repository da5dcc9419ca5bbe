import { useEffect } from 'react';
import { useStatusStore } from '../store/status-store.js';

/**
 * Refreshes the status now and then every `intervalMs` while the page is visible.
 * The next refresh is scheduled only after the previous one settles, so a slow
 * gateway never accumulates overlapping requests.
 */
export function useStatusPolling(intervalMs: number): void {
  const refresh = useStatusStore((state) => state.refresh);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;

    const tick = async (): Promise<void> => {
      if (!document.hidden) await refresh();
      if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
    };
    const refreshWhenShown = (): void => {
      if (!document.hidden) void refresh();
    };

    void tick();
    document.addEventListener('visibilitychange', refreshWhenShown);
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', refreshWhenShown);
    };
  }, [refresh, intervalMs]);
}
