/**
 * Gemini's own API (POST /v1beta/models/{model}:generateContent, :streamGenerateContent and
 * :countTokens) for tools that speak it, such as Gemini CLI and the `@google/genai` SDK with
 * its base URL moved here. Any configured model can answer: Google providers natively, the
 * others through the same chat/completions model every adapter takes. The app key comes in
 * `x-goog-api-key` (or `?key=`, as Google accepts it); errors are in Google's shape.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../../../shared/errors.js';
import type { GatewayContext } from '../gateway-context.js';
import { applyPrivacy } from '../policy/privacy-gate.js';
import { applyRedaction, restoreDispatched } from '../policy/redaction-gate.js';
import { geminiChunkRestorer } from '../policy/redaction/restore-native-streams.js';
import { reserveSpend } from '../policy/spend-gate.js';
import { geminiResponseOf, GeminiStreamTranslator } from '../protocol/gemini-inbound/from-chat.js';
import { geminiToChatBody, offersGoogleSearch, parseGenerateContentRequest } from '../protocol/gemini-inbound/gemini-request.js';
import type { SseEvent } from '../protocol/sse.js';
import { EMPTY_USAGE } from '../protocol/token-usage.js';
import { generateContentResponseSchema } from '../providers/google/gemini-wire.js';
import type { JsonObject, ProviderAdapter } from '../providers/provider-adapter.js';
import { candidatesFor, dispatch, type Candidate, type Dispatched } from '../router/dispatch.js';
import type { AppKey } from '../secrets/app-keys.js';
import type { RequestLog } from '../usage/request-log.js';
import { endStream, pumpUpstream } from './anthropic-sse.js';
import { readJsonObject } from './body.js';
import { decodePath } from './decode-path.js';
import { googleErrorBody, sendGoogleError } from './gemini-errors.js';
import { geminiAnswerFacts, geminiMethodRequest, geminiNative, speaksGemini } from './gemini-native.js';
import { GeminiStreamWriter, type GeminiStreamMode } from './gemini-stream.js';
import { checkJsonContentType } from './guards.js';
import { inboundAdapters } from './inbound-adapters.js';
import { guardInbound } from './inbound-privacy.js';
import { withProxyScope } from './proxy-handler.js';
import { logJsonAnswer, sendLoggedJson, type Outcome } from './answer-log.js';
import { pumpTranslated } from './translated-stream.js';
import type { CancelSignal } from '../providers/request-cancel.js';

type JsonAnswer = Extract<Dispatched, { kind: 'json' }>;
type StreamAnswer = Extract<Dispatched, { kind: 'stream' }>;

const METHODS = ['generateContent', 'streamGenerateContent', 'countTokens'] as const;
type Method = (typeof METHODS)[number];

/**
 * `/{v1beta|v1|v1alpha}/models/{model}:{method}`: the SDK's default API version moved from v1beta
 * to v1, and Gemini CLI still asks v1beta. The model may hold slashes (`gem/gemini-2.5-pro`),
 * encoded or not.
 */
const GEMINI_PATH = /^\/v1(?:beta|alpha)?\/models\/(.+):(generateContent|streamGenerateContent|countTokens)$/;

export function isGeminiPath(path: string): boolean {
  return GEMINI_PATH.test(path);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parsePath(path: string): { model: string; method: Method } {
  const match = GEMINI_PATH.exec(path);
  if (!match) throw new GatewayError(404, 'not_found', `No route for POST ${path}: the methods served are ${METHODS.join(', ')}`);
  return { model: decodePath(match[1] as string), method: match[2] as Method };
}

function appKeyOf(ctx: GatewayContext, req: IncomingMessage, query: URLSearchParams): AppKey {
  const header = req.headers['x-goog-api-key'];
  const auth = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  const presented = (typeof header === 'string' ? header.trim() : undefined) ?? query.get('key') ?? auth;
  if (!presented) throw new GatewayError(401, 'missing_app_key', 'Missing app key: send it as "x-goog-api-key" (or ?key=)');
  const key = ctx.appKeys.verify(presented);
  if (!key) throw new GatewayError(401, 'invalid_app_key', 'Invalid or revoked app key');
  return key;
}

function sendNative(res: ServerResponse, answer: JsonAnswer, log: RequestLog): Outcome {
  const { mapped } = answer;
  logJsonAnswer(log, answer);
  const body: JsonObject = { ...mapped.body, responseId: log.id };
  if (isObject(body.usageMetadata)) body.usageMetadata = { ...body.usageMetadata, cost: log.cost };
  return sendLoggedJson(res, log, body);
}

function sendTranslated(res: ServerResponse, answer: JsonAnswer, log: RequestLog): Outcome {
  const { mapped } = answer;
  logJsonAnswer(log, answer);
  const body = geminiResponseOf(mapped.body, {
    id: log.id,
    model: answer.modelId,
    providerId: answer.endpoint.provider.id,
    usage: mapped.usage,
    cost: log.cost,
    finishReason: mapped.finishReason,
  });
  return sendLoggedJson(res, log, body);
}

function endGeminiStream(writer: GeminiStreamWriter, log: RequestLog, failure: GatewayError | undefined): Outcome {
  return endStream(writer, log, failure, (error) => writer.chunk(JSON.stringify(googleErrorBody(error))));
}

/** Relays a Google provider's stream chunk by chunk: each gets the generation id, and its (cumulative) usage the cost. */
async function relayNative(writer: GeminiStreamWriter, answer: StreamAnswer, log: RequestLog, signal: CancelSignal): Promise<Outcome> {
  const relay = (event: SseEvent) => {
    if (answer.restore) for (const restored of answer.restore.event(event)) relayOne(restored);
    else relayOne(event);
  };
  const relayOne = (event: SseEvent) => {
    let chunk: unknown;
    try {
      chunk = JSON.parse(event.data);
    } catch {
      chunk = undefined;
    }
    if (!isObject(chunk)) return;
    if (isObject(chunk.error)) {
      const message = typeof chunk.error.message === 'string' ? chunk.error.message : 'unknown error';
      throw new GatewayError(502, 'upstream_error', `Provider "${answer.endpoint.provider.id}" failed mid-stream: ${message}`);
    }
    const facts = geminiAnswerFacts(generateContentResponseSchema.safeParse(chunk).data ?? {});
    const out: JsonObject = { ...chunk, responseId: log.id };
    if (facts.usage) {
      log.usage = facts.usage;
      log.cost = answer.costOf(facts.usage);
      if (isObject(out.usageMetadata)) out.usageMetadata = { ...out.usageMetadata, cost: log.cost };
    }
    if (facts.finishReason) log.finishReason = facts.finishReason;
    writer.chunk(JSON.stringify(out));
  };
  const failure = await pumpUpstream(answer, writer, signal, {
    event: relay,
    end: () => {
      for (const held of answer.restore?.end() ?? []) relayOne(held);
    },
  });
  return endGeminiStream(writer, log, failure);
}

async function relayTranslated(writer: GeminiStreamWriter, answer: StreamAnswer, log: RequestLog, signal: CancelSignal, chat: JsonObject): Promise<Outcome> {
  const translator = new GeminiStreamTranslator({ id: log.id, model: answer.modelId, providerId: answer.endpoint.provider.id });
  const emit = (chunks: JsonObject[]) => {
    for (const chunk of chunks) writer.chunk(JSON.stringify(chunk));
  };
  const failure = await pumpTranslated(answer, writer, signal, log, translator, emit, chat);
  if (!failure) emit(translator.finish(log.cost));
  return endGeminiStream(writer, log, failure);
}

interface GeminiCall {
  ctx: GatewayContext;
  res: ServerResponse;
  appKey: AppKey;
  body: JsonObject;
  model: string;
  log: RequestLog;
  signal: CancelSignal;
  mode: GeminiStreamMode | undefined;
}

function modelNotFound(model: string): GatewayError {
  return new GatewayError(404, 'model_not_found', `Model "${model}" is not served by any configured provider`, { model });
}

async function generate({ ctx, res, appKey, body, model, log, signal, mode }: GeminiCall): Promise<Outcome> {
  const request = parseGenerateContentRequest(body);
  const stream = mode !== undefined;
  log.streamed = stream;
  const chat = geminiToChatBody(request, model, stream);
  const candidates = candidatesFor(ctx, chat, model);
  if (candidates.length === 0) throw modelNotFound(model);
  const guarded = await guardInbound(ctx, res, appKey, log, {
    client: body, chat, candidates, translate: (client) => geminiToChatBody(parseGenerateContentRequest(client), model, stream),
  });
  const affordable = reserveSpend(ctx, appKey, log, 'chat', guarded.chat, guarded.allowed);
  const routed: GatewayContext = { ...ctx, adapters: inboundAdapters(ctx, { native: geminiNative(body), offersSearch: offersGoogleSearch(request) }) };
  const dispatched = await dispatch(routed, affordable, { op: 'chat', body: guarded.chat, stream, log, signal });
  const answer = restoreDispatched(dispatched, guarded.placeholders, geminiChunkRestorer);
  const native = speaksGemini(answer.endpoint);
  if (answer.kind === 'json') return native ? sendNative(res, answer, log) : sendTranslated(res, answer, log);
  const writer = new GeminiStreamWriter(res, log, signal, mode ?? 'sse');
  return native ? relayNative(writer, answer, log, signal) : relayTranslated(writer, answer, log, signal, guarded.chat);
}

function countTokensAdapter(client: JsonObject, base: ProviderAdapter): ProviderAdapter {
  return {
    ...base,
    buildRequest: (_op, endpoint, _body, apiKey) => geminiMethodRequest(endpoint, 'countTokens', client, apiKey, false),
    mapResponse: (_op, _endpoint, json) => ({ body: isObject(json) ? json : {}, usage: undefined, finishReason: null }),
  };
}

/** Counted by the Google provider serving the model: only Gemini's own tokenizer counts Gemini tokens. Free, so logged at zero. */
async function countTokens({ ctx, res, appKey, body, model, log, signal }: GeminiCall): Promise<Outcome> {
  const candidates = candidatesFor(ctx, { model }, model);
  if (candidates.length === 0) throw modelNotFound(model);
  const countable = candidates.filter((c: Candidate) => speaksGemini(c.endpoint));
  const google = ctx.adapters.google;
  if (countable.length === 0 || !google) {
    const provider = (candidates[0] as Candidate).endpoint.provider;
    throw new GatewayError(501, 'count_tokens_unsupported',
      `Token counting needs the model's own tokenizer: "${model}" is served by provider "${provider.id}" (${provider.type}), ` +
        'which the gateway cannot count for. Only models of Google providers can be counted here.', { model, provider: provider.id });
  }
  // The prompt leaves this machine to be counted: the same data rules and redaction apply.
  const routing: JsonObject = { model };
  const allowed = applyPrivacy(ctx, appKey, 'chat', routing, log, countable);
  await applyRedaction(ctx, appKey, body, log);
  const routed: GatewayContext = { ...ctx, adapters: { google: countTokensAdapter(body, google) } };
  const answer = (await dispatch(routed, allowed, { op: 'chat', body: routing, stream: false, log, signal })) as JsonAnswer;
  log.usage = EMPTY_USAGE;
  log.cost = 0;
  return sendLoggedJson(res, log, answer.mapped.body);
}

export interface GeminiRoute {
  handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void>;
  sendError(res: ServerResponse, err: unknown): void;
}

/** POST /v1beta/models/{model}:{generateContent|streamGenerateContent|countTokens}, also under /v1 and /v1alpha */
export function geminiRoute(ctx: GatewayContext, shutdownSignal: AbortSignal): GeminiRoute {
  return {
    async handle(req, res, path, query) {
      checkJsonContentType(req);
      const { model, method } = parsePath(path);
      const appKey = appKeyOf(ctx, req, query);
      const body = await readJsonObject(req, ctx.maxBodyBytes);
      const mode: GeminiStreamMode | undefined =
        method === 'streamGenerateContent' ? (query.get('alt') === 'sse' ? 'sse' : 'array') : undefined;
      const work = method === 'countTokens' ? countTokens : generate;
      await withProxyScope(ctx, res, appKey, model, shutdownSignal,
        (scope) => work({ ctx, res, appKey, body, model, mode, ...scope }),
        (err) => sendGoogleError(res, err));
    },
    sendError: sendGoogleError,
  };
}
