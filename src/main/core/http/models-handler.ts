import { GatewayError } from '../../../shared/errors.js';
import type { GatewayContext } from '../gateway-context.js';
import { endpointKey, type CatalogModel, type Endpoint } from '../router/catalog.js';
import { OPENAI_CHAT_PARAMETERS } from '../router/request-parameters.js';
import type { TokenRates } from '../usage/pricing.js';

const CREATED = Math.floor(Date.now() / 1000);

/** Providers known to cache long prompts on their own, without cache_control markers. */
const IMPLICIT_CACHING = new Set(['openai', 'deepseek', 'google', 'xai']);

/** OpenRouter writes per-token prices as plain decimals ("0.00000015"), never in exponent form. */
function decimalUsd(value: number): string {
  if (value === 0) return '0';
  return value.toFixed(12).replace(/0+$/, '').replace(/\.$/, '');
}

function pricingOf(endpoint: Endpoint, rates: TokenRates) {
  const configured = endpoint.priceSource.kind === 'override' ? endpoint.priceSource.pricing : undefined;
  const pricing: Record<string, string> = {
    prompt: configured?.prompt ?? decimalUsd(rates.prompt),
    completion: configured?.completion ?? decimalUsd(rates.completion),
    request: configured?.request ?? decimalUsd(rates.request),
    image: '0',
    web_search: '0',
    internal_reasoning: '0',
  };
  if (endpoint.priceSource.kind === 'override') {
    const { input_cache_read: read, input_cache_write: write } = endpoint.priceSource.pricing;
    if (read !== undefined) pricing.input_cache_read = read;
    if (write !== undefined) pricing.input_cache_write = write;
  }
  return pricing;
}

/**
 * OpenRouter's schemas require a price; "-1" is what OpenRouter itself lists for a model whose
 * price is not fixed in advance (its auto router). Here it means the price is unknown: such a
 * model's cost is logged as unknown and a spend-limited key cannot use it.
 */
const UNKNOWN_PRICING = { prompt: '-1', completion: '-1' };

function union(lists: Iterable<readonly string[]>): string[] {
  const all = new Set<string>();
  for (const list of lists) for (const item of list) all.add(item);
  return [...all];
}

function architecture(input: string[], output: string[]) {
  return {
    modality: `${input.join('+')}->${output.join('+')}`,
    input_modalities: input,
    output_modalities: output,
    tokenizer: 'Other',
    instruct_type: null,
  };
}

/**
 * OpenAI's model object plus OpenRouter's fields (name, context_length, architecture,
 * pricing in USD per token as strings, supported_parameters). A model with several endpoints
 * shows its cheapest known price, as routing prefers it by default.
 */
function describe(ctx: GatewayContext, model: CatalogModel) {
  const infos = model.endpoints.map((e) => ctx.catalog.info(e));
  let cheapest: { endpoint: Endpoint; rates: TokenRates } | undefined;
  for (const endpoint of model.endpoints) {
    const rates = ctx.routing.ratesOf(endpoint);
    if (rates && (!cheapest || rates.prompt + rates.completion < cheapest.rates.prompt + cheapest.rates.completion)) {
      cheapest = { endpoint, rates };
    }
  }
  const contextLengths = infos.flatMap((i) => (i.contextLength === null ? [] : [i.contextLength]));
  const contextLength = contextLengths.length > 0 ? Math.max(...contextLengths) : null;
  const owner = model.id.includes('/') ? (model.id.split('/', 1)[0] as string) : 'switchyard';
  return {
    id: model.id,
    canonical_slug: model.id,
    object: 'model',
    created: CREATED,
    owned_by: owner,
    name: (infos.length === 1 ? infos[0]?.name : null) ?? model.id,
    description: '',
    context_length: contextLength,
    architecture: architecture(union(infos.map((i) => i.inputModalities)), union(infos.map((i) => i.outputModalities))),
    pricing: cheapest ? pricingOf(cheapest.endpoint, cheapest.rates) : UNKNOWN_PRICING,
    top_provider: { context_length: contextLength, max_completion_tokens: null, is_moderated: false },
    per_request_limits: null,
    default_parameters: null,
    supported_voices: null,
    links: { details: `/api/v1/models/${model.id}/endpoints` },
    supported_parameters: union(infos.map((i) => i.supportedParameters ?? OPENAI_CHAT_PARAMETERS)),
    endpoints: model.endpoints.map((e) => ({ provider: e.provider.id, model: e.upstreamModel })),
  };
}

export function listModels(ctx: GatewayContext) {
  const data = ctx.catalog.models().map((m) => describe(ctx, m));
  // One page holds every model: there is no next one.
  return { object: 'list', data, total_count: data.length, links: { next: null } };
}

function resolveOr404(ctx: GatewayContext, id: string): Endpoint[] {
  const endpoints = ctx.catalog.resolve(id);
  if (endpoints.length === 0) throw new GatewayError(404, 'model_not_found', `Model "${id}" is not served by any configured provider`);
  return endpoints;
}

export function getModel(ctx: GatewayContext, id: string) {
  return describe(ctx, { id, endpoints: resolveOr404(ctx, id) });
}

const MINUTE = 60_000;

/**
 * GET /v1/models/{id}/endpoints in OpenRouter's shape: each endpoint with its price, uptime,
 * latency (time to first token, ms) and throughput (tokens/s) from this gateway's own usage
 * log, plus `health`: the last-hour figures routing uses and the endpoint's circuit state.
 * `status` is 0 while the endpoint is served and -1 while it cools down after failures.
 */
export function listEndpoints(ctx: GatewayContext, id: string) {
  const resolved = resolveOr404(ctx, id);
  const model = describe(ctx, { id, endpoints: resolved });
  const endpoints = resolved.map((endpoint) => {
    const info = ctx.catalog.info(endpoint);
    const key = endpointKey(endpoint);
    const rates = ctx.routing.ratesOf(endpoint);
    const health = ctx.routing.health;
    const last30m = health.window(key, 30 * MINUTE);
    const last5m = health.window(key, 5 * MINUTE);
    const summary = health.summary(key);
    const circuit = ctx.routing.breaker.state(key);
    const cooldownUntil = ctx.routing.breaker.openUntil(key);
    const parameters = info.supportedParameters ?? OPENAI_CHAT_PARAMETERS;
    const tools = parameters.includes('tool_choice');
    return {
      name: `${endpoint.provider.id}: ${info.name ?? endpoint.upstreamModel}`,
      model_id: id,
      model_name: info.name ?? endpoint.upstreamModel,
      upstream_model: endpoint.upstreamModel,
      // OpenRouter's schema needs a number: 0 says the window is unknown.
      context_length: info.contextLength ?? 0,
      pricing: rates ? pricingOf(endpoint, rates) : UNKNOWN_PRICING,
      provider_name: endpoint.provider.id,
      tag: endpoint.provider.id,
      quantization: 'unknown',
      max_completion_tokens: null,
      max_prompt_tokens: null,
      supported_parameters: [...parameters],
      supports_tool_choice: { auto: tools, none: tools, required: tools, function: tools },
      status: circuit === 'closed' ? 0 : -1,
      uptime_last_5m: last5m.uptime,
      uptime_last_30m: last30m.uptime,
      uptime_last_1d: null,
      supports_implicit_caching: IMPLICIT_CACHING.has(endpoint.provider.type),
      latency_last_30m: last30m.latency,
      throughput_last_30m: last30m.throughput,
      health: {
        window: '1h',
        requests: summary?.requests ?? 0,
        errors: summary?.errors ?? 0,
        rate_limited: summary?.rateLimited ?? 0,
        error_rate: summary?.errorRate ?? null,
        latency_p50_ms: summary?.latencyP50 ?? null,
        throughput_p50: summary?.throughputP50 ?? null,
        circuit,
        cooldown_until: cooldownUntil === undefined ? null : new Date(cooldownUntil).toISOString(),
      },
    };
  });
  return {
    data: {
      id: model.id,
      name: model.name,
      created: model.created,
      description: model.description,
      architecture: model.architecture,
      endpoints,
    },
  };
}
