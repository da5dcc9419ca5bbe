import { GatewayError } from '../../../../shared/errors.js';
import { errorBodySchema, type AnthropicErrorObject } from '../../protocol/anthropic-wire.js';
import { parseOpenAiStyleError } from '../openai-compatible/openai-adapter.js';
import type { UpstreamErrorDetail } from '../provider-adapter.js';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `{"type":"error","error":{"type","message"},"request_id"}`; anything else as OpenAI-style or raw text. */
export function parseAnthropicError(status: number, text: string): UpstreamErrorDetail {
  const parsed = errorBodySchema.safeParse(parseJson(text));
  if (!parsed.success) return parseOpenAiStyleError(status, text);
  const { error, request_id: requestId } = parsed.data;
  const metadata: Record<string, unknown> = { upstream_status: status, type: error.type };
  if (requestId) metadata.request_id = requestId;
  return { message: error.message, metadata };
}

/**
 * An `error` event in the middle of a stream (overloaded_error, api_error, …): the HTTP status
 * was already 200, so it becomes the stream's failure, with the provider's message kept.
 */
export function streamErrorOf(providerId: string, error: AnthropicErrorObject): GatewayError {
  const metadata = { provider: providerId, type: error.type };
  if (error.type === 'rate_limit_error') return new GatewayError(429, 'upstream_rate_limited', error.message, metadata);
  return new GatewayError(502, 'upstream_error', `Provider "${providerId}" failed mid-stream: ${error.message}`, metadata);
}
