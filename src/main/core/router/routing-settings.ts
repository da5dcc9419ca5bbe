import type { RoutingConfig } from '../config/config-schema.js';

/** Retry, cooldown and circuit-breaker tuning with its defaults filled in. */
export interface RoutingSettings {
  retries: number;
  backoffMs: number;
  /** Backoff steps never exceed this, whatever the retry number. */
  maxBackoffMs: number;
  maxRetryAfterMs: number;
  /** All waiting one request may do across its retries. */
  totalWaitMs: number;
  failureThreshold: number;
  cooldownMs: number;
  /** A failed half-open probe doubles the cooldown, up to this. */
  maxCooldownMs: number;
  keyCooldownMs: number;
}

/**
 * Short waits are absorbed here; a Retry-After over 5 s goes back to the client, whose SDK
 * knows how long its user will wait (and retries on its own: retrying long in two layers
 * multiplies the load on an upstream that is already struggling).
 */
export function routingSettings(config: RoutingConfig = {}): RoutingSettings {
  const cooldownMs = config.cooldownMs ?? 30_000;
  const maxRetryAfterMs = config.maxRetryAfterMs ?? 5_000;
  return {
    retries: config.retries ?? 2,
    backoffMs: config.backoffMs ?? 250,
    maxBackoffMs: 4_000,
    maxRetryAfterMs,
    totalWaitMs: Math.max(10_000, maxRetryAfterMs),
    failureThreshold: config.failureThreshold ?? 3,
    cooldownMs,
    maxCooldownMs: Math.max(cooldownMs, 5 * 60_000),
    keyCooldownMs: config.keyCooldownMs ?? 60_000,
  };
}
