/** What a provider sent, checked at the edge: anything unreadable is the provider's fault (502). */
import type { z } from 'zod';
import { GatewayError } from '../../../../shared/errors.js';

/** `what` completes "Provider "…" sent …". */
export function invalidUpstream(providerId: string, what: string): GatewayError {
  return new GatewayError(502, 'upstream_invalid_response', `Provider "${providerId}" sent ${what}`, { provider: providerId });
}

/** JSON text from a provider, parsed and checked against `schema`. */
export function parseUpstreamJson<T>(schema: z.ZodType<T>, text: string, providerId: string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw invalidUpstream(providerId, what);
}
