/**
 * The adapters a /v1/messages request is dispatched with, so that routing, fallbacks and
 * attempt logging are the router's own. The body handed to `dispatch` is the client's Anthropic
 * request: an Anthropic provider gets it as sent (native pass-through, the answer stays in
 * Anthropic's shape); every other provider gets it translated to an OpenAI chat body for its
 * usual adapter (the answer comes back in OpenAI's shape, translated later by the handler).
 *
 * A web search (`:online`, the web plugin, or the client's web search server tool) is Anthropic's
 * server tool natively, and the target's own search through translation.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { GatewayError } from '../../../shared/errors.js';
import { presetQuirks } from '../config/presets.js';
import type { GatewayContext } from '../gateway-context.js';
import { ANTHROPIC_VERSION, messageSchema } from '../protocol/anthropic-wire.js';
import {
  parseTranslatableRequest,
  toOpenAiChatBody,
  webSearchToolOf,
  type OpenAiTarget,
  type TranslatableRequest,
} from '../protocol/anthropic-inbound/to-openai-request.js';
import { invalidUpstream } from '../protocol/anthropic-inbound/upstream-json.js';
import { isWebSearchServerTool } from '../protocol/anthropic-inbound/web-search-tool.js';
import { webSearchOf } from '../protocol/openai-chat-request.js';
import { anthropicAdapter } from '../providers/anthropic/anthropic-adapter.js';
import { finishReasonOf, tokenUsageOf } from '../providers/anthropic/usage-mapping.js';
import { webSearchTool } from '../providers/anthropic/web-search.js';
import type { JsonObject, ProviderAdapter } from '../providers/provider-adapter.js';
import type { UpstreamRequest } from '../providers/upstream-http.js';
import type { Endpoint, ModelCatalog, ResolvedProvider } from '../router/catalog.js';
import { WEB_SEARCH_PROVIDERS, webSearchRoute } from '../router/model-variants.js';

type Adapters = GatewayContext['adapters'];

/**
 * OpenRouter request extras the gateway interprets, and OpenAI's `web_search_options` (routing's
 * form of `:online`, which becomes the server tool); Anthropic's API rejects unknown fields.
 */
const GATEWAY_ONLY_FIELDS = ['models', 'provider', 'route', 'transforms', 'plugins', 'usage', 'preset', 'web_search_options'] as const;

/** Request fields by which an OpenAI client asks for a web search; the translated body keeps them for the target's adapter. */
const WEB_SEARCH_FIELDS = ['web_search_options', 'plugins'] as const;

const tokenCountSchema = z.looseObject({ input_tokens: z.number().int().nonnegative() });

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * The client's request to an Anthropic provider, unchanged but for the model name and the key:
 * the provider key replaces the app key, and of the client's headers only the API version and
 * beta flags go along. Headers set in the provider's config win, as for every provider.
 */
function nativeRequest(
  path: string,
  client: IncomingHttpHeaders,
  endpoint: Endpoint,
  body: JsonObject,
  apiKey: string | undefined,
  stream: boolean,
): UpstreamRequest {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
    'anthropic-version': headerValue(client['anthropic-version']) ?? ANTHROPIC_VERSION,
  };
  const beta = headerValue(client['anthropic-beta']);
  if (beta) headers['anthropic-beta'] = beta;
  Object.assign(headers, endpoint.provider.config.headers);
  if (apiKey) headers['x-api-key'] = apiKey;
  const upstreamBody: JsonObject = { ...body, model: endpoint.upstreamModel };
  for (const field of GATEWAY_ONLY_FIELDS) delete upstreamBody[field];
  const search = webSearchOf(body);
  const tools = Array.isArray(body.tools) ? body.tools : [];
  if (search && !tools.some(isWebSearchServerTool)) upstreamBody.tools = [...tools, webSearchTool(search)];
  return { url: endpoint.provider.baseUrl + path, method: 'POST', headers, body: JSON.stringify(upstreamBody) };
}

/** POST /messages as the client sent it; the answer is checked to be a message and its usage read. */
function nativeMessagesAdapter(client: IncomingHttpHeaders): ProviderAdapter {
  return {
    ...anthropicAdapter,
    buildRequest: (_op, endpoint, body, apiKey, stream) => nativeRequest('/messages', client, endpoint, body, apiKey, stream),
    mapResponse(_op, endpoint, json) {
      const parsed = messageSchema.safeParse(json);
      if (!parsed.success) throw invalidUpstream(endpoint.provider.id, 'an answer that is not an Anthropic message');
      return { body: parsed.data, usage: tokenUsageOf(parsed.data.usage), finishReason: finishReasonOf(parsed.data.stop_reason) };
    },
  };
}

function nativeCountTokensAdapter(client: IncomingHttpHeaders): ProviderAdapter {
  return {
    ...anthropicAdapter,
    buildRequest: (_op, endpoint, body, apiKey) => nativeRequest('/messages/count_tokens', client, endpoint, body, apiKey, false),
    mapResponse(_op, endpoint, json) {
      const parsed = tokenCountSchema.safeParse(json);
      if (!parsed.success) throw invalidUpstream(endpoint.provider.id, 'an answer that is not a token count');
      return { body: parsed.data, usage: undefined, finishReason: null };
    },
  };
}

/**
 * Gemini's adapter reads signatures from reasoning_details; so does OpenRouter. DeepSeek's quirk
 * turns them into the reasoning_content it requires after tool calls, unsigned text included.
 * Other compatible APIs refuse the field.
 */
export function replayedReasoning(provider: ResolvedProvider): OpenAiTarget['replayReasoning'] {
  if (provider.family !== 'openai-compatible' || provider.type === 'openrouter') return 'signed';
  return presetQuirks(provider.type).includes('deepseek-reasoning-replay') ? 'all' : 'none';
}

function openAiTarget(endpoint: Endpoint, catalog: ModelCatalog): OpenAiTarget {
  const { provider } = endpoint;
  return {
    maxTokensField: provider.type === 'openai' ? 'max_completion_tokens' : 'max_tokens',
    replayReasoning: replayedReasoning(provider),
    reasoningEffort: catalog.info(endpoint).supportedParameters?.includes('reasoning') === true,
  };
}

function noNativeSearch(model: string, provider: ResolvedProvider): GatewayError {
  return new GatewayError(
    400,
    'web_search_unavailable',
    `Model "${model}" is served by provider "${provider.id}" (type ${provider.type}), which has no native web search for the web_search tool; ` +
      `web search works with providers of type ${WEB_SEARCH_PROVIDERS}`,
    { model, provider: provider.id },
  );
}

/**
 * Puts a web search into the OpenAI body as an OpenAI client would ask for it: routing's
 * `:online` fields as they are, or for the client's web search server tool, the target's native
 * search as `:online` would pick it. Returns the endpoint to send to (OpenRouter searches
 * through its `:online` model).
 */
function withWebSearch(openAi: JsonObject, client: JsonObject, request: TranslatableRequest, endpoint: Endpoint): Endpoint {
  for (const field of WEB_SEARCH_FIELDS) if (client[field] !== undefined) openAi[field] = client[field];
  if (!webSearchToolOf(request) || webSearchOf(openAi)) return endpoint;
  const route = webSearchRoute(endpoint);
  if (!route) throw noNativeSearch(request.model, endpoint.provider);
  Object.assign(openAi, route.extraBody);
  return route.endpoint;
}

/** Wraps a provider's own adapter: the Anthropic body is translated to OpenAI's before it builds the request. */
function translatingAdapter(
  inner: ProviderAdapter,
  catalog: ModelCatalog,
  translatable: (body: JsonObject) => TranslatableRequest,
): ProviderAdapter {
  return {
    ...inner,
    buildRequest(op, endpoint, body, apiKey, stream) {
      const request = translatable(body);
      const openAi = toOpenAiChatBody(request, openAiTarget(endpoint, catalog));
      return inner.buildRequest(op, withWebSearch(openAi, body, request, endpoint), openAi, apiKey, stream);
    },
  };
}

/** The adapters for one POST /messages request. */
export function messagesAdapters(ctx: GatewayContext, client: IncomingHttpHeaders, model: string): Adapters {
  let parsed: TranslatableRequest | undefined;
  const translatable = (body: JsonObject) => (parsed ??= parseTranslatableRequest(body, model));
  const adapters: Adapters = { anthropic: nativeMessagesAdapter(client) };
  for (const family of ['openai-compatible', 'google'] as const) {
    const inner = ctx.adapters[family];
    if (inner) adapters[family] = translatingAdapter(inner, ctx.catalog, translatable);
  }
  return adapters;
}

/** The adapters for one POST /messages/count_tokens request: only Anthropic providers can count. */
export function countTokensAdapters(client: IncomingHttpHeaders): Adapters {
  return { anthropic: nativeCountTokensAdapter(client) };
}
