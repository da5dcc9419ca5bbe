import { afterEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { loadBody } from './helpers/fixtures.js';
import { startHarness, type Harness } from './helpers/gateway-harness.js';
import { CANCEL_BOUND_MS, upstreamCloseDelay } from './helpers/mock-upstream.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const chatBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], ...extra });

async function post(harness: Harness, body: string, signal?: AbortSignal) {
  return fetch(`${harness.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${harness.appKey}`, 'content-type': 'application/json' },
    body,
    signal,
  });
}

describe('upstream failures and client aborts', () => {
  it('answers 408 when upstream does not answer in time, and logs the row', async () => {
    const config = {
      server: { upstreamTimeoutMs: 300 },
      providers: { mock: { type: 'openai-compatible', baseUrl: '${UPSTREAM}/v1', models: ['gpt-4o-mini'] } },
    };
    h = await startHarness({ config });
    h.upstream.enqueue({ hang: true });
    const res = await post(h, chatBody());
    expect(res.status).toBe(408);
    expect(await res.json()).toMatchObject({ error: { code: 408, message: expect.stringContaining('timed out') } });
    const rows = await h.usageRows((all) => all.length === 1);
    expect(rows[0]).toMatchObject({ status: 408, error_code: 'upstream_timeout' });
  });

  it('answers 400 naming the fix when a remote provider has no key, without calling it', async () => {
    // Never contacted: the key check comes first.
    const config = { providers: { remote: { type: 'openai-compatible', baseUrl: 'https://api.example.invalid/v1', models: ['m'] } } };
    h = await startHarness({ config, vaultKeys: {} });
    const res = await post(h, JSON.stringify({ model: 'remote/m', messages: [] }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toContain('keys set remote');
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('sends no Authorization to a keyless local server', async () => {
    h = await startHarness({
      config: { providers: { mock: { type: 'openai-compatible', baseUrl: '${UPSTREAM}/v1', models: ['gpt-4o-mini'], dataPolicy: { local: true } } } },
      vaultKeys: {},
    });
    h.upstream.enqueue({ body: JSON.parse(loadBody('openai/vercel__openai-text.json')) as object });
    const res = await post(h, chatBody());
    expect(res.status).toBe(200);
    expect(h.upstream.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('answers 502 when the provider cannot be reached', async () => {
    h = await startHarness({
      config: { providers: { dead: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', models: ['m'] } } },
      vaultKeys: { dead: ['k'] },
    });
    const res = await post(h, JSON.stringify({ model: 'dead/m', messages: [] }));
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { metadata: { reason: string } } }).error.metadata.reason).toBe('upstream_unreachable');
  });

  it('ends a stream cut mid-way with an error chunk and [DONE], and logs it', async () => {
    h = await startHarness();
    const sse = loadBody('openai/extracted/stream_text_include_usage.sse');
    h.upstream.enqueue({ sse, cutAfterBytes: Math.floor(sse.length / 2) });
    const res = await post(h, chatBody({ stream: true }));
    expect(res.status).toBe(200);
    const text = await res.text();
    const events = text.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const errorEvent = JSON.parse((events.at(-2) as string).slice(6)) as { error: { code: number }; choices: { finish_reason: string }[] };
    expect(errorEvent.choices[0]?.finish_reason).toBe('error');
    expect(errorEvent.error.code).toBe(502);
    expect(text.match(/\[DONE\]/g)).toHaveLength(1);
    const rows = await h.usageRows((all) => all.length === 1);
    expect(rows[0]).toMatchObject({ streamed: true, status: 502, finish_reason: 'error', error_code: 'upstream_stream_cut' });
  });

  it('aborts the upstream request within 1 s when the client disconnects mid-stream, and logs it as cancelled', async () => {
    h = await startHarness();
    const sse = loadBody('openai/extracted/stream_text_include_usage.sse');
    h.upstream.enqueue({ sse, chunkDelayMs: 200 });
    const controller = new AbortController();
    const res = await post(h, chatBody({ stream: true }), controller.signal);
    const reader = res.body!.getReader();
    await reader.read();
    const leftAt = performance.now();
    controller.abort();
    const ended = await upstreamCloseDelay(h.upstream.requests[0]!, leftAt);
    expect(ended.closed).toBe('aborted');
    expect(ended.afterMs).toBeLessThanOrEqual(CANCEL_BOUND_MS);
    const rows = await h.usageRows((all) => all.length === 1);
    expect(rows[0]).toMatchObject({ status: 499, error_code: 'cancelled', streamed: true });
  });

  it('aborts the upstream request within 1 s when the client of a JSON request leaves while it waits', async () => {
    h = await startHarness();
    h.upstream.enqueue({ body: JSON.parse(loadBody('openai/vercel__openai-text.json')) as object, delayMs: 3_000 });
    const controller = new AbortController();
    const answer = post(h, chatBody(), controller.signal).catch((err: unknown) => err);
    const deadline = Date.now() + 5_000;
    while (h.upstream.requests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const leftAt = performance.now();
    controller.abort();
    expect(await answer).toBeInstanceOf(Error);
    const ended = await upstreamCloseDelay(h.upstream.requests[0]!, leftAt);
    expect(ended.closed).toBe('aborted');
    expect(ended.afterMs).toBeLessThanOrEqual(CANCEL_BOUND_MS);
    const rows = await h.usageRows((all) => all.length === 1);
    expect(rows[0]).toMatchObject({ status: 499, error_code: 'cancelled', streamed: false });
  });

  it('flushes the usage rows of in-flight requests on shutdown', async () => {
    h = await startHarness();
    const sse = loadBody('openai/extracted/stream_text_include_usage.sse');
    h.upstream.enqueue({ sse, chunkDelayMs: 30 });
    const client = new OpenAI({ baseURL: h.baseURL, apiKey: h.appKey, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const closing = h.gateway.close();
    let chunks = 1;
    while (!(await iterator.next()).done) chunks += 1;
    await closing;
    expect(chunks).toBeGreaterThan(2);
    const rows = await h.usageRows((all) => all.length === 1);
    expect(rows[0]).toMatchObject({ status: 200, streamed: true, finish_reason: 'stop' });
  });
});
