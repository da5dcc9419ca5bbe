import type { GatewayError } from '../../../shared/errors.js';
import type { RoutingSettings } from './routing-settings.js';
import type { CancelSignal } from '../providers/request-cancel.js';

/** Failures that say the endpoint is unwell (they count toward its circuit breaker and error rate). */
const ENDPOINT_FAULTS = new Set([
  'upstream_unreachable',
  'upstream_timeout',
  'upstream_invalid_response',
  'upstream_stream_cut',
  'upstream_redirect',
]);

export function isEndpointFault(reason: string | undefined, status: number | undefined): boolean {
  if (reason === undefined) return false;
  if (reason === 'upstream_error') return (status ?? 0) >= 500;
  return ENDPOINT_FAULTS.has(reason);
}

/** Failures another endpoint (or a later try) might not have: nothing has reached the client yet. */
export function isFailover(err: GatewayError): boolean {
  return err.status === 408 || err.status === 429 || err.status >= 500 || err.reason === 'missing_provider_key';
}

/** The key was refused or throttled: another key of the same provider may do. */
export function isKeyFailure(err: GatewayError): boolean {
  return err.reason === 'upstream_auth' || err.reason === 'upstream_rate_limited';
}

/**
 * Retry-After as milliseconds: OpenAI's `retry-after-ms`, else `retry-after` in seconds or
 * as an HTTP date. Undefined when absent or unreadable.
 */
export function retryAfterMs(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | undefined {
  const ms = headers['retry-after-ms'];
  if (typeof ms === 'string' && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const value = headers['retry-after'];
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface RetryContext {
  /** Tries of this endpoint so far (1 after the first). */
  tries: number;
  /** Waiting this request has already done. */
  waitedMs: number;
  /** The upstream's Retry-After, if it sent one. */
  retryAfterMs: number | undefined;
}

/**
 * How long to wait before trying the same endpoint again, or undefined to move on to the
 * next endpoint. Waiting is for failures where it is known to help: a 429 or 503 whose
 * Retry-After is short, a 429 without one (exponential backoff with jitter), and a connection
 * that failed before any answer. Other 5xx and timeouts move on at once: another endpoint is
 * the better bet, and the client's SDK retries on its own once every endpoint has failed.
 */
export function sameEndpointDelay(
  err: GatewayError,
  ctx: RetryContext,
  settings: RoutingSettings,
  random: () => number = Math.random,
): number | undefined {
  if (ctx.tries > settings.retries) return undefined;
  const upstreamStatus = err.metadata?.upstream_status;
  const waitable = err.status === 429 || upstreamStatus === 503 || err.reason === 'upstream_unreachable';
  if (!waitable) return undefined;
  let delay: number;
  if (ctx.retryAfterMs !== undefined) {
    if (ctx.retryAfterMs > settings.maxRetryAfterMs) return undefined;
    delay = ctx.retryAfterMs;
  } else {
    if (upstreamStatus === 503) return undefined;
    const step = Math.min(settings.maxBackoffMs, settings.backoffMs * 2 ** (ctx.tries - 1));
    delay = step / 2 + random() * (step / 2);
  }
  return ctx.waitedMs + delay > settings.totalWaitMs ? undefined : Math.round(delay);
}

/** Resolves after `ms`, or rejects at once when `signal` aborts (a client gone mid-backoff). */
export function sleep(ms: number, signal: CancelSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
