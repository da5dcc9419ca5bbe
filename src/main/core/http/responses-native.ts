/**
 * OpenAI's own API speaks the Responses API: an `openai` provider gets the client's body as sent
 * (model renamed, gateway extras removed) at its /responses, and its answer is relayed as it is.
 * Compatible servers (OpenRouter's too) get the translated chat body.
 */
import { invalidUpstream } from '../protocol/anthropic-inbound/upstream-json.js';
import { nativeFinishReason, nativeResponseSchema, nativeUsageOf } from '../protocol/responses/native-response.js';
import { GATEWAY_ONLY_FIELDS } from '../providers/openai-compatible/openai-adapter.js';
import type { JsonObject } from '../providers/provider-adapter.js';
import type { Endpoint } from '../router/catalog.js';
import type { NativeTarget } from './inbound-adapters.js';

export function speaksResponses(endpoint: Endpoint): boolean {
  return endpoint.provider.type === 'openai';
}

export function responsesNative(client: JsonObject): NativeTarget {
  return {
    matches: speaksResponses,
    buildRequest(endpoint, apiKey, stream) {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: stream ? 'text/event-stream' : 'application/json',
        ...endpoint.provider.config.headers,
      };
      if (apiKey) headers.authorization = `Bearer ${apiKey}`;
      const body: JsonObject = { ...client, model: endpoint.upstreamModel };
      for (const field of GATEWAY_ONLY_FIELDS) delete body[field];
      return { url: `${endpoint.provider.baseUrl}/responses`, method: 'POST', headers, body: JSON.stringify(body) };
    },
    mapResponse(endpoint, json) {
      const parsed = nativeResponseSchema.safeParse(json);
      if (!parsed.success) throw invalidUpstream(endpoint.provider.id, 'an answer that is not a Responses API response');
      return { body: json as JsonObject, usage: nativeUsageOf(parsed.data), finishReason: nativeFinishReason(parsed.data) };
    },
  };
}
