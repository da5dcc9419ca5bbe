/**
 * The adapters a POST /v1/responses request is dispatched with, so that routing, fallbacks and
 * attempt logging are the router's own. The body handed to `dispatch` is the request translated
 * to a chat/completions body (protocol/responses), which every provider adapter takes as usual;
 * an `openai` provider instead gets the client's Responses body as sent (native pass-through to
 * its /responses, the answer staying in the Responses shape). A hosted web search the client
 * offers becomes the target's native search, as `:online` would pick it, where it has one.
 */
import type { GatewayContext } from '../gateway-context.js';
import { invalidUpstream } from '../protocol/anthropic-inbound/upstream-json.js';
import { nativeFinishReason, nativeResponseSchema, nativeUsageOf } from '../protocol/responses/native-response.js';
import { GATEWAY_ONLY_FIELDS } from '../providers/openai-compatible/openai-adapter.js';
import type { JsonObject, ProviderAdapter } from '../providers/provider-adapter.js';
import type { UpstreamRequest } from '../providers/upstream-http.js';
import type { Endpoint } from '../router/catalog.js';
import { webSearchOf } from '../protocol/openai-chat-request.js';
import { webSearchRoute } from '../router/model-variants.js';
import { replayedReasoning } from './messages-adapters.js';

type Adapters = GatewayContext['adapters'];

/** OpenAI's own API speaks Responses; compatible servers (and OpenRouter's) get chat. */
export function speaksResponses(endpoint: Endpoint): boolean {
  return endpoint.provider.type === 'openai';
}

function nativeRequest(endpoint: Endpoint, client: JsonObject, apiKey: string | undefined, stream: boolean): UpstreamRequest {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
    ...endpoint.provider.config.headers,
  };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const body: JsonObject = { ...client, model: endpoint.upstreamModel };
  for (const field of GATEWAY_ONLY_FIELDS) delete body[field];
  return { url: `${endpoint.provider.baseUrl}/responses`, method: 'POST', headers, body: JSON.stringify(body) };
}

/** Strict compatible APIs refuse unknown message fields: earlier reasoning goes back only where it is read. */
function withoutReasoningReplay(chat: JsonObject): JsonObject {
  if (!Array.isArray(chat.messages)) return chat;
  const messages = chat.messages.map((message: unknown) => {
    if (typeof message !== 'object' || message === null || !('reasoning_details' in message)) return message;
    const { reasoning_details: _dropped, ...rest } = message as JsonObject;
    return rest;
  });
  return { ...chat, messages };
}

function responsesAware(inner: ProviderAdapter, client: JsonObject, offersSearch: boolean): ProviderAdapter {
  return {
    ...inner,
    buildRequest(op, endpoint, chat, apiKey, stream) {
      if (speaksResponses(endpoint)) return nativeRequest(endpoint, client, apiKey, stream);
      let body = replayedReasoning(endpoint.provider) === 'none' ? withoutReasoningReplay(chat) : chat;
      const search = offersSearch && !webSearchOf(body) ? webSearchRoute(endpoint) : undefined;
      if (search) body = { ...body, ...search.extraBody };
      return inner.buildRequest(op, search?.endpoint ?? endpoint, body, apiKey, stream);
    },
    mapResponse(op, endpoint, json, request) {
      if (!speaksResponses(endpoint)) return inner.mapResponse(op, endpoint, json, request);
      const parsed = nativeResponseSchema.safeParse(json);
      if (!parsed.success) throw invalidUpstream(endpoint.provider.id, 'an answer that is not a Responses API response');
      return { body: json as JsonObject, usage: nativeUsageOf(parsed.data), finishReason: nativeFinishReason(parsed.data) };
    },
  };
}

/** The adapters for one POST /responses request; `client` is its body as sent. */
export function responsesAdapters(ctx: GatewayContext, client: JsonObject, offersSearch: boolean): Adapters {
  const adapters: Adapters = {};
  for (const family of ['openai-compatible', 'anthropic', 'google'] as const) {
    const inner = ctx.adapters[family];
    if (inner) adapters[family] = responsesAware(inner, client, offersSearch);
  }
  return adapters;
}
