/**
 * Google providers speak generateContent: they get the client's body as sent, at the model's
 * own method (streams always as SSE upstream), and their answer is relayed as it is.
 */
import { invalidUpstream } from '../protocol/anthropic-inbound/upstream-json.js';
import { openAiFinishReason, finishReasonName } from '../providers/google/finish-reason.js';
import { generateContentResponseSchema, type GenerateContentResponse } from '../providers/google/gemini-wire.js';
import { geminiHeaders } from '../providers/google/model-list.js';
import { geminiUsage } from '../providers/google/usage.js';
import type { JsonObject } from '../providers/provider-adapter.js';
import type { UpstreamRequest } from '../providers/upstream-http.js';
import type { Endpoint } from '../router/catalog.js';
import type { NativeTarget } from './inbound-adapters.js';

export function speaksGemini(endpoint: Endpoint): boolean {
  return endpoint.provider.family === 'google';
}

export function geminiMethodRequest(endpoint: Endpoint, method: string, body: JsonObject, apiKey: string | undefined, stream: boolean): UpstreamRequest {
  const headers = geminiHeaders(apiKey, {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
    ...endpoint.provider.config.headers,
  });
  const model = encodeURIComponent(endpoint.upstreamModel.replace(/^models\//, ''));
  return { url: `${endpoint.provider.baseUrl}/models/${model}:${method}`, method: 'POST', headers, body: JSON.stringify(body) };
}

/** The usage and finish reason of one (whole or streamed) Gemini answer, in the usage log's terms. */
export function geminiAnswerFacts(response: GenerateContentResponse): { usage: ReturnType<typeof geminiUsage> | undefined; finishReason: string | null } {
  const candidate = response.candidates?.[0];
  const native = finishReasonName(candidate?.finishReason);
  const calls = (candidate?.content?.parts ?? []).some((part) => part.functionCall);
  return {
    usage: response.usageMetadata ? geminiUsage(response.usageMetadata) : undefined,
    finishReason: native === undefined ? null : openAiFinishReason(native, calls),
  };
}

export function geminiNative(client: JsonObject): NativeTarget {
  return {
    matches: speaksGemini,
    buildRequest: (endpoint, apiKey, stream) =>
      geminiMethodRequest(endpoint, stream ? 'streamGenerateContent?alt=sse' : 'generateContent', client, apiKey, stream),
    mapResponse(endpoint, json) {
      const parsed = generateContentResponseSchema.safeParse(json);
      if (!parsed.success) throw invalidUpstream(endpoint.provider.id, 'an answer that is not a generateContent response');
      return { body: json as JsonObject, ...geminiAnswerFacts(parsed.data) };
    },
  };
}
