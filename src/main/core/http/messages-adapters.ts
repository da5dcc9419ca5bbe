/**
 * The adapters a /v1/messages request is dispatched with, so that routing, fallbacks and
 * attempt logging are the router's own. The body handed to `dispatch` is the client's Anthropic
 * request: an Anthropic provider gets it as sent (native pass-through, the answer stays in
 * Anthropic's shape); every other provider gets it translated to an OpenAI chat body for its
 * usual adapter (the answer comes back in OpenAI's shape, translated later by the handler).
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
  type OpenAiTarget,
  type TranslatableRequest,
} from '../protocol/anthropic-inbound/to-openai-request.js';
import { anthropicAdapter } from '../providers/anthropic/anthropic-adapter.js';
import { finishReasonOf, tokenUsageOf } from '../providers/anthropic/usage-mapping.js';
import type { JsonObject, ProviderAdapter } from '../providers/provider-adapter.js';
import type { UpstreamRequest } from '../providers/upstream-http.js';
import type { Endpoint, ResolvedProvider } from '../router/catalog.js';

type Adapters = GatewayContext['adapters'];

/** OpenRouter request extras the gateway interprets; Anthropic's API rejects unknown fields. */
const GATEWAY_ONLY_FIELDS = ['models', 'provider', 'route', 'transforms', 'plugins', 'usage', 'preset'] as const;

const tokenCountSchema = z.looseObject({ input_tokens: z.number().int().nonnegative() });

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

function invalidAnswer(endpoint: Endpoint, what: string): GatewayError {
  const providerId = endpoint.provider.id;
  return new GatewayError(502, 'upstream_invalid_response', `Provider "${providerId}" sent an answer that is not ${what}`, {
    provider: providerId,
  });
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
  return { url: endpoint.provider.baseUrl + path, method: 'POST', headers, body: JSON.stringify(upstreamBody) };
}

/** POST /messages as the client sent it; the answer is checked to be a message and its usage read. */
function nativeMessagesAdapter(client: IncomingHttpHeaders): ProviderAdapter {
  return {
    ...anthropicAdapter,
    buildRequest: (_op, endpoint, body, apiKey, stream) => nativeRequest('/messages', client, endpoint, body, apiKey, stream),
    mapResponse(_op, endpoint, json) {
      const parsed = messageSchema.safeParse(json);
      if (!parsed.success) throw invalidAnswer(endpoint, 'an Anthropic message');
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
      if (!parsed.success) throw invalidAnswer(endpoint, 'a token count');
      return { body: parsed.data, usage: undefined, finishReason: null };
    },
  };
}

/**
 * Gemini's adapter reads signatures from reasoning_details; so does OpenRouter. DeepSeek's quirk
 * turns them into the reasoning_content it requires after tool calls, unsigned text included.
 * Other compatible APIs refuse the field.
 */
function replayedReasoning(provider: ResolvedProvider): OpenAiTarget['replayReasoning'] {
  if (provider.family !== 'openai-compatible' || provider.type === 'openrouter') return 'signed';
  return presetQuirks(provider.type).includes('deepseek-reasoning-replay') ? 'all' : 'none';
}

function openAiTarget(provider: ResolvedProvider): OpenAiTarget {
  return {
    maxTokensField: provider.type === 'openai' ? 'max_completion_tokens' : 'max_tokens',
    replayReasoning: replayedReasoning(provider),
  };
}

/** Wraps a provider's own adapter: the Anthropic body is translated to OpenAI's before it builds the request. */
function translatingAdapter(inner: ProviderAdapter, translatable: (body: JsonObject) => TranslatableRequest): ProviderAdapter {
  return {
    ...inner,
    buildRequest: (op, endpoint, body, apiKey, stream) =>
      inner.buildRequest(op, endpoint, toOpenAiChatBody(translatable(body), openAiTarget(endpoint.provider)), apiKey, stream),
  };
}

/** The adapters for one POST /messages request. */
export function messagesAdapters(base: Adapters, client: IncomingHttpHeaders, model: string): Adapters {
  let parsed: TranslatableRequest | undefined;
  const translatable = (body: JsonObject) => (parsed ??= parseTranslatableRequest(body, model));
  const adapters: Adapters = { anthropic: nativeMessagesAdapter(client) };
  for (const family of ['openai-compatible', 'google'] as const) {
    const inner = base[family];
    if (inner) adapters[family] = translatingAdapter(inner, translatable);
  }
  return adapters;
}

/** The adapters for one POST /messages/count_tokens request: only Anthropic providers can count. */
export function countTokensAdapters(client: IncomingHttpHeaders): Adapters {
  return { anthropic: nativeCountTokensAdapter(client) };
}
