import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ControlEvents, USAGE_EVENT_INTERVAL_MS } from '../src/main/core/control/control-events.js';

/** What a subscribed page receives, as event names. */
function subscriber(events: ControlEvents): { names: string[] } {
  const received = { names: [] as string[] };
  const res = {
    writeHead: () => res,
    write: (text: string) => {
      const name = /^event: (\S+)/.exec(text)?.[1];
      if (name) received.names.push(name);
      return true;
    },
    on: () => res,
    end: () => undefined,
  };
  events.subscribe(res as unknown as ServerResponse);
  return received;
}

describe('control events', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  // Regression (bench:rows): at 100 requests/s the writer commits up to 20 batches a second and
  // each page refetched /status, /app-keys and its screen's route on every one; with Activity open
  // the gateway's own p50 went from 5 ms to 200 ms.
  it('announces usage at once, then at most once per interval, and never drops the last change', () => {
    vi.useFakeTimers();
    const events = new ControlEvents();
    const page = subscriber(events);
    events.usageChanged();
    expect(page.names).toEqual(['usage']);
    for (let i = 0; i < 20; i++) {
      vi.advanceTimersByTime(USAGE_EVENT_INTERVAL_MS / 10);
      events.usageChanged();
    }
    // Two intervals passed: the first change, and one per interval since.
    expect(page.names).toEqual(['usage', 'usage', 'usage']);
    vi.advanceTimersByTime(USAGE_EVENT_INTERVAL_MS);
    expect(page.names).toHaveLength(4);
    vi.advanceTimersByTime(USAGE_EVENT_INTERVAL_MS * 5);
    expect(page.names).toHaveLength(4);
    // Quiet for a while: the next change goes out at once again.
    events.usageChanged();
    expect(page.names).toHaveLength(5);
    events.close();
  });

  it('other events are not held back, and close drops a pending usage event', () => {
    vi.useFakeTimers();
    const events = new ControlEvents();
    const page = subscriber(events);
    events.usageChanged();
    events.usageChanged();
    events.publish('app-keys');
    expect(page.names).toEqual(['usage', 'app-keys']);
    events.close();
    vi.advanceTimersByTime(USAGE_EVENT_INTERVAL_MS * 2);
    expect(page.names).toEqual(['usage', 'app-keys']);
  });
});
