import { calcPrice, type ConditionalPrice, type ModelInfo, type ModelPrice, type PriceCalculationResult } from '@pydantic/genai-prices';
import type { TokenUsage } from '../protocol/token-usage.js';

/** How genai-prices is told which provider an endpoint is. */
export type CatalogOptions = { providerId: string } | { providerApiUrl: string };

/**
 * A genai-prices model price, compiled once per endpoint so that a request's cost is a few
 * multiplications instead of a catalog search (calcPrice matches the provider and the model
 * by pattern, then walks its unit lattice, on every call).
 *
 * The arithmetic is calcPrice's own, restricted to the usage Switchyard reports: each priced
 * unit is billed for its own tokens (input minus the cache reads and writes that have their
 * own price, output minus reasoning when reasoning has its own), `price * tokens / per` with
 * the tier chosen by the input tokens, summed per direction (input, output, other) and then
 * in that order, so the result is bit for bit calcPrice's `total_price`. Price keys for units
 * Switchyard never reports (audio, images, pages…) bill 0 tokens in calcPrice too and are
 * left out. Each compiled price is checked against calcPrice when it is built; one that
 * differs (a price shape this code does not know) is priced by calcPrice on every request.
 */

type Leaf = 'input' | 'cacheRead' | 'cacheWrite' | 'output' | 'reasoning' | 'webSearches' | 'requests';
type Bucket = 'input' | 'output' | 'other';

/** The price keys of the units Switchyard reports, with genai-prices' `per` and direction. */
const UNITS: Readonly<Record<string, { leaf: Leaf; per: number; bucket: Bucket }>> = {
  input_mtok: { leaf: 'input', per: 1e6, bucket: 'input' },
  cache_read_mtok: { leaf: 'cacheRead', per: 1e6, bucket: 'input' },
  cache_write_mtok: { leaf: 'cacheWrite', per: 1e6, bucket: 'input' },
  output_mtok: { leaf: 'output', per: 1e6, bucket: 'output' },
  output_reasoning_mtok: { leaf: 'reasoning', per: 1e6, bucket: 'output' },
  web_searches_kcount: { leaf: 'webSearches', per: 1e3, bucket: 'other' },
  requests_kcount: { leaf: 'requests', per: 1e3, bucket: 'other' },
};

interface Tiered {
  base: number;
  /** Ascending by start, as genai-prices sorts them. */
  tiers: { start: number; price: number }[];
}

interface Term {
  leaf: Leaf;
  price: number | Tiered;
  per: number;
  bucket: Bucket;
}

/** One price of a model, compiled: its terms in the order genai-prices sums them. */
interface CompiledPrice {
  terms: Term[];
  tiered: boolean;
  /** Cache reads / writes / reasoning have their own price: they come out of input / output. */
  splitsCacheRead: boolean;
  splitsCacheWrite: boolean;
  splitsReasoning: boolean;
}

/** When a conditional price applies, as genai-prices' ConditionalPrice constraint says. */
type When = { kind: 'always' } | { kind: 'since'; ms: number } | { kind: 'daily'; startSecond: number; endSecond: number };

interface Alternative {
  when: When;
  price: CompiledPrice;
}

function isTiered(value: unknown): value is Tiered {
  return typeof value === 'object' && value !== null && 'base' in value && 'tiers' in value;
}

function compilePrice(price: ModelPrice): CompiledPrice {
  const terms: Term[] = [];
  for (const [key, value] of Object.entries(price)) {
    const unit = UNITS[key];
    if (value === undefined || !unit) continue;
    const compiled = isTiered(value) ? { base: value.base, tiers: [...value.tiers].sort((a, b) => a.start - b.start) } : value;
    terms.push({ ...unit, price: compiled });
  }
  const has = (leaf: Leaf) => terms.some((term) => term.leaf === leaf);
  return {
    terms,
    tiered: terms.some((term) => typeof term.price !== 'number'),
    splitsCacheRead: has('cacheRead'),
    splitsCacheWrite: has('cacheWrite'),
    splitsReasoning: has('reasoning'),
  };
}

/** genai-prices' time-of-day format: `HH:MM:SS[.fff](Z|±HH:MM)`, as seconds after UTC midnight. */
function secondOfDay(time: string): number {
  const match = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$/.exec(time);
  if (!match) throw new Error(`Invalid time-of-day constraint: ${time}`);
  const [, hours, minutes, seconds, fraction = '', zone, sign, offsetHours = '00', offsetMinutes = '00'] = match;
  const local = Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds) + Number(`0.${fraction}`);
  const offset = zone === 'Z' ? 0 : (sign === '+' ? 1 : -1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60;
  return (local - offset + 86_400) % 86_400;
}

function compileWhen(constraint: ConditionalPrice['constraint']): When {
  if (constraint === undefined) return { kind: 'always' };
  if (constraint.type === 'start_date') return { kind: 'since', ms: new Date(constraint.start_date).getTime() };
  return { kind: 'daily', startSecond: secondOfDay(constraint.start_time), endSecond: secondOfDay(constraint.end_time) };
}

function applies(when: When, atMs: number): boolean {
  if (when.kind === 'always') return true;
  if (when.kind === 'since') return atMs >= when.ms;
  const at = new Date(atMs);
  const second = at.getUTCHours() * 3600 + at.getUTCMinutes() * 60 + at.getUTCSeconds() + at.getUTCMilliseconds() / 1000;
  // A window that wraps past midnight (end before start) covers both ends of the day.
  if (when.endSecond < when.startSecond) return second >= when.startSecond || second < when.endSecond;
  return second >= when.startSecond && second < when.endSecond;
}

/** The usage calcPrice is given (see catalogTotal): parts capped at their whole. */
interface Counts {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
  webSearches: number;
}

export function cappedCounts(usage: TokenUsage): Counts {
  const cacheRead = Math.min(usage.cachedTokens, usage.promptTokens);
  return {
    input: usage.promptTokens,
    cacheRead,
    cacheWrite: Math.min(usage.cacheWriteTokens, usage.promptTokens - cacheRead),
    output: usage.completionTokens,
    reasoning: Math.min(usage.reasoningTokens, usage.completionTokens),
    webSearches: usage.webSearchRequests ?? 0,
  };
}

function termCost(term: Term, tokens: number, inputTokens: number): number {
  if (typeof term.price === 'number') return (term.price * tokens) / term.per;
  if (tokens <= 0) return 0;
  let rate = term.price.base;
  for (const tier of term.price.tiers) if (inputTokens > tier.start) rate = tier.price;
  return (((rate * tokens) / 1e6) * 1e6) / term.per;
}

function total(price: CompiledPrice, counts: Counts): number {
  const leaves: Record<Leaf, number> = {
    input: counts.input - (price.splitsCacheRead ? counts.cacheRead : 0) - (price.splitsCacheWrite ? counts.cacheWrite : 0),
    cacheRead: counts.cacheRead,
    cacheWrite: counts.cacheWrite,
    output: counts.output - (price.splitsReasoning ? counts.reasoning : 0),
    reasoning: counts.reasoning,
    webSearches: counts.webSearches,
    requests: 1,
  };
  const inputTokens = price.tiered ? counts.input : 0;
  let input = 0;
  let output = 0;
  let other = 0;
  for (const term of price.terms) {
    const cost = termCost(term, leaves[term.leaf], inputTokens);
    if (term.bucket === 'input') input += cost;
    else if (term.bucket === 'output') output += cost;
    else other += cost;
  }
  return input + output + other;
}

/**
 * genai-prices' own price for one request (calcPrice): the truth that compiled catalog prices
 * reproduce. A null `usage` finds the model without pricing anything.
 */
export function catalogTotal(usage: TokenUsage | null, upstreamModel: string, options: CatalogOptions, atMs?: number): PriceCalculationResult {
  const timestamp = atMs === undefined ? {} : { timestamp: new Date(atMs) };
  if (usage === null) return calcPrice({}, upstreamModel, { ...options, ...timestamp });
  // genai-prices throws on parts larger than their whole; an upstream that over-reports a part is priced as if capped.
  const counts = cappedCounts(usage);
  return calcPrice(
    {
      input_tokens: counts.input,
      cache_read_tokens: counts.cacheRead || undefined,
      cache_write_tokens: counts.cacheWrite || undefined,
      output_tokens: counts.output,
      // Some models price reasoning apart from other output; the others bill it as output.
      output_reasoning_tokens: counts.reasoning || undefined,
      // Priced where genai-prices knows the provider's search fee (Anthropic's); ignored elsewhere.
      web_searches: counts.webSearches || undefined,
    },
    upstreamModel,
    { ...options, ...timestamp },
  );
}

/** Usages the compiled price must price exactly as calcPrice does before it is trusted. */
const PROBES: readonly TokenUsage[] = [
  { promptTokens: 1234, completionTokens: 567, cachedTokens: 300, cacheWriteTokens: 200, reasoningTokens: 89, webSearchRequests: 1 },
  { promptTokens: 1_000_000, completionTokens: 1_000_000, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
  { promptTokens: 300_001, completionTokens: 3, cachedTokens: 250_000, cacheWriteTokens: 50_001, reasoningTokens: 3 },
];

/** A model's catalog price for one endpoint, ready to price requests. */
export class CatalogPrice {
  private constructor(
    private readonly model: string,
    private readonly options: CatalogOptions,
    /** Null: calcPrice prices every request (a price shape the compiler does not reproduce). */
    private readonly alternatives: Alternative[] | null,
    readonly contextWindow: number | null,
  ) {}

  /** Null when genai-prices does not know the model at this provider. */
  static resolve(model: string, options: CatalogOptions): CatalogPrice | null {
    let info: ModelInfo;
    try {
      const found = catalogTotal(null, model, options);
      if (!found) return null;
      info = found.model;
    } catch {
      // A usage genai-prices refuses for this model is priced (and refused) by calcPrice itself.
      return new CatalogPrice(model, options, null, null);
    }
    const contextWindow = info.context_window ?? null;
    const alternatives = Array.isArray(info.prices)
      ? info.prices.map((entry) => ({ when: compileWhen(entry.constraint), price: compilePrice(entry.prices) }))
      : [{ when: { kind: 'always' } as const, price: compilePrice(info.prices) }];
    const compiled = new CatalogPrice(model, options, alternatives, contextWindow);
    return compiled.agreesWithCalcPrice() ? compiled : new CatalogPrice(model, options, null, contextWindow);
  }

  /** True when this price is computed here rather than by calcPrice on every request. */
  get compiled(): boolean {
    return this.alternatives !== null;
  }

  /** USD before rounding, as calcPrice's `total_price`; null when genai-prices has no price. */
  total(usage: TokenUsage, atMs: number = Date.now()): number | null {
    if (!this.alternatives) return catalogTotal(usage, this.model, this.options, atMs)?.total_price ?? null;
    return total(this.priceAt(atMs, this.alternatives), cappedCounts(usage));
  }

  /** genai-prices' choice among conditional prices: the last one that applies, else the first. */
  private priceAt(atMs: number, alternatives: Alternative[]): CompiledPrice {
    for (let i = alternatives.length - 1; i >= 0; i--) {
      const alternative = alternatives[i] as Alternative;
      if (applies(alternative.when, atMs)) return alternative.price;
    }
    return (alternatives[0] as Alternative).price;
  }

  private agreesWithCalcPrice(): boolean {
    const now = Date.now();
    const midnight = now - (now % 86_400_000);
    // Now, and the first moment of each conditional price, so every alternative is checked.
    const instants = (this.alternatives ?? []).map(({ when }) => {
      if (when.kind === 'since') return when.ms;
      if (when.kind === 'daily') return midnight + when.startSecond * 1000;
      return now;
    });
    for (const atMs of [now, ...instants]) {
      for (const usage of PROBES) {
        let expected: number | null;
        try {
          expected = catalogTotal(usage, this.model, this.options, atMs)?.total_price ?? null;
        } catch {
          return false;
        }
        if (expected !== this.total(usage, atMs)) return false;
      }
    }
    return true;
  }
}
