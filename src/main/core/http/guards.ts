import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../../../shared/errors.js';

/**
 * A browser on this machine can reach 127.0.0.1, so every request must prove it is not a
 * cross-site one: DNS rebinding shows up as a foreign Host, cross-origin fetches and form
 * posts as a foreign (or "null") Origin or a cross-site Sec-Fetch-Site.
 */
export function loopbackOrigins(port: number): Set<string> {
  return new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`]);
}

/**
 * A repeated Host arrives joined ("a, b": the server joins duplicate headers), so it matches
 * no allowed name and is refused like a foreign one.
 */
export function checkHost(req: IncomingMessage, port: number): void {
  const host = req.headers.host?.toLowerCase();
  if (host === `127.0.0.1:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`) return;
  throw new GatewayError(403, 'forbidden_host', 'Host header must be 127.0.0.1, localhost or [::1] with the server port');
}

/**
 * Only origin-form targets (`/path?query`): an absolute-form target (`GET http://evil/`) names
 * its own host, which would override the Host header this guard checked.
 */
export function checkRequestTarget(req: IncomingMessage): void {
  if (req.url?.startsWith('/')) return;
  throw new GatewayError(400, 'invalid_request_target', 'The request target must be a path, such as /v1/models');
}

export function checkOrigin(req: IncomingMessage, allowed: Set<string>): void {
  const origin = req.headers.origin;
  if (origin !== undefined && !allowed.has(origin.toLowerCase())) {
    throw new GatewayError(403, 'forbidden_origin', 'Cross-origin requests are not allowed');
  }
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') {
    throw new GatewayError(403, 'forbidden_origin', 'Cross-site requests are not allowed');
  }
}

/** The three content types a page may POST cross-site without a preflight. */
const SIMPLE_FORM_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'];

export function checkJsonContentType(req: IncomingMessage): void {
  const type = req.headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase();
  if (type === undefined || type === 'application/json' || type.endsWith('+json')) return;
  if (SIMPLE_FORM_TYPES.includes(type)) {
    throw new GatewayError(415, 'unsupported_media_type', 'Request bodies must be application/json');
  }
}
