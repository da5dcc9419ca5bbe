import type { PricingOverride } from '../config/config-schema.js';
import type { TokenUsage } from '../protocol/token-usage.js';
import { CatalogPrice, type CatalogOptions } from './catalog-price.js';

/** Where an endpoint's price comes from: an explicit override, the genai-prices catalog, or free (local). */
export type PriceSource =
  | { kind: 'override'; pricing: PricingOverride }
  | { kind: 'catalog'; providerId?: string; providerApiUrl?: string }
  | { kind: 'free' };

export function catalogOptions(source: Extract<PriceSource, { kind: 'catalog' }>): CatalogOptions | null {
  if (source.providerId) return { providerId: source.providerId };
  if (source.providerApiUrl) return { providerApiUrl: source.providerApiUrl };
  return null;
}

/** Per-token rates for reservations and `max_price` checks. */
export interface TokenRates {
  prompt: number;
  completion: number;
  request: number;
}

/**
 * One endpoint's price, resolved once: a request's cost and the endpoint's rates are then
 * arithmetic, with no catalog search and no work that grows with the config.
 */
export interface EndpointPrice {
  /** USD for one request (rounded like every stored cost), or null when the price is unknown. */
  cost(usage: TokenUsage, atMs?: number): number | null;
  /** Null when the price is unknown. */
  rates(atMs?: number): TokenRates | null;
  /** The model's context window where genai-prices knows it. */
  readonly contextWindow: number | null;
}

const FREE: EndpointPrice = { cost: () => 0, rates: () => ({ prompt: 0, completion: 0, request: 0 }), contextWindow: null };

const UNKNOWN: EndpointPrice = { cost: () => null, rates: () => null, contextWindow: null };

/**
 * Builds an endpoint's price. `lookUp` resolves a catalog price (the expensive part), so the
 * caller can share one resolution among the endpoints of one provider and model.
 */
export function endpointPrice(
  source: PriceSource,
  upstreamModel: string,
  lookUp: (upstreamModel: string, options: CatalogOptions) => CatalogPrice | null = CatalogPrice.resolve,
): EndpointPrice {
  if (source.kind === 'free') return FREE;
  if (source.kind === 'override') return overridePrice(source.pricing);
  const options = catalogOptions(source);
  const catalog = options ? lookUp(upstreamModel, options) : null;
  if (!catalog) return UNKNOWN;
  const perMillion = 1_000_000;
  const total = (usage: TokenUsage, atMs?: number) => catalog.total(usage, atMs);
  return {
    cost: (usage, atMs) => {
      const usd = total(usage, atMs);
      return usd === null ? null : roundUsd(usd);
    },
    rates: (atMs) => {
      const prompt = total({ ...ZERO, promptTokens: perMillion }, atMs);
      const completion = total({ ...ZERO, completionTokens: perMillion }, atMs);
      if (prompt === null || completion === null) return null;
      return { prompt: roundUsd(prompt) / perMillion, completion: roundUsd(completion) / perMillion, request: 0 };
    },
    contextWindow: catalog.contextWindow,
  };
}

const ZERO: TokenUsage = { promptTokens: 0, completionTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };

function overridePrice(p: PricingOverride): EndpointPrice {
  const prompt = Number(p.prompt);
  const completion = Number(p.completion);
  const request = Number(p.request ?? 0);
  const cacheRead = p.input_cache_read === undefined ? prompt : Number(p.input_cache_read);
  const cacheWrite = p.input_cache_write === undefined ? prompt : Number(p.input_cache_write);
  const rates: TokenRates = { prompt, completion, request };
  return {
    cost: (u) => {
      const uncached = Math.max(0, u.promptTokens - u.cachedTokens - u.cacheWriteTokens);
      return roundUsd(uncached * prompt + u.cachedTokens * cacheRead + u.cacheWriteTokens * cacheWrite + u.completionTokens * completion + request);
    },
    rates: () => rates,
    contextWindow: null,
  };
}

/** Costs are kept to 1e-10 USD: below any real price, and free of float noise like 0.30000000000000004. */
function roundUsd(value: number): number {
  return Math.round(value * 1e10) / 1e10;
}
