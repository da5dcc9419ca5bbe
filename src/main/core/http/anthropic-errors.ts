import type { ServerResponse } from 'node:http';
import { toGatewayError, type GatewayError } from '../../../shared/errors.js';
import { sendJson } from './respond.js';

/** Anthropic's error `type` strings (https://docs.anthropic.com/en/api/errors). */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'timeout_error'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

export interface AnthropicErrorResponse {
  type: 'error';
  error: { type: AnthropicErrorType; message: string };
}

function errorTypeFor(error: GatewayError): AnthropicErrorType {
  // Clients such as Claude Code back off differently when the provider says it is overloaded.
  if (error.metadata?.type === 'overloaded_error') return 'overloaded_error';
  const { status } = error;
  if (status === 400 || status === 413 || status === 415 || status === 422) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 402) return 'billing_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 408 || status === 504) return 'timeout_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 529) return 'overloaded_error';
  return 'api_error';
}

/** `{"type":"error","error":{"type":…,"message":…}}`: Anthropic's shape has no metadata, the message carries the detail. */
export function anthropicErrorBody(error: GatewayError): AnthropicErrorResponse {
  return { type: 'error', error: { type: errorTypeFor(error), message: error.message } };
}

/** Any thrown value as an Anthropic-shaped error response; unknown errors are opaque 500s. */
export function sendAnthropicError(res: ServerResponse, err: unknown): void {
  const error = toGatewayError(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, error.status, anthropicErrorBody(error), error.headers);
}
