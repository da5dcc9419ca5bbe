import { GatewayError } from '../../../shared/errors.js';
import type { GatewayContext } from '../gateway-context.js';
import { redactSecret } from '../policy/redact-secret.js';
import type { EventRestorer } from '../policy/redaction/restore-response.js';
import type { TokenUsage } from '../protocol/token-usage.js';
import type { JsonObject, MappedResponse, Operation, ProviderAdapter, StreamMapper } from '../providers/provider-adapter.js';
import { sendUpstream, upstreamFailure, type UpstreamResponse } from '../providers/upstream-http.js';
import type { RequestLog } from '../usage/request-log.js';
import type { AttemptRecord } from '../usage/usage-record.js';
import type { Candidate, SkipReason } from './candidate-plan.js';
import { endpointKey, type Endpoint } from './catalog.js';
import { isEndpointFault, isFailover, isKeyFailure, retryAfterMs, sameEndpointDelay, sleep } from './retry-policy.js';
import type { CancelSignal } from '../providers/request-cancel.js';

export { candidatesFor, type Candidate, type SkipReason } from './candidate-plan.js';

/** An upstream that accepted the request: its JSON answer, or a stream not yet read. */
export type Dispatched =
  | { kind: 'json'; modelId: string; endpoint: Endpoint; mapped: MappedResponse; costOf: CostFn }
  | {
      kind: 'stream';
      modelId: string;
      endpoint: Endpoint;
      body: AsyncIterable<Uint8Array>;
      mapper: StreamMapper;
      costOf: CostFn;
      /** For relays of an upstream's own events (Anthropic to /v1/messages, Responses, Gemini): redaction placeholders restored. */
      restore?: EventRestorer;
    };

export type CostFn = (usage: TokenUsage) => number | null;

export interface DispatchInput {
  op: Operation;
  body: JsonObject;
  stream: boolean;
  log: RequestLog;
  signal: CancelSignal;
}

/** Maps an upstream HTTP error; `apiKey` is scrubbed from the upstream's text first (some quote the key they got). */
export function upstreamHttpError(
  providerId: string,
  status: number,
  headers: UpstreamResponse['headers'],
  text: string,
  adapter: ProviderAdapter,
  apiKey?: string,
): GatewayError {
  const detail = adapter.parseError(status, redactSecret(text, apiKey));
  const metadata = { provider: providerId, ...detail.metadata };
  const retryAfter = headers['retry-after'];
  const extraHeaders = typeof retryAfter === 'string' ? { 'retry-after': retryAfter } : undefined;
  if (status === 401 || status === 403) {
    return new GatewayError(502, 'upstream_auth', `Provider "${providerId}" rejected its API key: ${detail.message}`, metadata);
  }
  if (status === 429) return new GatewayError(429, 'upstream_rate_limited', detail.message, metadata, extraHeaders);
  if (status >= 500) {
    return new GatewayError(502, 'upstream_error', `Provider "${providerId}" failed: ${detail.message}`, metadata, extraHeaders);
  }
  if (status >= 300 && status < 400) {
    return new GatewayError(502, 'upstream_redirect', `Provider "${providerId}" answered with a redirect, which is not followed`, metadata);
  }
  return new GatewayError(status, 'upstream_error', detail.message, metadata);
}

/** What one request's dispatch has gathered so far, across endpoints. */
interface DispatchRun {
  waitedMs: number;
  lastError: GatewayError | undefined;
  /** Skips by reason code, to explain the answer when no endpoint was tried at all. */
  skips: Map<string, SkipReason[]>;
  /** Soonest end of an open circuit among skipped endpoints. */
  soonestProbeMs: number | undefined;
}

/**
 * Tries the candidates in order until one upstream accepts the request, retrying an endpoint
 * where waiting helps and moving on where another endpoint is the better bet. Never writes to
 * the client, so falling back is always safe here. Every skip, try and retry is recorded on
 * the log, in order, with its reason.
 */
export async function dispatch(ctx: GatewayContext, candidates: Candidate[], input: DispatchInput): Promise<Dispatched> {
  const run: DispatchRun = { waitedMs: 0, lastError: undefined, skips: new Map(), soonestProbeMs: undefined };
  const { list, conversation, pinned } = withCacheAffinity(ctx, candidates, input);
  try {
    for (const candidate of list) {
      const dispatched = await tryCandidate(ctx, candidate, input, run, candidate === pinned);
      if (!dispatched) continue;
      if (conversation && candidate.sticky) ctx.routing.affinity.remember(conversation, endpointKey(candidate.endpoint));
      return dispatched;
    }
  } catch (err) {
    throw withGenerationId(err, input.log.id);
  }
  throw withGenerationId(run.lastError ?? nothingTried(input.log.model, run), input.log.id);
}

/** A failed request has a generation record too (its attempts explain the failure): the error names it. */
function withGenerationId(err: unknown, id: string): unknown {
  if (!(err instanceof GatewayError)) return err;
  return new GatewayError(err.status, err.reason, err.message, err.metadata, { ...err.headers, 'x-generation-id': id });
}

function skip(input: DispatchInput, candidate: Candidate, run: DispatchRun, why: SkipReason): void {
  const { endpoint, modelId } = candidate;
  const attempt: AttemptRecord = {
    provider: endpoint.provider.id,
    model: endpoint.upstreamModel,
    model_id: modelId,
    outcome: 'skipped',
    reason: why.reason,
    detail: why.detail,
  };
  input.log.attempts.push(attempt);
  if (why.retryInMs !== undefined) run.soonestProbeMs = Math.min(run.soonestProbeMs ?? Number.POSITIVE_INFINITY, why.retryInMs);
  const same = run.skips.get(why.reason);
  if (same) same.push(why);
  else run.skips.set(why.reason, [why]);
}

/** One endpoint: its tries (retries, key switches), or undefined to move on to the next candidate. */
async function tryCandidate(
  ctx: GatewayContext,
  candidate: Candidate,
  input: DispatchInput,
  run: DispatchRun,
  pinned: boolean,
): Promise<Dispatched | undefined> {
  const { op, body, stream, log, signal } = input;
  const { modelId, endpoint } = candidate;
  const provider = endpoint.provider;
  if (candidate.skip) {
    skip(input, candidate, run, candidate.skip);
    return undefined;
  }
  const adapter = ctx.adapters[provider.family];
  if (!adapter?.supports(op)) {
    skip(input, candidate, run, { reason: 'unsupported_operation', detail: `provider type ${provider.type} does not support ${op}` });
    run.lastError ??= new GatewayError(400, 'unsupported_operation',
      `Provider "${provider.id}" (type ${provider.type}) does not support ${op}`, { provider: provider.id });
    return undefined;
  }
  const routing = ctx.routing;
  const key = endpointKey(endpoint);
  const admission = routing.breaker.admit(key);
  if (!admission.admitted) {
    // Opened (or taken for a probe) by a concurrent request since the plan was made.
    const seconds = Math.max(1, Math.ceil(admission.retryInMs / 1000));
    skip(input, candidate, run, {
      reason: 'circuit_open',
      detail: `cooling down after repeated failures; probed again in ${seconds} s`,
      retryInMs: admission.retryInMs,
    });
    return undefined;
  }

  let apiKey: string | undefined;
  try {
    apiKey = await ctx.providerKeys.next(provider);
  } catch (err) {
    routing.breaker.release(key);
    throw err;
  }
  if (!apiKey && !provider.local) {
    routing.breaker.release(key);
    skip(input, candidate, run, { reason: 'missing_provider_key', detail: `no API key for provider "${provider.id}"` });
    run.lastError = new GatewayError(400, 'missing_provider_key',
      `No API key for provider "${provider.id}": run \`switchyard keys set ${provider.id}\` or set "apiKeyEnv" in the config`,
      { provider: provider.id });
    return undefined;
  }

  const requestBody = candidate.extraBody ? { ...candidate.extraBody, ...body } : body;
  const costOf: CostFn = (usage) => endpoint.price.cost(usage);
  let triedKeys: Set<string> | undefined;
  let waited = 0;
  for (let tries = 1; ; tries++) {
    log.model = modelId;
    log.provider = provider.id;
    log.upstreamModel = endpoint.upstreamModel;
    const startedAt = performance.now();
    const attempt: AttemptRecord = {
      provider: provider.id,
      model: endpoint.upstreamModel,
      model_id: modelId,
      outcome: 'ok',
      try: tries,
      start_ms: round(startedAt - log.startedAt),
    };
    if (waited > 0) attempt.wait_ms = waited;
    if (admission.probe && tries === 1) attempt.detail = 'probe after a cooldown';
    if (pinned && tries === 1) attempt.detail = 'same endpoint as earlier turns of this conversation (prompt cache)';
    let retryAfter: number | undefined;
    try {
      const upstream = await sendUpstream(ctx.agent, adapter.buildRequest(op, endpoint, requestBody, apiKey, stream), signal, provider.id);
      if (upstream.statusCode >= 300) {
        const text = await upstream.body.text().catch(() => '');
        retryAfter = retryAfterMs(upstream.headers);
        throw upstreamHttpError(provider.id, upstream.statusCode, upstream.headers, text, adapter, apiKey);
      }
      if (stream) {
        finishAttempt(log, attempt, startedAt, upstream.statusCode);
        const mapper = renameModel(adapter.createStreamMapper(op, endpoint, requestBody), modelId);
        return { kind: 'stream', modelId, endpoint, body: upstream.body, mapper, costOf };
      }
      const mapped = adapter.mapResponse(op, endpoint, await readJson(upstream, provider.id, signal), requestBody);
      mapped.body.model = modelId;
      finishAttempt(log, attempt, startedAt, upstream.statusCode);
      return { kind: 'json', modelId, endpoint, mapped, costOf };
    } catch (err) {
      const error = upstreamFailure(err, provider.id, signal);
      attempt.outcome = 'failed';
      attempt.reason = error.reason;
      attempt.detail = error.message;
      finishAttempt(log, attempt, startedAt, error.status);
      if (signal.aborted) {
        routing.breaker.release(key);
        throw error;
      }
      if (isEndpointFault(error.reason, error.status)) routing.breaker.failure(key);
      else if (isKeyFailure(error)) routing.breaker.release(key);
      else routing.breaker.success(key);
      if (!isFailover(error)) throw error;
      run.lastError = error;

      if (apiKey && isKeyFailure(error)) {
        ctx.providerKeys.coolDown(provider, apiKey, retryAfter ?? routing.settings.keyCooldownMs);
        (triedKeys ??= new Set()).add(apiKey);
        const other = await ctx.providerKeys.next(provider);
        if (other && !triedKeys.has(other) && !ctx.providerKeys.isCooling(provider, other)) {
          apiKey = other;
          waited = 0;
          continue;
        }
      }
      if (routing.breaker.state(key) !== 'closed') return undefined;
      const delay = sameEndpointDelay(error, { tries, waitedMs: run.waitedMs, retryAfterMs: retryAfter }, routing.settings);
      if (delay === undefined) return undefined;
      await sleep(delay, signal);
      run.waitedMs += delay;
      waited = delay;
    }
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function finishAttempt(log: RequestLog, attempt: AttemptRecord, startedAt: number, status: number): void {
  attempt.status = status;
  attempt.duration_ms = round(performance.now() - startedAt);
  log.attempts.push(attempt);
}

/**
 * Consecutive turns of one conversation go to the endpoint that answered the last one (its
 * prompt cache is warm there) while that endpoint is healthy. Only in default routing: an
 * explicit `order` or `sort` wins.
 */
function withCacheAffinity(
  ctx: GatewayContext,
  candidates: Candidate[],
  input: DispatchInput,
): { list: Candidate[]; conversation: string | undefined; pinned: Candidate | undefined } {
  const firstIndex = candidates.findIndex((c) => !c.skip);
  const first = candidates[firstIndex];
  if (!first?.sticky) return { list: candidates, conversation: undefined, pinned: undefined };
  const affinity = ctx.routing.affinity;
  const conversation = affinity.conversationKey(input.log.appKeyId, first.modelId, input.body);
  const remembered = conversation === undefined ? undefined : affinity.get(conversation);
  if (remembered === undefined) return { list: candidates, conversation, pinned: undefined };
  const index = candidates.findIndex(
    (c) => c.sticky && !c.skip && c.modelId === first.modelId && endpointKey(c.endpoint) === remembered,
  );
  if (index < 0 || ctx.routing.isDegraded(remembered)) return { list: candidates, conversation, pinned: undefined };
  const pinned = candidates[index] as Candidate;
  if (index === firstIndex) return { list: candidates, conversation, pinned };
  const list = candidates.slice();
  list.splice(index, 1);
  list.splice(firstIndex, 0, pinned);
  return { list, conversation, pinned };
}

/** The answer when no endpoint was even tried: the most actionable skip reason wins. */
function nothingTried(model: string, run: DispatchRun): GatewayError {
  const details = (reason: string) => (run.skips.get(reason) ?? []).map((s) => s.detail);
  const webSearch = details('no_web_search');
  if (webSearch.length > 0) {
    return new GatewayError(400, 'web_search_unavailable',
      `Model "${model}" has no endpoint with a native web search for :online (${webSearch.join('; ')})`, { model });
  }
  // The other skips are endpoints this request rules out for good; the cooling ones will be back,
  // and a 503 with Retry-After keeps clients retrying where a 404 would make them give up.
  if (run.soonestProbeMs !== undefined) {
    const seconds = Math.max(1, Math.ceil(run.soonestProbeMs / 1000));
    return new GatewayError(503, 'endpoints_cooling_down',
      `Every endpoint of model "${model}" this request allows is cooling down after repeated failures; try again in ${seconds} s`,
      { model }, { 'retry-after': String(seconds) });
  }
  const all = [...run.skips.values()].flat().map((s) => s.detail);
  if (all.length === 0) return new GatewayError(503, 'no_endpoint', 'No endpoint could serve this request');
  return new GatewayError(404, 'no_matching_endpoint',
    `No endpoint of model "${model}" matches this request: ${all.join('; ')}`, { model, reasons: [...run.skips.keys()] });
}

/** OpenRouter answers with the id of the model that served the request, in every chunk too. */
function renameModel(mapper: StreamMapper, modelId: string): StreamMapper {
  const escaped = JSON.stringify(modelId).slice(1, -1);
  const rename = (chunks: string[]) => {
    for (let i = 0; i < chunks.length; i++) chunks[i] = withModel(chunks[i] as string, escaped);
    return chunks;
  };
  const renamed: StreamMapper = { onEvent: (event) => rename(mapper.onEvent(event)), onEnd: () => rename(mapper.onEnd()) };
  if (mapper.usageSoFar) renamed.usageSoFar = mapper.usageSoFar.bind(mapper);
  return renamed;
}

const MODEL_FIELD = '"model":"';

function withModel(data: string, escapedModel: string): string {
  const at = data.indexOf(MODEL_FIELD);
  if (at < 0) return data;
  const start = at + MODEL_FIELD.length;
  const end = data.indexOf('"', start);
  // An escaped quote inside the old name would make the end ambiguous: leave such a chunk alone.
  if (end < 0 || data.charCodeAt(end - 1) === 92) return data;
  if (end - start === escapedModel.length && data.startsWith(escapedModel, start)) return data;
  return data.slice(0, start) + escapedModel + data.slice(end);
}

async function readJson(upstream: UpstreamResponse, providerId: string, signal: CancelSignal): Promise<unknown> {
  try {
    return await upstream.body.json();
  } catch (err) {
    if (signal.aborted) throw err;
    throw new GatewayError(502, 'upstream_invalid_response', `Provider "${providerId}" sent a response that is not JSON`, {
      provider: providerId,
    });
  }
}
