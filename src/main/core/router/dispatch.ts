import { GatewayError } from '../../../shared/errors.js';
import type { GatewayContext } from '../gateway-context.js';
import type { TokenUsage } from '../protocol/token-usage.js';
import type { JsonObject, MappedResponse, Operation, ProviderAdapter, StreamMapper } from '../providers/provider-adapter.js';
import { sendUpstream, upstreamFailure, type UpstreamResponse } from '../providers/upstream-http.js';
import { priceRequest } from '../usage/pricing.js';
import type { RequestLog } from '../usage/request-log.js';
import type { Endpoint } from './catalog.js';

export interface Candidate {
  /** The model id this endpoint serves (the requested one or a `models` fallback). */
  modelId: string;
  endpoint: Endpoint;
}

/** An upstream that accepted the request: its JSON answer, or a stream not yet read. */
export type Dispatched =
  | { kind: 'json'; endpoint: Endpoint; mapped: MappedResponse; costOf: CostFn }
  | { kind: 'stream'; endpoint: Endpoint; body: AsyncIterable<Uint8Array>; mapper: StreamMapper; costOf: CostFn };

export type CostFn = (usage: TokenUsage) => number | null;

export interface DispatchInput {
  op: Operation;
  body: JsonObject;
  stream: boolean;
  log: RequestLog;
  signal: AbortSignal;
}

/** The requested model, then the OpenRouter `models` fallbacks, each with its endpoints in order. */
export function candidatesFor(ctx: GatewayContext, body: JsonObject, model: string): Candidate[] {
  const ids = [model];
  if (Array.isArray(body.models)) {
    for (const id of body.models) if (typeof id === 'string' && !ids.includes(id)) ids.push(id);
  }
  return ids.flatMap((modelId) => ctx.catalog.resolve(modelId).map((endpoint) => ({ modelId, endpoint })));
}

/** Failures another endpoint might not have: worth trying the next candidate (nothing has reached the client yet). */
function isFailover(err: GatewayError): boolean {
  return err.status === 408 || err.status === 429 || err.status >= 500 || err.reason === 'missing_provider_key';
}

export function upstreamHttpError(
  providerId: string,
  status: number,
  headers: UpstreamResponse['headers'],
  text: string,
  adapter: ProviderAdapter,
): GatewayError {
  const detail = adapter.parseError(status, text);
  const metadata = { provider: providerId, ...detail.metadata };
  const retryAfter = headers['retry-after'];
  const extraHeaders = typeof retryAfter === 'string' ? { 'retry-after': retryAfter } : undefined;
  if (status === 401 || status === 403) {
    return new GatewayError(502, 'upstream_auth', `Provider "${providerId}" rejected its API key: ${detail.message}`, metadata);
  }
  if (status === 429) return new GatewayError(429, 'upstream_rate_limited', detail.message, metadata, extraHeaders);
  if (status >= 500) return new GatewayError(502, 'upstream_error', `Provider "${providerId}" failed: ${detail.message}`, metadata);
  if (status >= 300 && status < 400) {
    return new GatewayError(502, 'upstream_redirect', `Provider "${providerId}" answered with a redirect, which is not followed`, metadata);
  }
  return new GatewayError(status, 'upstream_error', detail.message, metadata);
}

/**
 * Tries the candidates in order until one upstream accepts the request. Never writes to the
 * client, so falling back is always safe here. Records every attempt on the log.
 */
export async function dispatch(ctx: GatewayContext, candidates: Candidate[], input: DispatchInput): Promise<Dispatched> {
  const { op, body, stream, log, signal } = input;
  let lastError: GatewayError | undefined;
  for (const { modelId, endpoint } of candidates) {
    const provider = endpoint.provider;
    const adapter = ctx.adapters[provider.family];
    const attempt = { provider: provider.id, model: endpoint.upstreamModel };
    if (!adapter?.supports(op)) {
      log.attempts.push({ ...attempt, outcome: 'skipped', reason: `does not support ${op}` });
      lastError ??= new GatewayError(400, 'unsupported_operation',
        `Provider "${provider.id}" (type ${provider.type}) does not support ${op}`, { provider: provider.id });
      continue;
    }
    const apiKey = await ctx.providerKeys.next(provider);
    if (!apiKey && !provider.local) {
      log.attempts.push({ ...attempt, outcome: 'skipped', reason: 'missing_provider_key' });
      lastError = new GatewayError(400, 'missing_provider_key',
        `No API key for provider "${provider.id}": run \`switchyard keys set ${provider.id}\` or set "apiKeyEnv" in the config`,
        { provider: provider.id });
      continue;
    }
    log.model = modelId;
    log.provider = provider.id;
    log.upstreamModel = endpoint.upstreamModel;
    const costOf: CostFn = (usage) => priceRequest(endpoint.priceSource, endpoint.upstreamModel, usage);
    try {
      const upstream = await sendUpstream(ctx.agent, adapter.buildRequest(op, endpoint, body, apiKey, stream), signal, provider.id);
      if (upstream.statusCode >= 300) {
        const text = await upstream.body.text().catch(() => '');
        throw upstreamHttpError(provider.id, upstream.statusCode, upstream.headers, text, adapter);
      }
      if (stream) {
        log.attempts.push({ ...attempt, outcome: 'ok', status: upstream.statusCode });
        return { kind: 'stream', endpoint, body: upstream.body, mapper: adapter.createStreamMapper(op, endpoint), costOf };
      }
      const mapped = adapter.mapResponse(op, endpoint, await readJson(upstream, provider.id, signal));
      log.attempts.push({ ...attempt, outcome: 'ok', status: upstream.statusCode });
      return { kind: 'json', endpoint, mapped, costOf };
    } catch (err) {
      const error = upstreamFailure(err, provider.id, signal);
      log.attempts.push({ ...attempt, outcome: 'failed', status: error.status, reason: error.reason });
      if (signal.aborted || !isFailover(error)) throw error;
      lastError = error;
    }
  }
  throw lastError ?? new GatewayError(503, 'no_endpoint', 'No endpoint could serve this request');
}

async function readJson(upstream: UpstreamResponse, providerId: string, signal: AbortSignal): Promise<unknown> {
  try {
    return await upstream.body.json();
  } catch (err) {
    if (signal.aborted) throw err;
    throw new GatewayError(502, 'upstream_invalid_response', `Provider "${providerId}" sent a response that is not JSON`, {
      provider: providerId,
    });
  }
}
