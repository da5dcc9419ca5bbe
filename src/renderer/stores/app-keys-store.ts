import { create } from 'zustand';
import type { AppKeyView } from '../../shared/control/app-keys.js';
import { appKeysApi } from '../api/app-keys.js';
import { onServerEvent } from '../api/events.js';

interface AppKeysState {
  data: AppKeyView[] | null;
  error: string | null;
  load(): Promise<void>;
}

/** The key list; refetched when keys change or usage moves their spend. */
export const useAppKeys = create<AppKeysState>()((set) => ({
  data: null,
  error: null,
  async load() {
    try {
      set({ data: (await appKeysApi.list()).keys, error: null });
    } catch (err) {
      set({ error: err instanceof Error ? err.message : String(err) });
    }
  },
}));

let subscribed = false;

/** Screens that show keys call this once mounted; the subscriptions then live with the page. */
export function syncAppKeys(): void {
  void useAppKeys.getState().load();
  if (subscribed) return;
  subscribed = true;
  const reload = () => void useAppKeys.getState().load();
  onServerEvent('app-keys', reload);
  onServerEvent('usage', reload);
}
