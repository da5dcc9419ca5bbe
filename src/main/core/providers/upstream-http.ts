import { Agent, type Dispatcher } from 'undici';
import { GatewayError } from '../../../shared/errors.js';
import type { CancelSignal } from './request-cancel.js';

export interface UpstreamRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

export interface UpstreamTimeouts {
  connectMs: number;
  /** Until response headers arrive (a slow model may think a long time before answering). */
  headersMs: number;
  /** Longest silence between two body chunks. */
  idleMs: number;
}

export const DEFAULT_TIMEOUTS: UpstreamTimeouts = { connectMs: 10_000, headersMs: 300_000, idleMs: 300_000 };

/** One keep-alive pool for all upstreams. undici's `request` never follows redirects. */
export function createUpstreamAgent(timeouts: UpstreamTimeouts): Agent {
  return new Agent({
    connect: { timeout: timeouts.connectMs },
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.idleMs,
    keepAliveTimeout: 30_000,
    pipelining: 1,
  });
}

export type UpstreamResponse = Dispatcher.ResponseData;

/** Upstream URLs by endpoint and operation: a handful per config, parsed once rather than per request. */
const MAX_PARSED_URLS = 256;
const parsedUrls = new Map<string, { origin: string; path: string }>();

function originAndPath(url: string): { origin: string; path: string } {
  let parsed = parsedUrls.get(url);
  if (!parsed) {
    const { origin, pathname, search } = new URL(url);
    parsed = { origin, path: pathname + search };
    if (parsedUrls.size >= MAX_PARSED_URLS) parsedUrls.clear();
    parsedUrls.set(url, parsed);
  }
  return parsed;
}

export async function sendUpstream(
  agent: Agent,
  req: UpstreamRequest,
  signal: CancelSignal,
  providerId: string,
): Promise<UpstreamResponse> {
  try {
    const { origin, path } = originAndPath(req.url);
    // undici takes any object with add/removeEventListener and `aborted` as its signal (request-cancel.ts).
    return await agent.request({ origin, path, method: req.method, headers: req.headers, body: req.body, signal: signal as AbortSignal });
  } catch (err) {
    throw upstreamFailure(err, providerId, signal);
  }
}

/** Maps transport failures to gateway errors; the messages never carry URLs, headers or keys. */
export function upstreamFailure(err: unknown, providerId: string, signal?: CancelSignal): GatewayError {
  if (err instanceof GatewayError) return err;
  if (signal?.aborted) return new GatewayError(499, 'cancelled', 'Request cancelled by the client');
  const code = (err as { code?: string } | undefined)?.code ?? '';
  // Transport errors carry a code (ECONNREFUSED, UND_ERR_*); anything else is the gateway's own bug,
  // which must neither blame the provider (health, circuit breaker) nor leak its details.
  if (!code) return new GatewayError(500, 'internal_error', 'Internal gateway error', { provider: providerId });
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new GatewayError(408, 'upstream_timeout', `Provider "${providerId}" timed out`, { provider: providerId });
  }
  return new GatewayError(502, 'upstream_unreachable', `Could not reach provider "${providerId}" (${code})`, {
    provider: providerId,
  });
}
