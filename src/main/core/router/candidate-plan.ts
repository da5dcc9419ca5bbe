import { GatewayError } from '../../../shared/errors.js';
import type { GatewayContext } from '../gateway-context.js';
import type { JsonObject } from '../providers/provider-adapter.js';
import { endpointKey, type Endpoint, type ResolvedProvider } from './catalog.js';
import { asksForWebSearch, splitVariant, VARIANT_SORT, WEB_SEARCH_PROVIDERS, webSearchRoute, type Variant } from './model-variants.js';
import { NO_PREFERENCES, parseProviderPreferences, type ProviderPreferences, type SortBy } from './provider-preferences.js';
import { OPENAI_CHAT_PARAMETERS, requestParameters, usesTools } from './request-parameters.js';
import type { RoutingState } from './routing-state.js';

/** Why routing passes over an endpoint: a short code for machines, a sentence for people. */
export interface SkipReason {
  reason: string;
  detail: string;
  /** For an endpoint cooling down: when it may be tried again. */
  retryInMs?: number;
}

export interface Candidate {
  /** The model id this endpoint serves (the requested one or a `models` fallback, without its variant). */
  modelId: string;
  endpoint: Endpoint;
  /** Set when a filter (provider preferences, a variant, a limit) rules the endpoint out; dispatch records it and moves on. */
  skip?: SkipReason;
  /** Body fields this endpoint needs on top of the request's own (native web search). */
  extraBody?: JsonObject;
  /** Default routing: cache stickiness may bring this endpoint to the front of its model's turn. */
  sticky?: boolean;
}

interface Ranked {
  candidate: Candidate;
  index: number;
  degraded: boolean;
  price: number;
  metric: number;
}

/**
 * The requested model, then the OpenRouter `models` fallbacks, each with its endpoints ordered
 * by the request's `provider` preferences and variant. Endpoints a filter rules out come first
 * in their model's turn, marked with the reason, so the generation record explains them.
 * An unusable `provider` object or `models` list is a 400.
 */
export function candidatesFor(ctx: GatewayContext, body: JsonObject, model: string): Candidate[] {
  const prefs = parseProviderPreferences(body.provider);
  const webPlugin = asksForWebSearch(body);
  const out: Candidate[] = [];
  const isModel = (id: string) => ctx.catalog.resolve(id).length > 0;
  for (const requested of modelIds(model, body.models)) {
    const { id, variant } = splitVariant(requested, isModel);
    const endpoints = ctx.catalog.resolve(id);
    if (endpoints.length === 0) continue;
    const online = webPlugin || variant === 'online';
    if (endpoints.length === 1 && prefs === NO_PREFERENCES && variant === undefined && !online) {
      const endpoint = endpoints[0] as Endpoint;
      const skip = toolSupport(ctx, endpoint, body) ?? coolingDown(ctx.routing, endpoint);
      out.push(skip ? { modelId: id, endpoint, skip } : { modelId: id, endpoint });
      continue;
    }
    planModel(ctx, { body, prefs, modelId: id, variant, online }, endpoints, out);
  }
  if (prefs.partition === 'none' && prefs.sort) return sortAcrossModels(ctx.routing, out, prefs.sort);
  return out;
}

function modelIds(model: string, fallbacks: unknown): string[] {
  if (fallbacks === undefined || fallbacks === null) return [model];
  if (!Array.isArray(fallbacks) || !fallbacks.every((m): m is string => typeof m === 'string' && m.length > 0)) {
    throw new GatewayError(400, 'invalid_request', 'Invalid "models": must be an array of model ids', { param: 'models' });
  }
  const ids = [model];
  for (const id of fallbacks) if (!ids.includes(id)) ids.push(id);
  return ids;
}

interface ModelTurn {
  body: JsonObject;
  prefs: ProviderPreferences;
  modelId: string;
  variant: Variant | undefined;
  online: boolean;
}

function planModel(ctx: GatewayContext, turn: ModelTurn, endpoints: readonly Endpoint[], out: Candidate[]): void {
  const { prefs, modelId } = turn;
  const skipped: Candidate[] = [];
  let eligible: Candidate[] = [];
  let parameters: string[] | undefined;
  for (const endpoint of endpoints) {
    let skip = preferenceFilter(ctx, turn, endpoint);
    if (!skip) {
      if (prefs.requireParameters) parameters ??= requestParameters(turn.body);
      skip = parameters ? parameterSupport(ctx, endpoint, parameters) : toolSupport(ctx, endpoint, turn.body);
    }
    // Last, so `circuit_open` marks an endpoint this request could use once it has cooled down.
    skip ??= coolingDown(ctx.routing, endpoint);
    if (skip) {
      skipped.push({ modelId, endpoint, skip });
      continue;
    }
    if (!turn.online) {
      eligible.push({ modelId, endpoint });
      continue;
    }
    const search = webSearchRoute(endpoint);
    if (!search) {
      skipped.push({ modelId, endpoint, skip: noWebSearch(endpoint.provider) });
      continue;
    }
    eligible.push(search.extraBody ? { modelId, endpoint: search.endpoint, extraBody: search.extraBody } : { modelId, endpoint: search.endpoint });
  }

  const sort = prefs.sort ?? (turn.variant ? VARIANT_SORT[turn.variant] : undefined);
  if (prefs.order) {
    const order = prefs.order;
    const position = (c: Candidate) => {
      const i = order.findIndex((slug) => matchesSlug(c.endpoint.provider, slug));
      return i < 0 ? order.length : i;
    };
    const listed = eligible.filter((c) => position(c) < order.length);
    const rest = rank(ctx.routing, eligible.filter((c) => position(c) === order.length), sort);
    eligible = [...listed.sort((a, b) => position(a) - position(b)), ...rest];
    if (!prefs.allowFallbacks) {
      eligible = cutFallbacks(eligible, listed.length, 'not in provider.order, and allow_fallbacks is false', skipped);
    }
  } else {
    eligible = rank(ctx.routing, eligible, sort);
    if (!prefs.allowFallbacks) eligible = cutFallbacks(eligible, 1, 'allow_fallbacks is false: only the first choice is used', skipped);
    if (!sort && eligible.length > 1) for (const c of eligible) c.sticky = true;
  }
  out.push(...skipped, ...eligible);
}

/** An open circuit keeps the endpoint out until its cooldown ends (then one request probes it). */
function coolingDown(routing: RoutingState, endpoint: Endpoint): SkipReason | undefined {
  const blockedMs = routing.breaker.blockedForMs(endpointKey(endpoint));
  if (blockedMs === undefined) return undefined;
  return {
    reason: 'circuit_open',
    detail: `cooling down after repeated failures; probed again in ${Math.max(1, Math.ceil(blockedMs / 1000))} s`,
    retryInMs: blockedMs,
  };
}

function cutFallbacks(eligible: Candidate[], keep: number, detail: string, skipped: Candidate[]): Candidate[] {
  for (const c of eligible.slice(keep)) skipped.push({ ...c, skip: { reason: 'fallbacks_disabled', detail } });
  return eligible.slice(0, keep);
}

/** OpenRouter provider slugs name a provider: here its config id or its type (`openai`, `groq`, …). */
function matchesSlug(provider: ResolvedProvider, slug: string): boolean {
  return provider.id === slug || provider.type === slug;
}

function matchesAny(provider: ResolvedProvider, slugs: ReadonlySet<string>): boolean {
  return slugs.has(provider.id) || slugs.has(provider.type);
}

function preferenceFilter(ctx: GatewayContext, turn: ModelTurn, endpoint: Endpoint): SkipReason | undefined {
  const { prefs } = turn;
  const provider = endpoint.provider;
  if (prefs.ignore && matchesAny(provider, prefs.ignore)) {
    return { reason: 'provider_ignored', detail: `provider "${provider.id}" is in provider.ignore` };
  }
  if (prefs.only && !matchesAny(provider, prefs.only)) {
    return { reason: 'provider_not_allowed', detail: `provider "${provider.id}" is not in provider.only` };
  }
  if (turn.variant === 'free' || prefs.maxPrice) return priceFilter(ctx.routing, turn, endpoint);
  return undefined;
}

const perMillion = (usdPerToken: number) => `$${+(usdPerToken * 1_000_000).toPrecision(6)}/M`;

function priceFilter(routing: RoutingState, turn: ModelTurn, endpoint: Endpoint): SkipReason | undefined {
  const rates = routing.ratesOf(endpoint);
  if (turn.variant === 'free') {
    if (!rates) return { reason: 'not_free', detail: ':free needs a price of 0, and this price is unknown' };
    if (rates.prompt > 0 || rates.completion > 0 || rates.request > 0) {
      return { reason: 'not_free', detail: `:free needs a price of 0; this endpoint costs ${perMillion(rates.prompt)} prompt, ${perMillion(rates.completion)} completion` };
    }
  }
  const max = turn.prefs.maxPrice;
  if (!max) return undefined;
  if (!rates) return { reason: 'max_price', detail: 'max_price is set and this price is unknown' };
  if (max.prompt !== undefined && rates.prompt > max.prompt) {
    return { reason: 'max_price', detail: `prompt costs ${perMillion(rates.prompt)}, over max_price.prompt ${perMillion(max.prompt)}` };
  }
  if (max.completion !== undefined && rates.completion > max.completion) {
    return { reason: 'max_price', detail: `completion costs ${perMillion(rates.completion)}, over max_price.completion ${perMillion(max.completion)}` };
  }
  if (max.request !== undefined && rates.request > max.request) {
    return { reason: 'max_price', detail: `a request costs $${rates.request}, over max_price.request $${max.request}` };
  }
  return undefined;
}

function parameterSupport(ctx: GatewayContext, endpoint: Endpoint, parameters: readonly string[]): SkipReason | undefined {
  const supported = ctx.catalog.info(endpoint).supportedParameters ?? OPENAI_CHAT_PARAMETERS;
  const missing = parameters.filter((p) => !supported.includes(p));
  if (missing.length === 0) return undefined;
  return { reason: 'unsupported_parameters', detail: `require_parameters is set and this endpoint does not support ${missing.join(', ')}` };
}

function toolSupport(ctx: GatewayContext, endpoint: Endpoint, body: JsonObject): SkipReason | undefined {
  const declared = ctx.catalog.info(endpoint).supportedParameters;
  if (!declared || declared.includes('tools') || !usesTools(body)) return undefined;
  return { reason: 'unsupported_parameters', detail: 'the request uses tools and this endpoint does not support them' };
}

function noWebSearch(provider: ResolvedProvider): SkipReason {
  return {
    reason: 'no_web_search',
    detail: `provider "${provider.id}" (type ${provider.type}) has no native web search; :online works with providers of type ${WEB_SEARCH_PROVIDERS}`,
  };
}

/**
 * Default order: healthy endpoints before degraded ones, then cheaper first, then config
 * order. With `sort`, the sorted attribute decides first; endpoints without data go last.
 */
function rank(routing: RoutingState, candidates: Candidate[], sort: SortBy | undefined): Candidate[] {
  if (candidates.length < 2) return candidates;
  const ranked = candidates.map((candidate, index) => decorate(routing, candidate, index, sort));
  ranked.sort(compareRanked);
  return ranked.map((r) => r.candidate);
}

function sortAcrossModels(routing: RoutingState, candidates: Candidate[], sort: SortBy): Candidate[] {
  const skipped = candidates.filter((c) => c.skip);
  const ranked = candidates.filter((c) => !c.skip).map((c, index) => decorate(routing, c, index, sort));
  ranked.sort(compareRanked);
  return [...skipped, ...ranked.map((r) => ({ ...r.candidate, sticky: false }))];
}

function decorate(routing: RoutingState, candidate: Candidate, index: number, sort: SortBy | undefined): Ranked {
  const key = endpointKey(candidate.endpoint);
  const rates = routing.ratesOf(candidate.endpoint);
  const price = rates ? rates.prompt + rates.completion : Number.POSITIVE_INFINITY;
  let metric = 0;
  if (sort === 'price') metric = price;
  else if (sort === 'throughput') metric = -(routing.health.summary(key)?.throughputP50 ?? Number.NEGATIVE_INFINITY);
  else if (sort === 'latency') metric = routing.health.summary(key)?.latencyP50 ?? Number.POSITIVE_INFINITY;
  return { candidate, index, degraded: routing.isDegraded(key), price, metric };
}

function compareRanked(a: Ranked, b: Ranked): number {
  if (a.metric !== b.metric) return a.metric < b.metric ? -1 : 1;
  if (a.degraded !== b.degraded) return a.degraded ? 1 : -1;
  if (a.price !== b.price) return a.price < b.price ? -1 : 1;
  return a.index - b.index;
}
