/**
 * The Anthropic-compatible endpoint (POST /v1/messages and /v1/messages/count_tokens) for
 * tools that speak Anthropic, such as Claude Code and the Anthropic SDK. Any configured model
 * can answer: Anthropic providers natively, the others through translation to and from
 * OpenAI's chat format. Errors, including auth errors, are in Anthropic's shape.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { GatewayError } from '../../../shared/errors.js';
import type { GatewayContext } from '../gateway-context.js';
import { captureBodies } from '../policy/body-log.js';
import { applyPrivacy } from '../policy/privacy-gate.js';
import { applyRedaction, restoreDispatched } from '../policy/redaction-gate.js';
import { reserveSpend } from '../policy/spend-gate.js';
import { messageDeltaEventSchema, messageStartEventSchema, errorEventSchema, type AnthropicUsageDelta } from '../protocol/anthropic-wire.js';
import { anthropicMessageOf } from '../protocol/anthropic-inbound/from-openai-response.js';
import { AnthropicStreamTranslator, type AnthropicEvent } from '../protocol/anthropic-inbound/from-openai-stream.js';
import { parseUpstreamJson } from '../protocol/anthropic-inbound/upstream-json.js';
import type { SseEvent } from '../protocol/sse.js';
import { EMPTY_USAGE, type TokenUsage } from '../protocol/token-usage.js';
import { streamErrorOf } from '../providers/anthropic/error-parsing.js';
import { finishReasonOf, tokenUsageOf } from '../providers/anthropic/usage-mapping.js';
import type { JsonObject } from '../providers/provider-adapter.js';
import { candidatesFor, dispatch, type Candidate, type Dispatched } from '../router/dispatch.js';
import type { AppKey } from '../secrets/app-keys.js';
import type { RequestLog } from '../usage/request-log.js';
import { ANTHROPIC_OUTPUT_FIELDS, estimateMissingUsage, GeneratedText } from '../usage/usage-estimate.js';
import { sendAnthropicError } from './anthropic-errors.js';
import { AnthropicEventWriter, endAnthropicStream, pumpUpstream, streamCut } from './anthropic-sse.js';
import { countTokensAdapters, messagesAdapters } from './messages-adapters.js';
import { requireModel, withProxyScope, type ProxyScope } from './proxy-handler.js';
import { pumpTranslated } from './translated-stream.js';
import { logJsonAnswer, sendLoggedJson, type Outcome } from './answer-log.js';
import type { ApiRoute } from './server.js';
import type { CancelSignal } from '../providers/request-cancel.js';

type JsonAnswer = Extract<Dispatched, { kind: 'json' }>;
type StreamAnswer = Extract<Dispatched, { kind: 'stream' }>;

const stopSequencesSchema = z.array(z.string()).catch([]);
const MALFORMED_EVENT = 'a malformed stream event';

function modelNotFound(model: string): GatewayError {
  return new GatewayError(404, 'model_not_found', `Model "${model}" is not served by any configured provider`, { model });
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** message_delta counts are cumulative and present only when they apply: later ones replace earlier ones. */
function mergeUsage(into: AnthropicUsageDelta, next: AnthropicUsageDelta | null | undefined): AnthropicUsageDelta {
  const merged: Record<string, unknown> = { ...into };
  for (const [key, value] of Object.entries(next ?? {})) if (value !== null && value !== undefined) merged[key] = value;
  return merged as AnthropicUsageDelta;
}

function tokenUsageOfDelta(usage: AnthropicUsageDelta): TokenUsage {
  return tokenUsageOf({ ...usage, input_tokens: usage.input_tokens ?? 0, output_tokens: usage.output_tokens ?? 0 });
}

/** An Anthropic provider's message, as answered, with the generation id and the cost. */
function sendNativeMessage(res: ServerResponse, answer: JsonAnswer, log: RequestLog): Outcome {
  const { mapped } = answer;
  logJsonAnswer(log, answer);
  const usage = isObject(mapped.body.usage) ? mapped.body.usage : {};
  return sendLoggedJson(res, log, { ...mapped.body, id: log.id, usage: { ...usage, cost: log.cost } });
}

function sendTranslatedMessage(res: ServerResponse, answer: JsonAnswer, log: RequestLog, stopSequences: string[]): Outcome {
  const { mapped } = answer;
  logJsonAnswer(log, answer);
  const message = anthropicMessageOf(mapped.body, {
    id: log.id,
    model: answer.modelId,
    providerId: answer.endpoint.provider.id,
    stopSequences,
    usage: mapped.usage,
    cost: log.cost,
  });
  return sendLoggedJson(res, log, message);
}

/**
 * Relays an Anthropic provider's event stream as it comes, reading the usage on the way:
 * message_start gets the generation id, the final message_delta the cost.
 */
async function relayNativeStream(
  res: ServerResponse,
  answer: StreamAnswer,
  log: RequestLog,
  signal: CancelSignal,
  body: JsonObject,
): Promise<Outcome> {
  const providerId = answer.endpoint.provider.id;
  const writer = new AnthropicEventWriter(res, log, signal);
  const generated = new GeneratedText(ANTHROPIC_OUTPUT_FIELDS);
  let final = false;
  let usage: AnthropicUsageDelta | undefined;
  let stopReason: string | null = null;
  let stopped = false;
  const relay = (event: SseEvent) => {
    switch (event.event) {
      case 'message_start': {
        const start = parseUpstreamJson(messageStartEventSchema, event.data, providerId, MALFORMED_EVENT);
        usage = mergeUsage({}, start.message.usage);
        writer.event('message_start', JSON.stringify({ ...start, message: { ...start.message, id: log.id } }));
        return;
      }
      case 'message_delta': {
        const delta = parseUpstreamJson(messageDeltaEventSchema, event.data, providerId, MALFORMED_EVENT);
        usage = mergeUsage(usage ?? {}, delta.usage);
        final = true;
        stopReason = delta.delta.stop_reason ?? stopReason;
        const cost = answer.costOf(tokenUsageOfDelta(usage));
        writer.event('message_delta', JSON.stringify({ ...delta, usage: { ...delta.usage, cost } }));
        return;
      }
      case 'error':
        throw streamErrorOf(providerId, parseUpstreamJson(errorEventSchema, event.data, providerId, MALFORMED_EVENT).error);
      case 'message_stop':
        stopped = true;
        break;
      case 'content_block_delta':
        generated.addChunk(event.data);
        break;
    }
    if (answer.restore) for (const restored of answer.restore.event(event)) writer.relay(restored);
    else writer.relay(event);
  };
  const failure = await pumpUpstream(answer, writer, signal, {
    event: relay,
    end: () => {
      if (!stopped) throw streamCut(providerId);
    },
  });
  // A stream that broke still consumed what message_start and message_delta reported so far.
  if (usage) {
    log.usage = tokenUsageOfDelta(usage);
    log.cost = answer.costOf(log.usage);
  }
  // Before its final message_delta a stream reports ~1 output token: count what it generated.
  if (!final && (!failure || failure.status === 499)) await estimateMissingUsage(log, body, generated, answer.costOf);
  log.finishReason = finishReasonOf(stopReason);
  return endAnthropicStream(writer, log, failure);
}

/** Translates an OpenAI-shaped stream (any non-Anthropic provider, through its adapter) to Anthropic events. */
async function relayTranslatedStream(
  res: ServerResponse,
  answer: StreamAnswer,
  log: RequestLog,
  signal: CancelSignal,
  stopSequences: string[],
  body: JsonObject,
): Promise<Outcome> {
  const providerId = answer.endpoint.provider.id;
  const writer = new AnthropicEventWriter(res, log, signal);
  const translator = new AnthropicStreamTranslator({ id: log.id, model: answer.modelId, providerId, stopSequences });
  const emit = (events: AnthropicEvent[]) => {
    for (const event of events) writer.event(event.type, JSON.stringify(event));
  };
  const failure = await pumpTranslated(answer, writer, signal, log, translator, emit, body);
  if (!failure) emit(translator.finish(log.cost));
  return endAnthropicStream(writer, log, failure);
}

/** One request to an Anthropic-shaped route, its model known to be served. */
interface RoutedRequest extends ProxyScope {
  ctx: GatewayContext;
  req: IncomingMessage;
  res: ServerResponse;
  appKey: AppKey;
  body: JsonObject;
  model: string;
  /** The requested model's endpoints, then its fallbacks': never empty. */
  candidates: Candidate[];
}

/** An Anthropic-shaped route: one usage row per request, and every error in Anthropic's shape. */
function anthropicRoute(ctx: GatewayContext, work: (request: RoutedRequest) => Promise<Outcome>): ApiRoute {
  return {
    handle: (req, res, { appKey, body, shutdownSignal }) => {
      const model = typeof body.model === 'string' ? body.model : '';
      const scoped = async (scope: ProxyScope) => {
        requireModel(body);
        const candidates = candidatesFor(ctx, body, model);
        if (candidates.length === 0) throw modelNotFound(model);
        return work({ ...scope, ctx, req, res, appKey, body, model, candidates });
      };
      return withProxyScope(ctx, res, appKey, model, shutdownSignal, scoped, (err) => sendAnthropicError(res, err));
    },
    sendError: sendAnthropicError,
  };
}

async function createMessage({ ctx, req, res, appKey, body, model, candidates, log, signal }: RoutedRequest): Promise<Outcome> {
  const stream = body.stream === true;
  log.streamed = stream;
  const allowed = applyPrivacy(ctx, appKey, 'chat', body, log, candidates);
  const placeholders = await applyRedaction(ctx, appKey, body, log);
  captureBodies(ctx.privacy, appKey, log, body, res, placeholders);
  const affordable = reserveSpend(ctx, appKey, log, 'chat', body, allowed);
  const routed: GatewayContext = { ...ctx, adapters: messagesAdapters(ctx, req.headers, model) };
  const answer = restoreDispatched(await dispatch(routed, affordable, { op: 'chat', body, stream, log, signal }), placeholders);
  const native = answer.endpoint.provider.family === 'anthropic';
  const stopSequences = stopSequencesSchema.parse(body.stop_sequences ?? []);
  if (answer.kind === 'json') {
    return native ? sendNativeMessage(res, answer, log) : sendTranslatedMessage(res, answer, log, stopSequences);
  }
  return native
    ? relayNativeStream(res, answer, log, signal, body)
    : relayTranslatedStream(res, answer, log, signal, stopSequences, body);
}

function notCountable(model: string, provider: { id: string; type: string }): GatewayError {
  return new GatewayError(
    501,
    'count_tokens_unsupported',
    `Token counting needs the model's own tokenizer: "${model}" is served by provider "${provider.id}" (${provider.type}), ` +
      'which has no token-counting API, and the gateway does not guess. Only models of Anthropic providers can be counted.',
    { model, provider: provider.id },
    // Anthropic SDKs retry 5xx answers unless told not to; this one will not change.
    { 'x-should-retry': 'false' },
  );
}

/**
 * Counted by the Anthropic provider serving the model (its fallbacks too, while they are
 * Anthropic's); free, so logged with zero tokens and zero cost.
 */
async function countTokens({ ctx, req, res, appKey, body, model, candidates, log, signal }: RoutedRequest): Promise<Outcome> {
  const firstOther = candidates.findIndex((c) => c.endpoint.provider.family !== 'anthropic');
  const countable = firstOther < 0 ? candidates : candidates.slice(0, firstOther);
  const first = candidates[0] as Candidate;
  if (countable.length === 0) throw notCountable(model, first.endpoint.provider);
  const routed: GatewayContext = { ...ctx, adapters: countTokensAdapters(req.headers) };
  // The prompt leaves this machine to be counted: the same data rules and redaction apply.
  const allowed = applyPrivacy(ctx, appKey, 'chat', body, log, countable);
  await applyRedaction(ctx, appKey, body, log);
  // Without `stream`, dispatch reads the answer: it is always the JSON kind.
  const answer = (await dispatch(routed, allowed, { op: 'chat', body, stream: false, log, signal })) as JsonAnswer;
  log.usage = EMPTY_USAGE;
  log.cost = 0;
  return sendLoggedJson(res, log, answer.mapped.body);
}

/** POST /v1/messages */
export function messagesRoute(ctx: GatewayContext): ApiRoute {
  return anthropicRoute(ctx, createMessage);
}

/** POST /v1/messages/count_tokens */
export function countTokensRoute(ctx: GatewayContext): ApiRoute {
  return anthropicRoute(ctx, countTokens);
}
