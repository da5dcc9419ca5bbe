import type { Agent } from 'undici';
import type { ProviderAdapter } from '../providers/provider-adapter.js';
import { sendUpstream } from '../providers/upstream-http.js';
import type { ProviderFamily } from '../config/presets.js';
import type { ProviderKeys } from '../secrets/provider-keys.js';
import type { ModelCatalog } from './catalog.js';

/**
 * Asks providers without a `models` list what they serve, in the background: never on the
 * request path. A provider that can't be reached keeps its last known list.
 */
export function startModelDiscovery(opts: {
  catalog: ModelCatalog;
  adapters: Partial<Record<ProviderFamily, ProviderAdapter>>;
  keys: ProviderKeys;
  agent: Agent;
  intervalMs?: number;
}): { refresh(): Promise<void>; stop(): void } {
  const controller = new AbortController();
  const refresh = async () => {
    await Promise.all(
      opts.catalog.needsDiscovery().map(async (provider) => {
        const adapter = opts.adapters[provider.family];
        if (!adapter) return;
        const apiKey = await opts.keys.next(provider);
        if (!apiKey && !provider.local) return;
        const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(10_000)]);
        try {
          const res = await sendUpstream(opts.agent, adapter.listModelsRequest(provider, apiKey), signal, provider.id);
          if (res.statusCode !== 200) {
            await res.body.dump();
            return;
          }
          opts.catalog.setDiscovered(provider.id, adapter.parseModelList(await res.body.json()));
        } catch {
          // Unreachable right now (a local server that is not running): try again next round.
        }
      }),
    );
  };
  const timer = setInterval(() => void refresh(), opts.intervalMs ?? 5 * 60_000);
  timer.unref();
  void refresh();
  return {
    refresh,
    stop() {
      clearInterval(timer);
      controller.abort();
    },
  };
}
