import { parseOpenAiUsage } from '../../protocol/token-usage.js';
import type { Endpoint } from '../../router/catalog.js';
import type { JsonObject, MappedResponse, Operation, ProviderAdapter, StreamMapper, UpstreamErrorDetail } from '../provider-adapter.js';
import type { UpstreamRequest } from '../upstream-http.js';

const OPERATION_PATHS: Record<Operation, string> = {
  chat: '/chat/completions',
  completions: '/completions',
  embeddings: '/embeddings',
};

/**
 * OpenRouter request extras that are the gateway's to interpret; strict upstreams
 * (OpenAI itself) reject unknown parameters, so they are not forwarded.
 */
const GATEWAY_ONLY_FIELDS = ['models', 'provider', 'route', 'transforms', 'plugins', 'usage', 'preset'] as const;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function upstreamBody(op: Operation, endpoint: Endpoint, body: JsonObject, stream: boolean): JsonObject {
  const out: JsonObject = { ...body, model: endpoint.upstreamModel };
  for (const field of GATEWAY_ONLY_FIELDS) delete out[field];
  if (stream && op !== 'embeddings') {
    // Every request is costed, so usage is always asked for.
    const streamOptions = isObject(body.stream_options) ? body.stream_options : {};
    out.stream_options = { ...streamOptions, include_usage: true };
  }
  return out;
}

function firstFinishReason(json: JsonObject): string | null {
  const choices = json.choices;
  if (!Array.isArray(choices)) return null;
  const first: unknown = choices[0];
  return isObject(first) && typeof first.finish_reason === 'string' ? first.finish_reason : null;
}

/** Pass-through: the body goes upstream as sent (model renamed), the answer comes back as answered. */
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

  mapResponse(_op, _endpoint, json): MappedResponse {
    const body = isObject(json) ? json : { value: json };
    return { body, usage: parseOpenAiUsage(body.usage), finishReason: firstFinishReason(body) };
  },

  createStreamMapper(): StreamMapper {
    return { onEvent: (event) => [event.data], onEnd: () => [] };
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

/** `{"error":{"message","type","code","param"}}` and its common variants; raw text as a last resort. */
export function parseOpenAiStyleError(status: number, text: string): UpstreamErrorDetail {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const error: unknown = isObject(parsed) ? (parsed.error ?? parsed) : undefined;
  if (isObject(error)) {
    const message =
      typeof error.message === 'string' ? error.message : typeof error.error === 'string' ? error.error : undefined;
    const metadata: Record<string, unknown> = { upstream_status: status };
    for (const key of ['type', 'code', 'param'] as const) if (error[key] !== undefined && error[key] !== null) metadata[key] = error[key];
    if (message) return { message, metadata };
  }
  const snippet = text.trim().slice(0, 500);
  return { message: snippet || `HTTP ${status}`, metadata: { upstream_status: status } };
}
