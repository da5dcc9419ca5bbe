/**
 * The adapters an inbound API other than OpenAI chat (the Responses API, Gemini's
 * generateContent) is dispatched with, so that routing, fallbacks, spend and attempt logging are
 * the router's own. The body handed to `dispatch` is the request translated to a
 * chat/completions body, which every provider adapter takes as usual; a provider that speaks
 * the inbound API itself instead gets the client's body as sent (native pass-through), the
 * answer staying in that API's shape.
 *
 * A hosted web search the client offers becomes the target's native search, as `:online` would
 * pick it, where it has one, and is left out where it has none.
 */
import { GatewayError } from '../../../shared/errors.js';
import type { GatewayContext } from '../gateway-context.js';
import { webSearchOf } from '../protocol/openai-chat-request.js';
import type { JsonObject, MappedResponse, ProviderAdapter } from '../providers/provider-adapter.js';
import type { UpstreamRequest } from '../providers/upstream-http.js';
import type { Endpoint } from '../router/catalog.js';
import { webSearchRoute } from '../router/model-variants.js';
import { replayedReasoning } from './messages-adapters.js';

type Adapters = GatewayContext['adapters'];

/** Providers that take the inbound request as the client sent it. */
export interface NativeTarget {
  matches(endpoint: Endpoint): boolean;
  buildRequest(endpoint: Endpoint, apiKey: string | undefined, stream: boolean): UpstreamRequest;
  mapResponse(endpoint: Endpoint, json: unknown): MappedResponse;
}

export interface InboundOptions {
  native: NativeTarget;
  /** The client offered a hosted web search tool. */
  offersSearch: boolean;
  /** What only the native API takes (OpenAI's hosted tools, their items): refused for every other target. */
  untranslatable?: readonly string[];
}

function nativeOnly(endpoint: Endpoint, what: readonly string[]): GatewayError {
  const { provider } = endpoint;
  return new GatewayError(
    400,
    'untranslatable_request',
    `Model "${provider.id}/${endpoint.upstreamModel}" is served by provider "${provider.id}" (type ${provider.type}), which cannot take ` +
      `${what.join(', ')}: those run on OpenAI's own API only`,
    { provider: provider.id },
  );
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

function inboundAware(inner: ProviderAdapter, opts: InboundOptions): ProviderAdapter {
  return {
    ...inner,
    buildRequest(op, endpoint, chat, apiKey, stream) {
      if (opts.native.matches(endpoint)) return opts.native.buildRequest(endpoint, apiKey, stream);
      if (opts.untranslatable?.length) throw nativeOnly(endpoint, opts.untranslatable);
      let body = replayedReasoning(endpoint.provider) === 'none' ? withoutReasoningReplay(chat) : chat;
      const search = opts.offersSearch && !webSearchOf(body) ? webSearchRoute(endpoint) : undefined;
      if (search) body = { ...body, ...search.extraBody };
      return inner.buildRequest(op, search?.endpoint ?? endpoint, body, apiKey, stream);
    },
    mapResponse(op, endpoint, json, request) {
      return opts.native.matches(endpoint) ? opts.native.mapResponse(endpoint, json) : inner.mapResponse(op, endpoint, json, request);
    },
  };
}

/** The adapters for one inbound request. */
export function inboundAdapters(ctx: GatewayContext, opts: InboundOptions): Adapters {
  const adapters: Adapters = {};
  for (const family of ['openai-compatible', 'anthropic', 'google'] as const) {
    const inner = ctx.adapters[family];
    if (inner) adapters[family] = inboundAware(inner, opts);
  }
  return adapters;
}
