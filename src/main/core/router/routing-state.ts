import type { RoutingConfig } from '../config/config-schema.js';
import type { TokenRates } from '../usage/pricing.js';
import type { UsageQueries } from '../usage/usage-queries.js';
import type { UsageRecord } from '../usage/usage-record.js';
import type { UsageWriter } from '../usage/usage-writer.js';
import { CacheAffinity } from './cache-affinity.js';
import type { Endpoint } from './catalog.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { EndpointHealth } from './endpoint-health.js';
import { isEndpointFault } from './retry-policy.js';
import { routingSettings, type RoutingSettings } from './routing-settings.js';

/** An error rate at or above this (over at least DEGRADED_MIN_REQUESTS) ranks an endpoint behind healthy ones. */
const DEGRADED_ERROR_RATE = 0.3;
const DEGRADED_MIN_REQUESTS = 3;

/**
 * What routing remembers between requests: endpoint health (from the usage log), circuit
 * breakers, conversation stickiness and endpoint prices. Every lookup on the request path is
 * a map read; the work happens when usage rows commit.
 */
export class RoutingState {
  readonly settings: RoutingSettings;
  readonly health: EndpointHealth;
  readonly breaker: CircuitBreaker;
  readonly affinity: CacheAffinity;

  constructor(config: RoutingConfig = {}, now: () => number = Date.now) {
    this.settings = routingSettings(config);
    this.health = new EndpointHealth(60 * 60_000, 512, now);
    this.breaker = new CircuitBreaker(this.settings, now);
    this.affinity = new CacheAffinity(5 * 60_000, 10_000, now);
  }

  /** Per-token prices, from the endpoint's price resolved when the endpoint was. */
  ratesOf(endpoint: Endpoint): TokenRates | null {
    return endpoint.price.rates();
  }

  /**
   * Behind healthy endpoints in the default order: it failed often in the last hour. (An open
   * circuit keeps an endpoint out altogether; a half-open one is due for its probe.)
   */
  isDegraded(key: string): boolean {
    const summary = this.health.summary(key);
    return !!summary && summary.requests >= DEGRADED_MIN_REQUESTS && (summary.errorRate ?? 0) >= DEGRADED_ERROR_RATE;
  }

  /**
   * Seeds health from the last hour of the usage log, then follows every committed batch.
   * Returns a function that stops following.
   */
  follow(writer: UsageWriter, queries: UsageQueries, now: () => number = Date.now): () => void {
    this.health.ingest(queries.list({ sinceMs: now() - this.health.windowMs }));
    const unsubscribe = writer.onCommit((rows) => this.onCommit(rows));
    const timer = setInterval(() => this.health.prune(), 60_000);
    timer.unref();
    return () => {
      unsubscribe();
      clearInterval(timer);
    };
  }

  /**
   * The answering endpoint's circuit learns the request's outcome here, once its stream has
   * ended: a stream that breaks after the headers is a failure too. Failed tries were already
   * counted by dispatch as they happened.
   */
  private onCommit(rows: readonly UsageRecord[]): void {
    this.health.ingest(rows);
    for (const row of rows) {
      const answered = row.attempts.findLast((a) => a.outcome === 'ok');
      if (!answered) continue;
      const key = `${answered.provider}/${answered.model}`;
      if (row.status === 499) this.breaker.release(key);
      else if (isEndpointFault(row.errorCode ?? undefined, row.status)) this.breaker.failure(key);
      else this.breaker.success(key);
    }
  }
}
