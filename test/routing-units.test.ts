import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../src/shared/errors.js';
import { parseConfig } from '../src/main/core/config/load-config.js';
import { CacheAffinity } from '../src/main/core/router/cache-affinity.js';
import { ModelCatalog } from '../src/main/core/router/catalog.js';
import { CircuitBreaker } from '../src/main/core/router/circuit-breaker.js';
import { EndpointHealth } from '../src/main/core/router/endpoint-health.js';
import { splitVariant } from '../src/main/core/router/model-variants.js';
import { NO_PREFERENCES, parseProviderPreferences } from '../src/main/core/router/provider-preferences.js';
import { requestParameters } from '../src/main/core/router/request-parameters.js';
import { retryAfterMs, sameEndpointDelay, sleep } from '../src/main/core/router/retry-policy.js';
import { routingSettings } from '../src/main/core/router/routing-settings.js';
import { ProviderKeys } from '../src/main/core/secrets/provider-keys.js';
import type { AttemptRecord, UsageRecord } from '../src/main/core/usage/usage-record.js';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('provider preferences', () => {
  it('normalises slugs, sort and max_price (USD per million tokens to USD per token)', () => {
    const prefs = parseProviderPreferences({
      order: ['Groq', 'together'], only: ['GROQ'], ignore: ['x'], allow_fallbacks: false,
      sort: { by: 'throughput', partition: 'none' }, require_parameters: true, data_collection: 'deny', zdr: true,
      max_price: { prompt: 1, completion: '2.5', request: '0.01' },
    });
    expect(prefs).toMatchObject({
      order: ['groq', 'together'], allowFallbacks: false, sort: 'throughput', partition: 'none',
      requireParameters: true, dataCollection: 'deny', zdr: true, maxPrice: { prompt: 0.000001, completion: 0.0000025, request: 0.01 },
    });
    expect([...(prefs.only ?? [])]).toEqual(['groq']);
  });

  it('treats absent, null and empty objects as no preferences', () => {
    expect(parseProviderPreferences(undefined)).toBe(NO_PREFERENCES);
    expect(parseProviderPreferences(null)).toBe(NO_PREFERENCES);
    expect(parseProviderPreferences({ order: null, sort: null })).toMatchObject({ order: undefined, sort: undefined, allowFallbacks: true });
  });

  it('is a 400 naming the field otherwise', () => {
    for (const [raw, param] of [
      ['price', 'provider'],
      [{ only: [1] }, 'provider.only.0'],
      [{ allow_fallbacks: 'no' }, 'provider.allow_fallbacks'],
      [{ max_price: { completion: 'cheap' } }, 'provider.max_price.completion'],
    ] as const) {
      const err = (() => {
        try {
          parseProviderPreferences(raw);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(GatewayError);
      expect((err as GatewayError).status).toBe(400);
      expect((err as GatewayError).metadata).toEqual({ param });
    }
  });
});

describe('variants and parameters', () => {
  it('splits a known variant suffix unless the whole id is a model', () => {
    const models = new Set(['local/qwen:free']);
    const isModel = (id: string) => models.has(id);
    expect(splitVariant('meta/llama:nitro', isModel)).toEqual({ id: 'meta/llama', variant: 'nitro' });
    expect(splitVariant('local/qwen:free', isModel)).toEqual({ id: 'local/qwen:free', variant: undefined });
    expect(splitVariant('local/llama3.2:3b', isModel)).toEqual({ id: 'local/llama3.2:3b', variant: undefined });
    expect(splitVariant(':online', isModel)).toEqual({ id: ':online', variant: undefined });
  });

  it('names the parameters a request uses the way supported_parameters does', () => {
    expect(requestParameters({
      model: 'x', messages: [], temperature: 0, max_completion_tokens: 5, reasoning_effort: 'low', seed: null,
      response_format: { type: 'json_schema', json_schema: {} },
    }).sort()).toEqual(['max_tokens', 'reasoning', 'response_format', 'structured_outputs', 'temperature']);
  });
});

describe('retry policy', () => {
  const settings = routingSettings({ backoffMs: 100, maxRetryAfterMs: 5_000 });
  const error = (status: number, upstream?: number, reason = 'upstream_error') =>
    new GatewayError(status, reason, 'x', upstream === undefined ? {} : { upstream_status: upstream });

  it('reads Retry-After as seconds, milliseconds (retry-after-ms) or an HTTP date', () => {
    expect(retryAfterMs({ 'retry-after': '2' })).toBe(2000);
    expect(retryAfterMs({ 'retry-after': '1.5' })).toBe(1500);
    expect(retryAfterMs({ 'retry-after-ms': '250', 'retry-after': '9' })).toBe(250);
    expect(retryAfterMs({ 'retry-after': new Date(60_000).toUTCString() }, 30_000)).toBe(30_000);
    expect(retryAfterMs({ 'retry-after': 'soon' })).toBeUndefined();
    expect(retryAfterMs({})).toBeUndefined();
  });

  it('waits only where waiting helps, within the caps', () => {
    const ctx = (tries: number, retryAfter?: number, waitedMs = 0) => ({ tries, waitedMs, retryAfterMs: retryAfter });
    const half = () => 0.5;
    expect(sameEndpointDelay(error(429, 429, 'upstream_rate_limited'), ctx(1, 1200), settings)).toBe(1200);
    expect(sameEndpointDelay(error(429, 429, 'upstream_rate_limited'), ctx(1, 6000), settings)).toBeUndefined();
    expect(sameEndpointDelay(error(429, 429, 'upstream_rate_limited'), ctx(2), settings, half)).toBe(150);
    expect(sameEndpointDelay(error(502, 503), ctx(1, 500), settings)).toBe(500);
    expect(sameEndpointDelay(error(502, 503), ctx(1), settings)).toBeUndefined();
    expect(sameEndpointDelay(error(502, 500), ctx(1, 500), settings)).toBeUndefined();
    expect(sameEndpointDelay(error(408, undefined, 'upstream_timeout'), ctx(1), settings)).toBeUndefined();
    expect(sameEndpointDelay(error(502, undefined, 'upstream_unreachable'), ctx(1), settings, half)).toBe(75);
    expect(sameEndpointDelay(error(502, undefined, 'upstream_unreachable'), ctx(3), settings)).toBeUndefined();
    // The request's whole waiting budget is capped too.
    expect(sameEndpointDelay(error(429, 429, 'upstream_rate_limited'), ctx(1, 4000, 7000), settings)).toBeUndefined();
  });

  it('sleep ends at once when its signal aborts', async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new Error('client went away'));
    await expect(waiting).rejects.toThrow('client went away');
    await expect(sleep(10, AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });
});

describe('circuit breaker', () => {
  it('opens after the threshold, admits one probe after the cooldown, and doubles the cooldown when the probe fails', () => {
    const t = clock();
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 1000, maxCooldownMs: 3000 }, t.now);
    breaker.failure('e');
    expect(breaker.state('e')).toBe('closed');
    breaker.failure('e');
    expect(breaker.state('e')).toBe('open');
    expect(breaker.admit('e')).toEqual({ admitted: false, retryInMs: 1000 });
    t.advance(1000);
    expect(breaker.state('e')).toBe('half-open');
    expect(breaker.admit('e')).toEqual({ admitted: true, probe: true });
    expect(breaker.admit('e')).toMatchObject({ admitted: false });
    breaker.failure('e');
    expect(breaker.blockedForMs('e')).toBe(2000);
    t.advance(2000);
    expect(breaker.admit('e')).toEqual({ admitted: true, probe: true });
    breaker.failure('e');
    expect(breaker.blockedForMs('e')).toBe(3000);
    t.advance(3000);
    breaker.admit('e');
    breaker.success('e');
    expect(breaker.state('e')).toBe('closed');
    expect(breaker.admit('e')).toEqual({ admitted: true, probe: false });
  });

  it('a success between failures resets the count; a released probe lets the next request probe', () => {
    const t = clock();
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 1000, maxCooldownMs: 1000 }, t.now);
    breaker.failure('e');
    breaker.success('e');
    breaker.failure('e');
    expect(breaker.state('e')).toBe('closed');
    breaker.failure('e');
    t.advance(1000);
    expect(breaker.admit('e')).toMatchObject({ probe: true });
    breaker.release('e');
    expect(breaker.admit('e')).toMatchObject({ probe: true });
  });
  it('tells its listeners once when a circuit opens and once when it closes, and lists what is open', () => {
    const t = clock();
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 1000, maxCooldownMs: 4000 }, t.now);
    const told: string[] = [];
    const stop = breaker.onTransition((key, state) => told.push(`${key} ${state}`));
    breaker.failure('p/m');
    expect(told).toEqual([]);
    expect(breaker.openCircuits()).toEqual([]);
    breaker.failure('p/m');
    expect(told).toEqual(['p/m open']);
    expect(breaker.openCircuits()).toEqual([{ key: 'p/m', state: 'open', openedAt: t.now(), openUntil: t.now() + 1000, consecutiveFailures: 2 }]);
    t.advance(1000);
    expect(breaker.openCircuits()[0]?.state).toBe('half-open');
    breaker.admit('p/m');
    // A failed probe keeps it open: no news.
    breaker.failure('p/m');
    expect(told).toEqual(['p/m open']);
    t.advance(2000);
    breaker.admit('p/m');
    breaker.success('p/m');
    expect(told).toEqual(['p/m open', 'p/m closed']);
    expect(breaker.openCircuits()).toEqual([]);
    // A success on a closed circuit is not news either.
    breaker.failure('p/m');
    breaker.success('p/m');
    stop();
    breaker.failure('p/m');
    breaker.failure('p/m');
    expect(told).toEqual(['p/m open', 'p/m closed']);
  });
});

describe('provider keys', () => {
  const catalog = new ModelCatalog(parseConfig(JSON.stringify({ providers: { p: { type: 'groq' } } }), 'c.json'));
  const provider = catalog.providers.get('p')!;

  it('skips a key while it cools down, and uses the one free soonest when all are cooling', async () => {
    const t = clock();
    const keys = new ProviderKeys({ list: async () => ['k1', 'k2', 'k3'] }, {}, t.now);
    expect([await keys.next(provider), await keys.next(provider), await keys.next(provider)]).toEqual(['k1', 'k2', 'k3']);
    keys.coolDown(provider, 'k1', 5_000);
    expect([await keys.next(provider), await keys.next(provider), await keys.next(provider)]).toEqual(['k2', 'k3', 'k2']);
    keys.coolDown(provider, 'k2', 3_000);
    keys.coolDown(provider, 'k3', 4_000);
    expect(await keys.next(provider)).toBe('k2');
    expect(keys.isCooling(provider, 'k2')).toBe(true);
    t.advance(5_000);
    expect(keys.isCooling(provider, 'k1')).toBe(false);
    expect(new Set([await keys.next(provider), await keys.next(provider), await keys.next(provider)])).toEqual(new Set(['k1', 'k2', 'k3']));
  });

  it('a single key is always used, cooling or not', async () => {
    const keys = new ProviderKeys({ list: async () => [] }, { GROQ_KEY: 'env-key' });
    const withEnv = { ...provider, config: { ...provider.config, apiKeyEnv: 'GROQ_KEY' } };
    keys.coolDown(withEnv, 'env-key', 60_000);
    expect(await keys.next(withEnv)).toBe('env-key');
  });
});

describe('cache affinity', () => {
  const system = { role: 'system', content: 'be brief' };
  const first = { role: 'user', content: 'hello' };

  it('keys a conversation on app key, model and its opening messages, not on later turns', () => {
    const affinity = new CacheAffinity();
    const key = affinity.conversationKey(1, 'm', { messages: [system, first] });
    expect(affinity.conversationKey(1, 'm', { messages: [system, first, { role: 'assistant', content: 'hi' }, { role: 'user', content: 'more' }] })).toBe(key);
    expect(affinity.conversationKey(2, 'm', { messages: [system, first] })).not.toBe(key);
    expect(affinity.conversationKey(1, 'other', { messages: [system, first] })).not.toBe(key);
    expect(affinity.conversationKey(1, 'm', { messages: [{ role: 'system', content: 'be long' }, first] })).not.toBe(key);
    expect(affinity.conversationKey(1, 'm', { input: 'embed me' })).toBeUndefined();
  });

  it('forgets after its TTL and beyond its size, oldest first', () => {
    const t = clock();
    const affinity = new CacheAffinity(1000, 2, t.now);
    affinity.remember('c1', 'a/m');
    affinity.remember('c2', 'b/m');
    affinity.remember('c3', 'a/m');
    expect(affinity.get('c1')).toBeUndefined();
    expect(affinity.get('c2')).toBe('b/m');
    t.advance(1000);
    expect(affinity.get('c3')).toBeUndefined();
  });
});

describe('endpoint health', () => {
  const row = (over: Partial<UsageRecord> & { attempts: AttemptRecord[] }, at: number): UsageRecord => ({
    id: `gen-${Math.random()}`, createdAt: at, appKeyId: 1, appKey: 't', model: 'm', provider: 'a', upstreamModel: 'm',
    status: 200, promptTokens: 10, completionTokens: 100, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0,
    cost: 0, latencyMs: 1000, ttftMs: 200, streamed: true, finishReason: 'stop', errorCode: null, ...over,
  });
  const ok = (startMs = 0): AttemptRecord => ({ provider: 'a', model: 'm', model_id: 'm', outcome: 'ok', status: 200, start_ms: startMs });

  it('summarises time to first token, tokens per second and error rate; rate limits count as neither', () => {
    const t = clock();
    const health = new EndpointHealth(60_000, 100, t.now);
    health.ingest([
      row({ attempts: [ok()] }, t.now()),
      // 300 ms spent on a failed try elsewhere: this endpoint's own first token came 100 ms after it started.
      row({ ttftMs: 400, latencyMs: 600, attempts: [{ provider: 'b', model: 'm', model_id: 'm', outcome: 'failed', status: 502, reason: 'upstream_error' }, ok(300)] }, t.now()),
      row({ status: 429, attempts: [{ provider: 'a', model: 'm', model_id: 'm', outcome: 'failed', status: 429, reason: 'upstream_rate_limited' }] }, t.now()),
      row({ status: 502, errorCode: 'upstream_stream_cut', attempts: [ok()] }, t.now()),
      row({ status: 400, attempts: [{ provider: 'a', model: 'm', model_id: 'm', outcome: 'failed', status: 400, reason: 'upstream_error' }] }, t.now()),
    ]);
    expect(health.summary('a/m')).toEqual({
      requests: 3, errors: 1, rateLimited: 1, errorRate: 1 / 3, latencyP50: 100, throughputP50: 500,
    });
    expect(health.summary('b/m')).toMatchObject({ requests: 1, errors: 1, errorRate: 1 });
    expect(health.window('a/m', 60_000)).toEqual({
      uptime: 66.67,
      latency: { p50: 100, p75: 200, p90: 200, p99: 200 },
      // 100 tokens in 800 ms and in 200 ms; for throughput the percentiles count from the fast end.
      throughput: { p50: 500, p75: 125, p90: 125, p99: 125 },
    });
    t.advance(60_001);
    health.prune();
    expect(health.summary('a/m')).toBeUndefined();
  });

  // Regression: an answer faster than 1 ms had no throughput at all, so :nitro ranked the fastest endpoint last.
  it('gives a sub-millisecond answer the highest throughput, not none', () => {
    const t = clock();
    const health = new EndpointHealth(60_000, 100, t.now);
    health.ingest([row({ streamed: false, ttftMs: 0.4, latencyMs: 0.4, completionTokens: 20, attempts: [ok()] }, t.now())]);
    health.ingest([row({ streamed: false, ttftMs: 200, latencyMs: 200, completionTokens: 20, attempts: [{ ...ok(), provider: 'b' }] }, t.now())]);
    const fast = health.summary('a/m')?.throughputP50 ?? 0;
    const slow = health.summary('b/m')?.throughputP50 ?? 0;
    expect(fast).toBeGreaterThan(slow);
    expect(slow).toBeGreaterThan(0);
  });

  it('summarises the same medians as the window figures, over any mix of samples (fast-check)', () => {
    const sample = fc.record({
      ageMs: fc.integer({ min: 0, max: 120_000 }),
      status: fc.constantFrom(200, 200, 200, 429, 502),
      ttftMs: fc.option(fc.double({ min: 0, max: 5_000, noNaN: true }), { nil: null }),
      latencyMs: fc.double({ min: 0, max: 20_000, noNaN: true }),
      completionTokens: fc.nat({ max: 4_000 }),
      streamed: fc.boolean(),
      startMs: fc.double({ min: 0, max: 500, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 150 }), (samples) => {
        const t = clock();
        const health = new EndpointHealth(60_000, 100, t.now);
        const start = t.now();
        t.advance(120_000);
        health.ingest(samples.map((s) => row({
          status: s.status, ttftMs: s.ttftMs, latencyMs: s.latencyMs, completionTokens: s.completionTokens, streamed: s.streamed,
          errorCode: s.status === 200 ? null : s.status === 429 ? 'upstream_rate_limited' : 'upstream_error',
          attempts: [s.status === 429 ? { ...ok(s.startMs), outcome: 'failed', status: 429, reason: 'upstream_rate_limited' } : ok(s.startMs)],
        }, start + 120_000 - s.ageMs)));
        const window = health.window('a/m', 60_000);
        const summary = health.summary('a/m');
        expect(summary?.latencyP50 ?? null).toBe(window.latency?.p50 ?? null);
        expect(summary?.throughputP50 ?? null).toBe(window.throughput?.p50 ?? null);
      }),
      { numRuns: 400 },
    );
  });
});
