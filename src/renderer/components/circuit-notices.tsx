import { useEffect } from 'react';
import type { OpenCircuitView } from '../../shared/control/circuits.js';
import { circuitsApi } from '../api/circuits.js';
import { onServerEvent } from '../api/events.js';
import { useNotices } from '../stores/notices-store.js';

function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/**
 * A notice when an endpoint's circuit opens (it failed several times in a row, so routing keeps
 * it out and uses the other endpoints) and when it closes again. The server says `circuits` on
 * each change; the list open at sign-in is the starting point, not news.
 */
export function useCircuitNotices(): void {
  useEffect(() => {
    let known: Map<string, OpenCircuitView> | null = null;
    let stopped = false;
    const refresh = async () => {
      let circuits: OpenCircuitView[];
      try {
        circuits = (await circuitsApi.list()).circuits;
      } catch {
        // The connection notice covers an unreachable gateway; the next event tries again.
        return;
      }
      if (stopped) return;
      const previous = known;
      known = new Map(circuits.map((c) => [c.endpoint, c]));
      if (!previous) return;
      const opened = circuits.filter((c) => !previous.has(c.endpoint));
      const closed = [...previous.values()].filter((c) => !known?.has(c.endpoint));
      useNotices.getState().push([
        ...opened.map((c) => ({
          kind: 'circuit' as const,
          tone: 'error' as const,
          text: `Provider “${c.provider}” is failing: ${c.endpoint} failed ${c.consecutiveFailures} times in a row, so routing skips it until it tries it again at ${clock(c.retryAt)}.`,
        })),
        ...closed.map((c) => ({ kind: 'circuit' as const, tone: 'ok' as const, text: `Provider “${c.provider}” answers again: ${c.endpoint} is back in rotation.` })),
      ]);
    };
    void refresh();
    const unsubscribe = onServerEvent('circuits', () => void refresh());
    return () => {
      stopped = true;
      unsubscribe();
    };
  }, []);
}
