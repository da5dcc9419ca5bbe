import { ANTHROPIC_VERSION } from '../../protocol/anthropic-wire.js';
import { answerOptionsOf } from '../../protocol/openai-chat-request.js';
import type { ProviderAdapter } from '../provider-adapter.js';
import type { UpstreamRequest } from '../upstream-http.js';
import { parseAnthropicError } from './error-parsing.js';
import { listModelsRequest, parseModelList } from './model-listing.js';
import { toAnthropicRequest } from './request-mapping.js';
import { toChatCompletion } from './response-mapping.js';
import { AnthropicStreamMapper } from './stream-mapper.js';

/** OpenAI chat/completions served by Anthropic's Messages API (`POST {baseUrl}/messages`). */
export const anthropicAdapter: ProviderAdapter = {
  supports: (op) => op === 'chat',

  buildRequest(_op, endpoint, body, apiKey, stream): UpstreamRequest {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
      'anthropic-version': ANTHROPIC_VERSION,
      // e.g. `anthropic-beta` for a feature in preview.
      ...endpoint.provider.config.headers,
    };
    if (apiKey) headers['x-api-key'] = apiKey;
    return {
      url: `${endpoint.provider.baseUrl}/messages`,
      method: 'POST',
      headers,
      body: JSON.stringify(toAnthropicRequest(body, endpoint.upstreamModel, stream)),
    };
  },

  mapResponse: (_op, endpoint, json, request) => toChatCompletion(json, endpoint.provider.id, answerOptionsOf(request)),

  createStreamMapper: (_op, endpoint, request) =>
    new AnthropicStreamMapper(endpoint.provider.id, endpoint.upstreamModel, answerOptionsOf(request)),

  parseError: parseAnthropicError,

  listModelsRequest: ({ baseUrl }, apiKey) => listModelsRequest(baseUrl, apiKey),

  parseModelList,
};
