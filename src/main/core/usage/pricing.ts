import { calcPrice } from '@pydantic/genai-prices';
import type { PricingOverride } from '../config/config-schema.js';
import type { TokenUsage } from '../protocol/token-usage.js';

/** Where an endpoint's price comes from: an explicit override, the genai-prices catalog, or free (local). */
export type PriceSource =
  | { kind: 'override'; pricing: PricingOverride }
  | { kind: 'catalog'; providerId?: string; providerApiUrl?: string }
  | { kind: 'free' };

/** USD for one request, or null when the price is unknown. */
export function priceRequest(source: PriceSource, upstreamModel: string, usage: TokenUsage): number | null {
  if (source.kind === 'free') return 0;
  if (source.kind === 'override') return priceWithOverride(source.pricing, usage);
  const options = source.providerId ? { providerId: source.providerId } : { providerApiUrl: source.providerApiUrl };
  if (!options.providerId && !options.providerApiUrl) return null;
  // genai-prices throws on parts larger than their whole; an upstream that over-reports a part is priced as if capped.
  const cacheRead = Math.min(usage.cachedTokens, usage.promptTokens);
  const cacheWrite = Math.min(usage.cacheWriteTokens, usage.promptTokens - cacheRead);
  const result = calcPrice(
    {
      input_tokens: usage.promptTokens,
      cache_read_tokens: cacheRead || undefined,
      cache_write_tokens: cacheWrite || undefined,
      output_tokens: usage.completionTokens,
      // Some models price reasoning apart from other output; the others bill it as output.
      output_reasoning_tokens: Math.min(usage.reasoningTokens, usage.completionTokens) || undefined,
      // Priced where genai-prices knows the provider's search fee (Anthropic's); ignored elsewhere.
      web_searches: usage.webSearchRequests || undefined,
    },
    upstreamModel,
    options,
  );
  return result ? roundUsd(result.total_price) : null;
}

/** Per-token rates for reservations and `max_price` checks; null when unknown. */
export interface TokenRates {
  prompt: number;
  completion: number;
  request: number;
}

export function ratesFor(source: PriceSource, upstreamModel: string): TokenRates | null {
  if (source.kind === 'free') return { prompt: 0, completion: 0, request: 0 };
  if (source.kind === 'override') {
    return {
      prompt: Number(source.pricing.prompt),
      completion: Number(source.pricing.completion),
      request: Number(source.pricing.request ?? 0),
    };
  }
  const perMillion = 1_000_000;
  const prompt = priceRequest(source, upstreamModel, { ...ZERO, promptTokens: perMillion });
  const completion = priceRequest(source, upstreamModel, { ...ZERO, completionTokens: perMillion });
  if (prompt === null || completion === null) return null;
  return { prompt: prompt / perMillion, completion: completion / perMillion, request: 0 };
}

const ZERO: TokenUsage = { promptTokens: 0, completionTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };

function priceWithOverride(p: PricingOverride, u: TokenUsage): number {
  const prompt = Number(p.prompt);
  const cacheRead = p.input_cache_read === undefined ? prompt : Number(p.input_cache_read);
  const cacheWrite = p.input_cache_write === undefined ? prompt : Number(p.input_cache_write);
  const uncached = Math.max(0, u.promptTokens - u.cachedTokens - u.cacheWriteTokens);
  return roundUsd(
    uncached * prompt +
      u.cachedTokens * cacheRead +
      u.cacheWriteTokens * cacheWrite +
      u.completionTokens * Number(p.completion) +
      Number(p.request ?? 0),
  );
}

/** Costs are kept to 1e-10 USD: below any real price, and free of float noise like 0.30000000000000004. */
function roundUsd(value: number): number {
  return Math.round(value * 1e10) / 1e10;
}
