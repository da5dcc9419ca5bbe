import { randomUUID } from 'node:crypto';
import type { ProviderAdapter } from '../provider-adapter.js';
import type { UpstreamRequest } from '../upstream-http.js';
import { parseGeminiError } from './gemini-errors.js';
import { geminiHeaders, listModelsRequest, parseModelList } from './model-list.js';
import { toGenerateContentRequest } from './request-mapping.js';
import { toChatCompletion } from './response-mapping.js';
import { GeminiStreamMapper } from './stream-mapper.js';

/** Tool-call ids derive from Gemini's responseId; this stands in when an answer has none. */
function fallbackResponseId(): string {
  return randomUUID().replaceAll('-', '');
}

/**
 * Google Gemini (generativelanguage v1beta) behind the OpenAI chat endpoint: JSON via
 * `models/{model}:generateContent`, streams via `:streamGenerateContent?alt=sse`. The key
 * travels in `x-goog-api-key`, never in the URL.
 */
export const googleAdapter: ProviderAdapter = {
  supports: (op) => op === 'chat',

  buildRequest(_op, endpoint, body, apiKey, stream): UpstreamRequest {
    const model = encodeURIComponent(endpoint.upstreamModel.replace(/^models\//, ''));
    const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
    const headers = geminiHeaders(apiKey, {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
      ...endpoint.provider.config.headers,
    });
    return {
      url: `${endpoint.provider.baseUrl}/models/${model}:${method}`,
      method: 'POST',
      headers,
      body: JSON.stringify(toGenerateContentRequest(body)),
    };
  },

  mapResponse: (_op, endpoint, json) => toChatCompletion(json, endpoint.upstreamModel, fallbackResponseId()),

  createStreamMapper: (_op, endpoint) => new GeminiStreamMapper(endpoint.upstreamModel, fallbackResponseId()),

  parseError: parseGeminiError,

  listModelsRequest: ({ baseUrl }, apiKey) => listModelsRequest(baseUrl, apiKey),

  parseModelList,
};
