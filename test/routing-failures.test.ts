import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './helpers/gateway-harness.js';
import {
  chat, chatPath, generation, getJson, hits, mockProvider, OK, pause, PRICE, sharedModel, STREAM_REPLY, trail,
} from './routing-helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const down = (status: number, headers: Record<string, string> = {}) => ({ status, headers, body: { error: { message: `HTTP ${status} from upstream` } } });

/** `shared` on a (cheap, tried first) then b. */
async function twoProviders(routing: Record<string, unknown> = {}, server: Record<string, unknown> = {}) {
  return startHarness({
    config: {
      providers: { a: mockProvider('a', { pricing: PRICE.cheap }), b: mockProvider('b', { pricing: PRICE.mid }) },
      models: { shared: sharedModel(['a', 'b']) },
      routing,
      server,
    },
  });
}

/** A distinct conversation per call, so cache stickiness stays out of tests about other rules. */
let turn = 0;
const fresh = () => [{ role: 'user', content: `conversation ${++turn}` }];

describe('falling over and retrying', () => {
  it('a 5xx falls over to the next endpoint at once, and the record lists both tries', async () => {
    h = await twoProviders();
    h.upstream.on('POST', chatPath('a'), down(500));
    h.upstream.on('POST', chatPath('b'), OK);
    const res = await chat(h, { model: 'shared' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { provider: string }).provider).toBe('b');
    expect(hits(h)).toEqual(['a', 'b']);
    const gen = await generation(h, res);
    expect(gen.attempts.map((a) => [a.provider, a.outcome, a.status, a.reason, a.try])).toEqual([
      ['a', 'failed', 502, 'upstream_error', 1],
      ['b', 'ok', 200, undefined, 1],
    ]);
    expect(gen.attempts[0]?.detail).toContain('HTTP 500 from upstream');
  });

  it('waits out a short Retry-After on a 429 and tries the same endpoint again', async () => {
    h = await startHarness({ config: { providers: { a: mockProvider('a') } } });
    h.upstream.enqueue(down(429, { 'retry-after': '1' }), OK);
    const res = await chat(h, { model: 'a/m' });
    expect(res.status).toBe(200);
    const gen = await generation(h, res);
    expect(trail(gen)).toEqual(['a:failed:upstream_rate_limited', 'a:ok']);
    expect(gen.attempts[1]).toMatchObject({ try: 2, wait_ms: 1000 });
  });

  it('honours Retry-After on a 503 too, and backs off exponentially on a 429 without one', async () => {
    h = await startHarness({ config: { providers: { a: mockProvider('a') }, routing: { retries: 3, backoffMs: 40 } } });
    h.upstream.enqueue(down(503, { 'retry-after': '0' }), down(429), down(429), OK);
    const res = await chat(h, { model: 'a/m' });
    expect(res.status).toBe(200);
    const gen = await generation(h, res);
    expect(gen.attempts.map((a) => a.try)).toEqual([1, 2, 3, 4]);
    const waits = gen.attempts.map((a) => a.wait_ms ?? 0);
    expect(waits[1]).toBe(0);
    // Equal jitter: after the n-th try the wait is between half and all of backoffMs * 2^(n-1).
    expect(waits[2]).toBeGreaterThanOrEqual(40);
    expect(waits[2]).toBeLessThanOrEqual(80);
    expect(waits[3]).toBeGreaterThanOrEqual(80);
    expect(waits[3]).toBeLessThanOrEqual(160);
  });

  it('gives up on the same endpoint after `retries`, and passes the last answer on', async () => {
    h = await startHarness({ config: { providers: { a: mockProvider('a') }, routing: { retries: 1, backoffMs: 10 } } });
    h.upstream.on('POST', chatPath('a'), down(429));
    const res = await chat(h, { model: 'a/m' });
    expect(res.status).toBe(429);
    expect(hits(h)).toEqual(['a', 'a']);
  });

  it('does not wait for a long Retry-After: it falls over, or hands the wait to the client', async () => {
    h = await twoProviders();
    h.upstream.on('POST', chatPath('a'), down(429, { 'retry-after': '30' }));
    h.upstream.on('POST', chatPath('b'), OK);
    const res = await chat(h, { model: 'shared' });
    expect(res.status).toBe(200);
    expect(hits(h)).toEqual(['a', 'b']);

    const alone = await chat(h, { model: 'a/m' });
    expect(alone.status).toBe(429);
    expect(alone.headers.get('retry-after')).toBe('30');
  });

  it('retries a refused connection with backoff, then falls over; the dead endpoint opens its circuit', async () => {
    h = await startHarness({
      config: {
        providers: {
          dead: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', models: ['m'], pricing: PRICE.cheap },
          b: mockProvider('b', { pricing: PRICE.mid }),
        },
        models: { shared: sharedModel(['dead', 'b']) },
        routing: { backoffMs: 10 },
      },
      vaultKeys: { dead: ['k'] },
    });
    h.upstream.on('POST', chatPath('b'), OK);
    const res = await chat(h, { model: 'shared' });
    expect(res.status).toBe(200);
    expect(trail(await generation(h, res))).toEqual([
      'dead:failed:upstream_unreachable', 'dead:failed:upstream_unreachable', 'dead:failed:upstream_unreachable', 'b:ok',
    ]);
    const next = await chat(h, { model: 'shared', messages: fresh() });
    expect(trail(await generation(h, next))).toEqual(['dead:skipped:circuit_open', 'b:ok']);
  });

  it('a hanging endpoint times out and the next one answers', async () => {
    h = await twoProviders({}, { upstreamTimeoutMs: 300 });
    h.upstream.on('POST', chatPath('a'), { hang: true });
    h.upstream.on('POST', chatPath('b'), OK);
    const res = await chat(h, { model: 'shared' });
    expect(res.status).toBe(200);
    expect(trail(await generation(h, res))).toEqual(['a:failed:upstream_timeout', 'b:ok']);
    expect(await h.upstream.requests[0]?.closed).toBe('aborted');
  });

  it('never retries or falls back once the stream has started: it ends with an error chunk and [DONE]', async () => {
    h = await twoProviders();
    h.upstream.on('POST', chatPath('a'), { sse: STREAM_REPLY, cutAfterBytes: Math.floor(STREAM_REPLY.length / 2) });
    h.upstream.on('POST', chatPath('b'), OK);
    const res = await chat(h, { model: 'shared', stream: true });
    expect(res.status).toBe(200);
    const events = (await res.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const last = JSON.parse((events.at(-2) as string).slice(6)) as { model: string; choices: { finish_reason: string }[] };
    expect(last.choices[0]?.finish_reason).toBe('error');
    const first = JSON.parse((events[0] as string).slice(6)) as { model: string };
    expect(first.model).toBe('shared');
    expect(hits(h)).toEqual(['a']);
    const gen = await generation(h, res);
    expect(gen).toMatchObject({ provider_name: 'a', status: 502, error_code: 'upstream_stream_cut' });
    expect(trail(gen)).toEqual(['a:ok']);
  });

  it('a client abort during a backoff wait ends the request at once, logged as cancelled', async () => {
    h = await startHarness({ config: { providers: { a: mockProvider('a') } } });
    h.upstream.enqueue(down(429, { 'retry-after': '4' }), OK);
    const controller = new AbortController();
    const pending = chat(h, { model: 'a/m' }, controller.signal).catch((err: unknown) => err);
    for (let i = 0; i < 200 && h.upstream.requests.length === 0; i++) await pause(10);
    expect(h.upstream.requests).toHaveLength(1);
    await h.upstream.requests[0]?.closed;
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    const rows = await h.usageRows((all) => all.length === 1);
    expect(rows[0]).toMatchObject({ status: 499, error_code: 'cancelled' });
    // Well under the 4 s the upstream asked for: the wait did not run out.
    expect(rows[0]?.latency_ms).toBeLessThan(4000);
    expect(h.upstream.requests).toHaveLength(1);
  });
});

describe('circuit breaker', () => {
  it('opens after consecutive failures, skips the endpoint while cooling down, then lets one probe through', async () => {
    h = await twoProviders({ failureThreshold: 2, cooldownMs: 1500 });
    h.upstream.on('POST', chatPath('a'), down(500));
    h.upstream.on('POST', chatPath('b'), OK);
    for (let i = 0; i < 2; i++) expect((await chat(h, { model: 'shared', messages: fresh() })).status).toBe(200);
    const skipped = await chat(h, { model: 'shared', messages: fresh() });
    const gen = await generation(h, skipped);
    expect(trail(gen)).toEqual(['a:skipped:circuit_open', 'b:ok']);
    expect(gen.attempts[0]?.detail).toMatch(/probed again in \d s/);
    expect(hits(h)).toEqual(['a', 'b', 'a', 'b', 'b']);

    type Listing = { data: { endpoints: { provider_name: string; status: number; health: { circuit: string; errors: number } }[] } };
    const cooling = await getJson<Listing>(h, '/models/shared/endpoints');
    expect(cooling.data.endpoints.find((e) => e.provider_name === 'a')).toMatchObject({ status: -1, health: { circuit: 'open' } });

    h.upstream.on('POST', chatPath('a'), OK);
    await pause(1600);
    const probe = await chat(h, { model: 'shared', messages: fresh() });
    const probeGen = await generation(h, probe);
    expect(trail(probeGen)).toEqual(['a:ok']);
    expect(probeGen.attempts[0]?.detail).toBe('probe after a cooldown');
    await h.usageRows((all) => all.length === 4);
    const healed = await getJson<Listing>(h, '/models/shared/endpoints');
    expect(healed.data.endpoints.find((e) => e.provider_name === 'a')).toMatchObject({ status: 0, health: { circuit: 'closed', errors: 2 } });
  });

  it('answers 503 with Retry-After when every endpoint is cooling down', async () => {
    h = await startHarness({ config: { providers: { a: mockProvider('a') }, routing: { failureThreshold: 2, cooldownMs: 20_000 } } });
    h.upstream.on('POST', chatPath('a'), down(502));
    for (let i = 0; i < 2; i++) expect((await chat(h, { model: 'a/m' })).status).toBe(502);
    const res = await chat(h, { model: 'a/m' });
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await res.json()) as { error: { metadata: { reason: string } } }).error.metadata.reason).toBe('endpoints_cooling_down');
    expect(hits(h)).toEqual(['a', 'a']);
  });

  it('answers 503 with Retry-After, not 404, when the only endpoint the request allows is cooling down', async () => {
    h = await twoProviders({ failureThreshold: 2, cooldownMs: 20_000 });
    h.upstream.on('POST', chatPath('a'), down(502));
    h.upstream.on('POST', chatPath('b'), OK);
    const onlyA = { provider: { order: ['a'], allow_fallbacks: false } };
    for (let i = 0; i < 2; i++) expect((await chat(h, { model: 'shared', messages: fresh(), ...onlyA })).status).toBe(502);
    const res = await chat(h, { model: 'shared', messages: fresh(), ...onlyA });
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await res.json()) as { error: { metadata: { reason: string } } }).error.metadata.reason).toBe('endpoints_cooling_down');
    const viaOnly = await chat(h, { model: 'shared', messages: fresh(), provider: { only: ['a'] } });
    expect(viaOnly.status).toBe(503);
    expect(hits(h)).toEqual(['a', 'a']);
  });

  it('counts a stream that breaks after its headers as a failure of the endpoint that sent it', async () => {
    h = await twoProviders({ failureThreshold: 2, cooldownMs: 20_000 });
    h.upstream.on('POST', chatPath('a'), { sse: STREAM_REPLY, cutAfterBytes: 200 });
    h.upstream.on('POST', chatPath('b'), OK);
    for (let i = 0; i < 2; i++) await (await chat(h, { model: 'shared', stream: true, messages: fresh() })).text();
    await h.usageRows((all) => all.length === 2);
    const res = await chat(h, { model: 'shared', messages: fresh() });
    expect(trail(await generation(h, res))).toEqual(['a:skipped:circuit_open', 'b:ok']);
  });
});

describe('several keys per provider', () => {
  const keyed = (extra: Record<string, unknown> = {}) => ({
    config: { providers: { k: mockProvider('k', { dataPolicy: { local: false }, ...extra }) } },
    vaultKeys: { k: ['key-1', 'key-2'] },
  });
  const keysSeen = (harness: Harness) => harness.upstream.requests.map((r) => r.headers.authorization);

  it('spreads requests across the keys', async () => {
    h = await startHarness(keyed());
    h.upstream.on('POST', chatPath('k'), OK);
    for (let i = 0; i < 3; i++) expect((await chat(h, { model: 'k/m' })).status).toBe(200);
    expect(keysSeen(h)).toEqual(['Bearer key-1', 'Bearer key-2', 'Bearer key-1']);
  });

  it('a key refused with 401 is retried with the other key at once and sits out its cooldown', async () => {
    h = await startHarness(keyed());
    h.upstream.on('POST', chatPath('k'), (req) =>
      req.headers.authorization === 'Bearer key-1' ? { status: 401, body: { error: { message: 'Incorrect API key provided' } } } : OK,
    );
    const first = await chat(h, { model: 'k/m' });
    expect(first.status).toBe(200);
    const gen = await generation(h, first);
    expect(gen.attempts.map((a) => [a.outcome, a.reason, a.try, a.wait_ms])).toEqual([
      ['failed', 'upstream_auth', 1, undefined],
      ['ok', undefined, 2, undefined],
    ]);
    for (let i = 0; i < 3; i++) expect((await chat(h, { model: 'k/m' })).status).toBe(200);
    expect(keysSeen(h)).toEqual(['Bearer key-1', 'Bearer key-2', 'Bearer key-2', 'Bearer key-2', 'Bearer key-2']);
    expect(JSON.stringify(gen)).not.toContain('key-1');
  });

  it('a key rate-limited with 429 moves to the other key without waiting, and comes back after its Retry-After', async () => {
    h = await startHarness({ ...keyed(), config: { ...keyed().config, routing: { keyCooldownMs: 60_000 } } });
    let limited = true;
    h.upstream.on('POST', chatPath('k'), (req) =>
      limited && req.headers.authorization === 'Bearer key-1' ? down(429, { 'retry-after': '1' }) : OK,
    );
    const res = await chat(h, { model: 'k/m' });
    expect(res.status).toBe(200);
    expect(trail(await generation(h, res))).toEqual(['k:failed:upstream_rate_limited', 'k:ok']);
    expect((await generation(h, res)).attempts[1]?.wait_ms).toBeUndefined();
    limited = false;
    expect((await chat(h, { model: 'k/m' })).status).toBe(200);
    await pause(1100);
    for (let i = 0; i < 2; i++) expect((await chat(h, { model: 'k/m' })).status).toBe(200);
    expect(keysSeen(h)).toEqual(['Bearer key-1', 'Bearer key-2', 'Bearer key-2', 'Bearer key-1', 'Bearer key-2']);
  });
});
