import type { ServerResponse } from 'node:http';
import { toGatewayError } from '../../../shared/errors.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Any thrown value becomes an OpenAI-shaped error; unknown errors are opaque 500s. */
export function sendError(res: ServerResponse, err: unknown): number {
  const error = toGatewayError(err);
  if (res.headersSent) {
    res.destroy();
    return error.status;
  }
  sendJson(res, error.status, error.toBody(), error.headers);
  return error.status;
}
