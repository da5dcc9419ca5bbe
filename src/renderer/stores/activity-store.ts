import { create } from 'zustand';
import type { ActivityDetail, ActivityQuery, ActivityRow } from '../../shared/control/activity.js';
import { activityApi } from '../api/activity.js';
import { onServerEvent } from '../api/events.js';

export type ActivityFilters = Pick<ActivityQuery, 'appKey' | 'model' | 'provider' | 'status' | 'since' | 'until'>;

const HEAD_PAGE = 500;

interface ActivityState {
  filters: ActivityFilters;
  /** Newest first. */
  rows: ActivityRow[];
  /** The paging key of the next older page; null once the log's start is loaded. */
  nextBefore: number | null;
  loaded: boolean;
  error: string | null;
  selected: ActivityDetail | null;
  setFilters(filters: ActivityFilters): void;
  load(): Promise<void>;
  loadOlder(): Promise<void>;
  loadNewer(): Promise<void>;
  select(id: string | null): Promise<void>;
}

function failure(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The request log as far as it was scrolled. New requests arrive by the `usage` event: only
 * what is newer than the first row is fetched (one request at a time, however fast they come).
 */
export const useActivity = create<ActivityState>()((set, get) => {
  let olderInFlight = false;
  let newerInFlight: Promise<void> | null = null;
  let newerAgain = false;
  return {
    filters: {},
    rows: [],
    nextBefore: null,
    loaded: false,
    error: null,
    selected: null,
    setFilters(filters) {
      set({ filters, rows: [], nextBefore: null, loaded: false });
      void get().load();
    },
    async load() {
      const filters = get().filters;
      try {
        const page = await activityApi.page(filters);
        if (get().filters === filters) set({ rows: page.rows, nextBefore: page.nextBefore, loaded: true, error: null });
      } catch (err) {
        set({ error: failure(err) });
      }
    },
    async loadOlder() {
      const { nextBefore, filters } = get();
      if (nextBefore === null || olderInFlight) return;
      olderInFlight = true;
      try {
        const page = await activityApi.page({ ...filters, before: nextBefore });
        if (get().filters === filters) set((s) => ({ rows: [...s.rows, ...page.rows], nextBefore: page.nextBefore }));
      } catch (err) {
        set({ error: failure(err) });
      } finally {
        olderInFlight = false;
      }
    },
    loadNewer() {
      if (newerInFlight) {
        newerAgain = true;
        return newerInFlight;
      }
      newerInFlight = (async () => {
        do {
          newerAgain = false;
          const { rows, filters } = get();
          const head = rows[0];
          if (!head) {
            await get().load();
            continue;
          }
          try {
            const page = await activityApi.page({ ...filters, after: head.seq, limit: HEAD_PAGE });
            if (get().filters !== filters) continue;
            // More than a page arrived at once: start again from the top rather than leave a gap.
            if (page.nextBefore !== null) await get().load();
            else if (page.rows.length > 0) set((s) => ({ rows: [...page.rows, ...s.rows] }));
          } catch (err) {
            set({ error: failure(err) });
          }
        } while (newerAgain);
        newerInFlight = null;
      })();
      return newerInFlight;
    },
    async select(id) {
      if (id === null) {
        set({ selected: null });
        return;
      }
      try {
        set({ selected: await activityApi.detail(id) });
      } catch (err) {
        set({ error: failure(err) });
      }
    },
  };
});

let subscribed = false;

export function syncActivity(): void {
  void useActivity.getState().load();
  if (subscribed) return;
  subscribed = true;
  onServerEvent('usage', () => void useActivity.getState().loadNewer());
}
