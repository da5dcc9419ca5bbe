import type { ProviderType } from '../config/presets.js';
import { webPluginOf } from '../protocol/openai-chat-request.js';
import type { JsonObject } from '../providers/provider-adapter.js';
import { endpointPrice } from '../usage/pricing.js';
import type { Endpoint } from './catalog.js';
import type { SortBy } from './provider-preferences.js';

/**
 * OpenRouter's model variants: `:floor` sorts by price, `:nitro` by throughput, `:free`
 * keeps only endpoints priced 0 (local models), `:online` adds web search.
 */
export type Variant = 'floor' | 'nitro' | 'free' | 'online';

const VARIANTS: readonly Variant[] = ['floor', 'nitro', 'free', 'online'];

export const VARIANT_SORT: Partial<Record<Variant, SortBy>> = { floor: 'price', nitro: 'throughput' };

/**
 * Splits `model:variant`. A suffix is a variant only when the whole id is not itself a model
 * (an Ollama tag such as `qwen:free` stays a model name).
 */
export function splitVariant(modelId: string, isModel: (id: string) => boolean): { id: string; variant: Variant | undefined } {
  const colon = modelId.lastIndexOf(':');
  if (colon <= 0) return { id: modelId, variant: undefined };
  const suffix = modelId.slice(colon + 1) as Variant;
  if (!VARIANTS.includes(suffix) || isModel(modelId)) return { id: modelId, variant: undefined };
  return { id: modelId.slice(0, colon), variant: suffix };
}

/** OpenRouter's web plugin in the request (`plugins: [{id: "web"}]`, not switched off) means the same as `:online`. */
export function asksForWebSearch(body: JsonObject): boolean {
  return webPluginOf(body.plugins) !== undefined;
}

/** How one endpoint searches the web natively: another upstream model name, or extra body fields. */
export interface WebSearchRoute {
  endpoint: Endpoint;
  extraBody?: JsonObject;
}

/** OpenAI's field for a native search; the Anthropic and Gemini adapters read it as their search tool. */
const withSearchOptions = (endpoint: Endpoint): WebSearchRoute => ({ endpoint, extraBody: { web_search_options: {} } });

/**
 * Providers with a native web search: OpenAI's `web_search_options` (its search models),
 * Anthropic's web search server tool, Gemini's Google Search grounding, and OpenRouter's own
 * `:online` variant.
 */
const NATIVE_WEB_SEARCH: Partial<Record<ProviderType, (endpoint: Endpoint) => WebSearchRoute>> = {
  openai: withSearchOptions,
  anthropic: withSearchOptions,
  google: withSearchOptions,
  openrouter: (endpoint) => ({ endpoint: onlineEndpoint(endpoint) }),
};

/** One `:online` twin per endpoint, so its price and health lookups are cached like any endpoint's. */
const onlineTwins = new WeakMap<Endpoint, Endpoint>();

function onlineEndpoint(endpoint: Endpoint): Endpoint {
  if (endpoint.upstreamModel.endsWith(':online')) return endpoint;
  let twin = onlineTwins.get(endpoint);
  if (!twin) {
    const upstreamModel = `${endpoint.upstreamModel}:online`;
    twin = { ...endpoint, upstreamModel, price: endpointPrice(endpoint.priceSource, upstreamModel) };
    onlineTwins.set(endpoint, twin);
  }
  return twin;
}

export function webSearchRoute(endpoint: Endpoint): WebSearchRoute | undefined {
  return NATIVE_WEB_SEARCH[endpoint.provider.type]?.(endpoint);
}

export const WEB_SEARCH_PROVIDERS = Object.keys(NATIVE_WEB_SEARCH).join(', ');
