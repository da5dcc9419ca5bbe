import type { ServerResponse } from 'node:http';
import { toGatewayError, type GatewayError } from '../../../shared/errors.js';
import { sendJson } from './respond.js';

/** google.rpc.Code names, by HTTP status, as Google's REST APIs answer them. */
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  402: 'FAILED_PRECONDITION',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  408: 'DEADLINE_EXCEEDED',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  415: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** `{"error":{"code","message","status"}}`, Google's shape, which Gemini clients read. */
export function googleErrorBody(error: GatewayError): { error: { code: number; message: string; status: string } } {
  return { error: { code: error.status, message: error.message, status: STATUS_NAMES[error.status] ?? (error.status >= 500 ? 'INTERNAL' : 'UNKNOWN') } };
}

export function sendGoogleError(res: ServerResponse, err: unknown): void {
  const error = toGatewayError(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, error.status, googleErrorBody(error), error.headers);
}
