import type { Agent } from 'undici';
import { z } from 'zod';
import type { ProviderAdapter } from '../providers/provider-adapter.js';
import { sendUpstream } from '../providers/upstream-http.js';
import type { ProviderFamily } from '../config/presets.js';
import type { ProviderKeys } from '../secrets/provider-keys.js';
import type { DiscoveredModel, ModelCatalog, ResolvedProvider } from './catalog.js';

const strings = z.array(z.string()).optional().catch(undefined);
const positiveInt = z.number().int().positive().optional().catch(undefined);

/**
 * The descriptive fields some OpenAI-style listings carry: OpenRouter's (`context_length`,
 * `supported_parameters`, `architecture`), vLLM's `max_model_len`. Each is optional and a
 * malformed one is dropped, never the listing.
 */
const listedModel = z.object({
  id: z.string(),
  name: z.string().optional().catch(undefined),
  context_length: positiveInt,
  max_model_len: positiveInt,
  supported_parameters: strings,
  architecture: z
    .object({ input_modalities: strings, output_modalities: strings })
    .optional()
    .catch(undefined),
});
const listing = z.object({ data: z.array(z.unknown()) });

/** Ids come from the adapter (it knows its provider's listing); details from the listing where it has them. */
export function discoveredModels(adapter: ProviderAdapter, json: unknown): DiscoveredModel[] {
  const details = new Map<string, z.infer<typeof listedModel>>();
  const parsed = listing.safeParse(json);
  if (parsed.success) {
    for (const item of parsed.data.data) {
      const model = listedModel.safeParse(item);
      if (model.success) details.set(model.data.id, model.data);
    }
  }
  return adapter.parseModelList(json).map((id) => {
    const d = details.get(id);
    const model: DiscoveredModel = { id };
    if (!d) return model;
    if (d.name) model.name = d.name;
    const contextLength = d.context_length ?? d.max_model_len;
    if (contextLength) model.contextLength = contextLength;
    if (d.supported_parameters) model.supportedParameters = d.supported_parameters;
    if (d.architecture?.input_modalities) model.inputModalities = d.architecture.input_modalities;
    if (d.architecture?.output_modalities) model.outputModalities = d.architecture.output_modalities;
    return model;
  });
}

/**
 * Asks providers without a `models` list what they serve, in the background: never on the
 * request path. A provider that can't be reached keeps its last known list and is asked again
 * sooner than the others (a local server started after the gateway shows up within `retryMs`).
 */
export function startModelDiscovery(opts: {
  catalog: ModelCatalog;
  adapters: Partial<Record<ProviderFamily, ProviderAdapter>>;
  keys: ProviderKeys;
  agent: Agent;
  intervalMs?: number;
  retryMs?: number;
  /** Called after a provider's list was taken in (the UI refreshes its model picker). */
  onFound?: (providerId: string) => void;
}): { refresh(): Promise<void>; stop(): void } {
  const controller = new AbortController();
  let retryTimer: NodeJS.Timeout | undefined;

  const ask = async (provider: ResolvedProvider): Promise<boolean> => {
    const adapter = opts.adapters[provider.family];
    if (!adapter) return true;
    const apiKey = await opts.keys.next(provider).catch(() => undefined);
    if (!apiKey && !provider.local) return true;
    const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(10_000)]);
    try {
      const res = await sendUpstream(opts.agent, adapter.listModelsRequest(provider, apiKey), signal, provider.id);
      if (res.statusCode !== 200) {
        await res.body.dump();
        return false;
      }
      opts.catalog.setDiscovered(provider.id, discoveredModels(adapter, await res.body.json()));
      opts.onFound?.(provider.id);
      return true;
    } catch {
      // Unreachable right now (a local server that is not running): asked again later.
      return false;
    }
  };

  const round = async (providers: ResolvedProvider[]) => {
    const answered = await Promise.all(providers.map(ask));
    const failed = providers.filter((_, i) => !answered[i]);
    if (failed.length > 0 && !controller.signal.aborted && retryTimer === undefined) {
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        void round(failed);
      }, opts.retryMs ?? 30_000);
      retryTimer.unref();
    }
  };

  const refresh = () => round(opts.catalog.needsDiscovery());
  const timer = setInterval(() => void refresh(), opts.intervalMs ?? 5 * 60_000);
  timer.unref();
  void refresh();
  return {
    refresh,
    stop() {
      clearInterval(timer);
      clearTimeout(retryTimer);
      controller.abort();
    },
  };
}
