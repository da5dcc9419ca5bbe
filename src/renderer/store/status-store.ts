import { create } from 'zustand';
import type { AppStatus } from '../../shared/usage.js';
import { callApi } from '../api/client.js';
import { appStatusSchema } from '../../shared/control/status.js';

export interface StatusState {
  /** Last good answer; kept while the gateway is unreachable so the page stays readable. */
  status: AppStatus | null;
  /** Why the latest refresh failed, or null when it succeeded. */
  error: string | null;
  /** Epoch ms of the latest successful refresh. */
  updatedAt: number | null;
  refreshing: boolean;
  refresh(): Promise<void>;
}

export function createStatusStore() {
  return create<StatusState>()((set, get) => ({
    status: null,
    error: null,
    updatedAt: null,
    refreshing: false,
    async refresh() {
      if (get().refreshing) return;
      set({ refreshing: true });
      try {
        const status = await callApi('GET', '/status', appStatusSchema);
        set({ status, error: null, updatedAt: Date.now() });
      } catch (err) {
        set({ error: err instanceof Error ? err.message : String(err) });
      } finally {
        set({ refreshing: false });
      }
    },
  }));
}

export const useStatusStore = createStatusStore();
