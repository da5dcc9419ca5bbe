import { create } from 'zustand';
import type { Spending } from '../../shared/control/spending.js';
import { onServerEvent } from '../api/events.js';
import { spendingApi, type SpendingRange } from '../api/spending.js';

interface SpendingState {
  range: SpendingRange;
  data: Spending | null;
  error: string | null;
  setRange(range: SpendingRange): void;
  load(): Promise<void>;
}

/** The Spending screen's range and figures; refetched when new usage is committed. */
export const useSpending = create<SpendingState>()((set, get) => ({
  range: { days: 30 },
  data: null,
  error: null,
  setRange(range) {
    set({ range });
    void get().load();
  },
  async load() {
    const range = get().range;
    try {
      const data = await spendingApi.get(range);
      if (get().range === range) set({ data, error: null });
    } catch (err) {
      set({ error: err instanceof Error ? err.message : String(err) });
    }
  },
}));

let subscribed = false;

export function syncSpending(): void {
  void useSpending.getState().load();
  if (subscribed) return;
  subscribed = true;
  onServerEvent('usage', () => void useSpending.getState().load());
}
