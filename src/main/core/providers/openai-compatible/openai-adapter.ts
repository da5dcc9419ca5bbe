import { parseOpenAiUsage } from '../../protocol/token-usage.js';
import type { Endpoint } from '../../router/catalog.js';
import type { JsonObject, MappedResponse, Operation, ProviderAdapter, StreamMapper, UpstreamErrorDetail } from '../provider-adapter.js';
import type { UpstreamRequest } from '../upstream-http.js';
import { quirksOf, rewriteChunk } from './quirks/preset-quirks.js';
import { isObject } from './quirks/wire-json.js';

const OPERATION_PATHS: Record<Operation, string> = {
  chat: '/chat/completions',
  completions: '/completions',
  embeddings: '/embeddings',
};

/**
 * OpenRouter request extras that are the gateway's to interpret; strict upstreams
 * (OpenAI itself) reject unknown parameters, so they are not forwarded (but to OpenRouter
 * itself, which gets those it alone can act on: quirks/openrouter-extras.ts).
 */
export const GATEWAY_ONLY_FIELDS = ['models', 'provider', 'route', 'transforms', 'plugins', 'usage', 'preset'] as const;

/** The body as the upstream gets it; a chat body also goes through the provider type's quirks (config/presets.ts). */
export function upstreamBody(op: Operation, endpoint: Endpoint, body: JsonObject, stream: boolean): JsonObject {
  const out: JsonObject = { ...body, model: endpoint.upstreamModel };
  for (const field of GATEWAY_ONLY_FIELDS) delete out[field];
  if (stream && op !== 'embeddings') {
    // Every request is costed, so usage is always asked for.
    const streamOptions = isObject(body.stream_options) ? body.stream_options : {};
    out.stream_options = { ...streamOptions, include_usage: true };
  }
  if (op === 'chat') for (const quirk of quirksOf(endpoint.provider.type).request) quirk(out, body);
  return out;
}

const PASS_THROUGH: StreamMapper = { onEvent: (event) => [event.data], onEnd: () => [] };

function firstFinishReason(json: JsonObject): string | null {
  const choices = json.choices;
  if (!Array.isArray(choices)) return null;
  const first: unknown = choices[0];
  return isObject(first) && typeof first.finish_reason === 'string' ? first.finish_reason : null;
}

/**
 * Pass-through: the body goes upstream as sent (model renamed), the answer comes back as
 * answered, but for the departures from OpenAI's format that a provider type is known for.
 */
export const openAiCompatibleAdapter: ProviderAdapter = {
  supports: () => true,

  buildRequest(op, endpoint, body, apiKey, stream): UpstreamRequest {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
      ...endpoint.provider.config.headers,
    };
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;
    return {
      url: endpoint.provider.baseUrl + OPERATION_PATHS[op],
      method: 'POST',
      headers,
      body: JSON.stringify(upstreamBody(op, endpoint, body, stream)),
    };
  },

  mapResponse(op, endpoint, json): MappedResponse {
    const body = isObject(json) ? json : { value: json };
    if (op === 'chat') for (const quirk of quirksOf(endpoint.provider.type).response) quirk(body);
    return { body, usage: parseOpenAiUsage(body.usage), finishReason: firstFinishReason(body) };
  },

  createStreamMapper(op, endpoint): StreamMapper {
    const quirks = op === 'chat' ? quirksOf(endpoint.provider.type).chunk : [];
    if (quirks.length === 0) return PASS_THROUGH;
    return { onEvent: (event) => [rewriteChunk(event.data, quirks)], onEnd: () => [] };
  },

  parseError(status, text): UpstreamErrorDetail {
    return parseOpenAiStyleError(status, text);
  },

  listModelsRequest({ baseUrl }, apiKey): UpstreamRequest {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;
    return { url: `${baseUrl}/models`, method: 'GET', headers };
  },

  parseModelList(json): string[] {
    if (!isObject(json) || !Array.isArray(json.data)) return [];
    return json.data.flatMap((m: unknown) => (isObject(m) && typeof m.id === 'string' ? [m.id] : []));
  },
};

/**
 * Pydantic validation errors, `[{loc, msg}]`, as Mistral (its 422 `extra_forbidden`) and FastAPI
 * servers send them, bare or under `detail`: "body.stream_options: Extra inputs are not permitted".
 */
function validationMessage(value: unknown): string | undefined {
  const items = Array.isArray(value) ? value : isObject(value) && Array.isArray(value.detail) ? value.detail : undefined;
  if (!items) return undefined;
  const lines = items.flatMap((item: unknown) => {
    if (!isObject(item) || typeof item.msg !== 'string') return [];
    return [Array.isArray(item.loc) ? `${item.loc.join('.')}: ${item.msg}` : item.msg];
  });
  return lines.length > 0 ? lines.join('; ') : undefined;
}

function messageOf(error: JsonObject): string | undefined {
  for (const key of ['message', 'error', 'detail'] as const) {
    const value = error[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return validationMessage(error.message) ?? validationMessage(error);
}

/**
 * `{"error":{"message","type","code","param"}}` and its common variants: `{"error":"…"}`
 * (Ollama's native API), Mistral's validation errors, FastAPI's `detail`; raw text as a last resort.
 */
export function parseOpenAiStyleError(status: number, text: string): UpstreamErrorDetail {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const error: unknown = isObject(parsed) ? (parsed.error ?? parsed) : undefined;
  if (typeof error === 'string' && error !== '') return { message: error, metadata: { upstream_status: status } };
  if (isObject(error)) {
    const message = messageOf(error);
    const metadata: Record<string, unknown> = { upstream_status: status };
    for (const key of ['type', 'code', 'param'] as const) if (error[key] !== undefined && error[key] !== null) metadata[key] = error[key];
    if (message) return { message, metadata };
  }
  const snippet = text.trim().slice(0, 500);
  return { message: snippet || `HTTP ${status}`, metadata: { upstream_status: status } };
}
