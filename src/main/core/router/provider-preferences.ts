import { z } from 'zod';
import { GatewayError } from '../../../shared/errors.js';

export type SortBy = 'price' | 'throughput' | 'latency';

/** OpenRouter's `provider` request object, normalised: slugs lowercased, prices in USD per token. */
export interface ProviderPreferences {
  order: readonly string[] | undefined;
  only: ReadonlySet<string> | undefined;
  ignore: ReadonlySet<string> | undefined;
  allowFallbacks: boolean;
  sort: SortBy | undefined;
  /** "model": sort within each model of the `models` list; "none": across all of them. */
  partition: 'model' | 'none';
  requireParameters: boolean;
  dataCollection: 'allow' | 'deny';
  zdr: boolean;
  maxPrice: MaxPrice | undefined;
}

/** USD per prompt/completion token and per request. */
export interface MaxPrice {
  prompt?: number;
  completion?: number;
  request?: number;
}

export const NO_PREFERENCES: ProviderPreferences = Object.freeze({
  order: undefined,
  only: undefined,
  ignore: undefined,
  allowFallbacks: true,
  sort: undefined,
  partition: 'model',
  requireParameters: false,
  dataCollection: 'allow',
  zdr: false,
  maxPrice: undefined,
});

const slugs = z.array(z.string().min(1)).nullish();
const sortBy = z.enum(['price', 'throughput', 'latency']);
/** OpenRouter takes prices as numbers or decimal strings. */
const usd = z.union([
  z.number().nonnegative(),
  z.string().regex(/^\d+(\.\d+)?(e-?\d+)?$/i, 'must be a non-negative number').transform(Number),
]);

/**
 * Known fields are checked (a wrong type is a 400 naming it); unknown ones, such as
 * `quantizations`, are ignored as OpenRouter clients may send fields this gateway has no data for.
 */
const providerSchema = z.object({
  order: slugs,
  only: slugs,
  ignore: slugs,
  allow_fallbacks: z.boolean().nullish(),
  require_parameters: z.boolean().nullish(),
  data_collection: z.enum(['allow', 'deny']).nullish(),
  zdr: z.boolean().nullish(),
  sort: z
    .union([sortBy, z.object({ by: sortBy.nullish(), partition: z.enum(['model', 'none']).nullish() })])
    .nullish(),
  /** OpenRouter's max_price: USD per million prompt/completion tokens, USD per request. */
  max_price: z
    .object({ prompt: usd.nullish(), completion: usd.nullish(), request: usd.nullish() })
    .nullish(),
});

const lower = (list: readonly string[]) => list.map((s) => s.toLowerCase());

export function parseProviderPreferences(raw: unknown): ProviderPreferences {
  if (raw === undefined || raw === null) return NO_PREFERENCES;
  const parsed = providerSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = ['provider', ...(issue?.path ?? []).map(String)].join('.');
    throw new GatewayError(400, 'invalid_request', `Invalid "${param}": ${issue?.message ?? 'invalid value'}`, { param });
  }
  const p = parsed.data;
  const sort = typeof p.sort === 'string' ? p.sort : (p.sort?.by ?? undefined);
  const partition = typeof p.sort === 'object' && p.sort?.partition === 'none' ? 'none' : 'model';
  let maxPrice: MaxPrice | undefined;
  if (p.max_price) {
    maxPrice = {};
    if (p.max_price.prompt != null) maxPrice.prompt = p.max_price.prompt / 1_000_000;
    if (p.max_price.completion != null) maxPrice.completion = p.max_price.completion / 1_000_000;
    if (p.max_price.request != null) maxPrice.request = p.max_price.request;
  }
  return {
    order: p.order ? lower(p.order) : undefined,
    only: p.only ? new Set(lower(p.only)) : undefined,
    ignore: p.ignore ? new Set(lower(p.ignore)) : undefined,
    allowFallbacks: p.allow_fallbacks ?? true,
    sort,
    partition,
    requireParameters: p.require_parameters ?? false,
    dataCollection: p.data_collection ?? 'allow',
    zdr: p.zdr ?? false,
    maxPrice,
  };
}
