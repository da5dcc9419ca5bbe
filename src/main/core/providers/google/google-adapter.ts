import { randomUUID } from 'node:crypto';
import { answerOptionsOf } from '../../protocol/openai-chat-request.js';
import type { Endpoint } from '../../router/catalog.js';
import type { ProviderAdapter } from '../provider-adapter.js';
import type { UpstreamRequest } from '../upstream-http.js';
import { parseEmbeddingsRequest, toBatchEmbedRequest } from './embedding-request.js';
import { toEmbeddingsList } from './embedding-response.js';
import { parseGeminiError } from './gemini-errors.js';
import { geminiHeaders, listModelsRequest, parseModelList } from './model-list.js';
import { toGenerateContentRequest } from './request-mapping.js';
import { toChatCompletion } from './response-mapping.js';
import { GeminiStreamMapper } from './stream-mapper.js';

/** Tool-call ids derive from Gemini's responseId; this stands in when an answer has none. */
function fallbackResponseId(): string {
  return randomUUID().replaceAll('-', '');
}

function modelName(endpoint: Endpoint): string {
  return endpoint.upstreamModel.replace(/^models\//, '');
}

function post(endpoint: Endpoint, method: string, apiKey: string | undefined, stream: boolean, body: unknown): UpstreamRequest {
  const headers = geminiHeaders(apiKey, {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
    ...endpoint.provider.config.headers,
  });
  const model = encodeURIComponent(modelName(endpoint));
  return { url: `${endpoint.provider.baseUrl}/models/${model}:${method}`, method: 'POST', headers, body: JSON.stringify(body) };
}

/**
 * Google Gemini (generativelanguage v1beta) behind the OpenAI endpoints: chat as JSON via
 * `models/{model}:generateContent` or streamed via `:streamGenerateContent?alt=sse`, embeddings
 * via `:batchEmbedContents`. The key travels in `x-goog-api-key`, never in the URL.
 */
export const googleAdapter: ProviderAdapter = {
  supports: (op) => op === 'chat' || op === 'embeddings',

  buildRequest(op, endpoint, body, apiKey, stream): UpstreamRequest {
    if (op === 'embeddings') return post(endpoint, 'batchEmbedContents', apiKey, false, toBatchEmbedRequest(body, modelName(endpoint)));
    const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
    return post(endpoint, method, apiKey, stream, toGenerateContentRequest(body));
  },

  mapResponse(op, endpoint, json, request) {
    if (op === 'embeddings') {
      return toEmbeddingsList(json, endpoint.upstreamModel, parseEmbeddingsRequest(request).encoding_format ?? 'float');
    }
    return toChatCompletion(json, endpoint.upstreamModel, fallbackResponseId(), answerOptionsOf(request));
  },

  createStreamMapper: (_op, endpoint, request) =>
    new GeminiStreamMapper(endpoint.upstreamModel, fallbackResponseId(), answerOptionsOf(request)),

  parseError: parseGeminiError,

  listModelsRequest: ({ baseUrl }, apiKey) => listModelsRequest(baseUrl, apiKey),

  parseModelList,
};
