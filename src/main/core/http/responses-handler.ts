/**
 * The OpenAI Responses API (POST /v1/responses and /api/v1/responses) for tools that speak it,
 * such as Codex and the openai SDK's `responses.create`. Any configured model can answer: OpenAI
 * providers natively, the others through the same chat/completions model every adapter takes.
 * One usage row per request; the response id is the generation id; usage carries `cost`.
 */
import type { ServerResponse } from 'node:http';
import { GatewayError } from '../../../shared/errors.js';
import type { GatewayContext } from '../gateway-context.js';
import { restoreDispatched } from '../policy/redaction-gate.js';
import { responsesEventRestorer } from '../policy/redaction/restore-native-streams.js';
import { reserveSpend } from '../policy/spend-gate.js';
import { responseOfChat } from '../protocol/responses/from-chat-response.js';
import { ResponsesStreamTranslator, type ResponsesEvent } from '../protocol/responses/from-chat-stream.js';
import { nativeFinishReason, nativeResponseSchema, nativeUsageOf } from '../protocol/responses/native-response.js';
import type { ResponseContext } from '../protocol/responses/response-object.js';
import { offersHostedSearch, parseResponsesRequest, toChatBody } from '../protocol/responses/responses-request.js';
import type { SseEvent } from '../protocol/sse.js';
import type { JsonObject } from '../providers/provider-adapter.js';
import { candidatesFor, dispatch, type Dispatched } from '../router/dispatch.js';
import type { RequestLog } from '../usage/request-log.js';
import { AnthropicEventWriter as EventWriter, endStream, pumpUpstream, streamCut } from './anthropic-sse.js';
import { requireModel, withProxyScope } from './proxy-handler.js';
import { sendError } from './respond.js';
import { inboundAdapters } from './inbound-adapters.js';
import { guardInbound } from './inbound-privacy.js';
import { responsesNative, speaksResponses } from './responses-native.js';
import { logJsonAnswer, sendLoggedJson, type Outcome } from './answer-log.js';
import { pumpTranslated } from './translated-stream.js';
import type { ApiRoute } from './server.js';
import type { CancelSignal } from '../providers/request-cancel.js';

type JsonAnswer = Extract<Dispatched, { kind: 'json' }>;
type StreamAnswer = Extract<Dispatched, { kind: 'stream' }>;

const TERMINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);
const LIFECYCLE_EVENTS = new Set(['response.created', 'response.in_progress', 'response.queued', ...TERMINAL_EVENTS]);

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sendNativeResponse(res: ServerResponse, answer: JsonAnswer, log: RequestLog): Outcome {
  const { mapped } = answer;
  logJsonAnswer(log, answer);
  const usage = isObject(mapped.body.usage) ? { ...mapped.body.usage, cost: log.cost } : mapped.body.usage;
  return sendLoggedJson(res, log, { ...mapped.body, id: log.id, usage });
}

function sendTranslatedResponse(res: ServerResponse, answer: JsonAnswer, log: RequestLog, ctx: ResponseContext): Outcome {
  const { mapped } = answer;
  logJsonAnswer(log, answer);
  const response = responseOfChat(mapped.body, {
    ...ctx,
    providerId: answer.endpoint.provider.id,
    usage: mapped.usage,
    cost: log.cost,
    finishReason: mapped.finishReason,
  });
  return sendLoggedJson(res, log, response);
}

function endResponsesStream(writer: EventWriter, log: RequestLog, failure: GatewayError | undefined, failed: () => ResponsesEvent[]): Outcome {
  return endStream(writer, log, failure, () => {
    for (const event of failed()) writer.event(event.type, JSON.stringify(event));
  });
}

/**
 * Relays an OpenAI provider's Responses stream as it comes. Only the lifecycle events are
 * parsed: they get the generation id, and the final one the cost of its usage.
 */
async function relayNativeStream(res: ServerResponse, answer: StreamAnswer, log: RequestLog, signal: CancelSignal): Promise<Outcome> {
  const providerId = answer.endpoint.provider.id;
  const writer = new EventWriter(res, log, signal);
  let lastResponse: JsonObject = { id: log.id, object: 'response', output: [] };
  let sequence = 0;
  let ended = false;
  const relay = (event: SseEvent) => {
    if (answer.restore) for (const restored of answer.restore.event(event)) relayOne(restored);
    else relayOne(event);
  };
  const relayOne = (event: SseEvent) => {
    const type = event.event ?? '';
    if (!LIFECYCLE_EVENTS.has(type)) {
      sequence += 1;
      writer.relay(event);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(event.data);
    } catch {
      parsed = undefined;
    }
    if (!isObject(parsed) || !isObject(parsed.response)) throw streamCut(providerId);
    const response: JsonObject = { ...parsed.response, id: log.id, model: answer.modelId };
    if (typeof parsed.sequence_number === 'number') sequence = parsed.sequence_number + 1;
    if (TERMINAL_EVENTS.has(type)) {
      ended = true;
      const read = nativeResponseSchema.safeParse(response);
      if (read.success) {
        log.usage = nativeUsageOf(read.data);
        log.finishReason = nativeFinishReason(read.data);
        log.cost = log.usage ? answer.costOf(log.usage) : null;
        if (isObject(response.usage)) response.usage = { ...response.usage, cost: log.cost };
      }
    }
    lastResponse = response;
    writer.event(type, JSON.stringify({ ...parsed, response }));
  };
  const failure = await pumpUpstream(answer, writer, signal, {
    event: relay,
    end: () => {
      if (!ended) throw streamCut(providerId);
    },
  });
  const message = failure?.message ?? '';
  return endResponsesStream(writer, log, failure, () => [
    { type: 'error', sequence_number: sequence, error: { type: 'server_error', code: 'server_error', message, param: null } },
    {
      type: 'response.failed',
      sequence_number: sequence + 1,
      response: { ...lastResponse, status: 'failed', error: { code: 'server_error', message } },
    },
  ]);
}

/** Translates the internal chat stream of any other provider to Responses events. */
async function relayTranslatedStream(
  res: ServerResponse,
  answer: StreamAnswer,
  log: RequestLog,
  signal: CancelSignal,
  ctx: ResponseContext,
  chat: JsonObject,
): Promise<Outcome> {
  const writer = new EventWriter(res, log, signal);
  const translator = new ResponsesStreamTranslator({ ...ctx, providerId: answer.endpoint.provider.id });
  const emit = (events: ResponsesEvent[]) => {
    for (const event of events) writer.event(event.type, JSON.stringify(event));
  };
  const failure = await pumpTranslated(answer, writer, signal, log, translator, emit, chat);
  if (!failure) emit(translator.finish(log.cost));
  return endResponsesStream(writer, log, failure, () => (failure ? translator.fail(failure, log.cost) : []));
}

/** POST /v1/responses */
export function responsesRoute(ctx: GatewayContext): ApiRoute {
  return {
    handle: (_req, res, { appKey, body, shutdownSignal }) => {
      const model = typeof body.model === 'string' ? body.model : '';
      return withProxyScope(ctx, res, appKey, model, shutdownSignal, async ({ log, signal }) => {
        requireModel(body);
        const request = parseResponsesRequest(body);
        const { body: chat, untranslatable } = toChatBody(request, body);
        const stream = request.stream === true;
        log.streamed = stream;
        const candidates = candidatesFor(ctx, chat, model);
        if (candidates.length === 0) {
          throw new GatewayError(404, 'model_not_found', `Model "${model}" is not served by any configured provider`, { model });
        }
        const guarded = await guardInbound(ctx, res, appKey, log, {
          client: body, chat, candidates, translate: (client) => toChatBody(parseResponsesRequest(client), client).body,
        });
        const affordable = reserveSpend(ctx, appKey, log, 'chat', guarded.chat, guarded.allowed);
        const routed: GatewayContext = { ...ctx, adapters: inboundAdapters(ctx, { native: responsesNative(body), offersSearch: offersHostedSearch(request), untranslatable }) };
        const dispatched = await dispatch(routed, affordable, { op: 'chat', body: guarded.chat, stream, log, signal });
        const answer = restoreDispatched(dispatched, guarded.placeholders, responsesEventRestorer);
        const native = speaksResponses(answer.endpoint);
        const response: ResponseContext = { id: log.id, model: answer.modelId, request, createdAt: Math.floor(Date.now() / 1000) };
        if (answer.kind === 'json') {
          return native ? sendNativeResponse(res, answer, log) : sendTranslatedResponse(res, answer, log, response);
        }
        return native ? relayNativeStream(res, answer, log, signal) : relayTranslatedStream(res, answer, log, signal, response, guarded.chat);
      });
    },
    sendError,
  };
}
