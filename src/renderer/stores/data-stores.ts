import { create } from 'zustand';
import type { ConversationSummary } from '../../shared/control/conversations.js';
import type { ModelView } from '../../shared/control/models.js';
import type { ProviderView, VaultState } from '../../shared/control/providers.js';
import type { AppStatus } from '../../shared/usage.js';
import { control } from '../api/control.js';
import { onServerEvent } from '../api/events.js';

/** Server data, refetched when the event stream says it changed; `error` keeps the last good data readable. */
interface Resource<T> {
  data: T | null;
  error: string | null;
  load(): Promise<void>;
}

function resource<T>(fetcher: () => Promise<T>) {
  return create<Resource<T>>()((set) => ({
    data: null,
    error: null,
    async load() {
      try {
        set({ data: await fetcher(), error: null });
      } catch (err) {
        set({ error: err instanceof Error ? err.message : String(err) });
      }
    },
  }));
}

export const useProviders = resource<ProviderView[]>(async () => (await control.providers()).providers);
export const useVault = resource<VaultState>(control.vault);
export const useModels = resource<ModelView[]>(async () => (await control.models()).models);
export const useStatus = resource<AppStatus>(control.status);

interface ConversationList extends Resource<ConversationSummary[]> {
  query: string;
  search(query: string): void;
}

export const useConversationList = create<ConversationList>()((set, get) => ({
  data: null,
  error: null,
  query: '',
  async load() {
    try {
      set({ data: (await control.conversations(get().query)).conversations, error: null });
    } catch (err) {
      set({ error: err instanceof Error ? err.message : String(err) });
    }
  },
  search(query) {
    set({ query });
    void get().load();
  },
}));

/** Loads everything once signed in and wires each resource to its server event. */
export function startDataSync(): void {
  const loadProviders = () => void useProviders.getState().load();
  const loadModels = () => void useModels.getState().load();
  const loadStatus = () => void useStatus.getState().load();
  const loadConversations = () => void useConversationList.getState().load();
  loadProviders();
  loadModels();
  loadStatus();
  loadConversations();
  void useVault.getState().load();
  onServerEvent('providers', () => {
    loadProviders();
    loadModels();
    loadStatus();
  });
  onServerEvent('models', () => {
    loadModels();
    loadProviders();
  });
  onServerEvent('usage', loadStatus);
  onServerEvent('conversations', loadConversations);
}
