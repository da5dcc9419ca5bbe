import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadBody, loadDdTraceJson, loadHttprr, loadVcrYaml } from './helpers/fixtures.js';
import { replyFromRecording } from './helpers/mock-upstream.js';
import { PROVIDER_KEY, startHarness, type Harness } from './helpers/gateway-harness.js';
import { rawRequest } from './helpers/raw-request.js';

const PRICE = { prompt: 0.00000015, completion: 0.0000006, cacheRead: 0.000000075 };

function expectedCost(u: { prompt_tokens: number; completion_tokens: number; cached?: number }): number {
  const cached = u.cached ?? 0;
  return (u.prompt_tokens - cached) * PRICE.prompt + cached * PRICE.cacheRead + u.completion_tokens * PRICE.completion;
}

interface ChunkJson {
  id: string;
  choices: { delta: { content?: string | null; tool_calls?: { index: number; id?: string; function?: { name?: string; arguments?: string } }[] }; finish_reason: string | null }[];
  usage?: { prompt_tokens: number; completion_tokens: number; cost?: number; prompt_tokens_details?: { cached_tokens?: number } } | null;
}

/** The data payloads of a recorded SSE body, without [DONE]. */
function recordedChunks(sse: string): ChunkJson[] {
  return sse
    .split(/\r?\n/)
    .filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]')
    .map((l) => JSON.parse(l.slice(6)) as ChunkJson);
}

function recordedText(chunks: ChunkJson[]): string {
  return chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
}

function recordedToolArgs(chunks: ChunkJson[]): Map<number, { name: string; args: string }> {
  const calls = new Map<number, { name: string; args: string }>();
  for (const c of chunks) {
    for (const t of c.choices[0]?.delta.tool_calls ?? []) {
      const call = calls.get(t.index) ?? { name: '', args: '' };
      call.name += t.function?.name ?? '';
      call.args += t.function?.arguments ?? '';
      calls.set(t.index, call);
    }
  }
  return calls;
}

let h: Harness;
let client: OpenAI;

beforeAll(async () => {
  h = await startHarness();
  client = new OpenAI({ baseURL: h.baseURL, apiKey: h.appKey, maxRetries: 0 });
});
afterAll(async () => {
  await h?.close();
});

describe('chat completions through the openai SDK', () => {
  it('answers a JSON request as upstream answered, with a generation id and usage.cost', async () => {
    const upstreamBody = JSON.parse(loadBody('openai/vercel__openai-text.json')) as {
      choices: { message: { content: string } }[];
      usage: { prompt_tokens: number; completion_tokens: number; prompt_tokens_details: { cached_tokens: number } };
    };
    h.upstream.enqueue({ body: upstreamBody });
    const before = h.upstream.requests.length;
    const completion = await client.chat.completions.create({
      model: 'mock/gpt-4o-mini',
      messages: [{ role: 'user', content: 'Invent a new holiday' }],
    });
    expect(completion.id).toMatch(/^gen-\d+-[\w-]{20}$/);
    expect(completion.choices[0]?.message.content).toBe(upstreamBody.choices[0]?.message.content);
    expect(completion.usage?.prompt_tokens).toBe(upstreamBody.usage.prompt_tokens);
    const cost = (completion.usage as unknown as { cost: number }).cost;
    expect(cost).toBeCloseTo(
      expectedCost({ ...upstreamBody.usage, cached: upstreamBody.usage.prompt_tokens_details.cached_tokens }),
      12,
    );

    const sent = h.upstream.requests[before];
    expect(sent?.path).toBe('/v1/chat/completions');
    expect((sent?.body as { model: string }).model).toBe('gpt-4o-mini');
    expect(sent?.headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
    expect(JSON.stringify(sent?.headers)).not.toContain(h.appKey);

    const gen = await fetch(`${h.baseURL}/generation?id=${completion.id}`, {
      headers: { authorization: `Bearer ${h.appKey}` },
    }).then((r) => r.json() as Promise<{ data: { id: string; total_cost: number; tokens_prompt: number; provider_name: string } }>);
    expect(gen.data).toMatchObject({ id: completion.id, tokens_prompt: upstreamBody.usage.prompt_tokens, provider_name: 'mock' });
    expect(gen.data.total_cost).toBeCloseTo(cost, 12);
  });

  it('preserves unknown request fields and strips OpenRouter-only ones', async () => {
    h.upstream.enqueue({ body: JSON.parse(loadBody('openai/vercel__openai-text.json')) as object });
    const before = h.upstream.requests.length;
    const res = await fetch(`${h.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.appKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'mock/gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        some_future_param: { nested: [1, 2] },
        provider: { order: ['mock'] },
        models: ['mock/gpt-4o-mini'],
      }),
    });
    expect(res.status).toBe(200);
    const sent = h.upstream.requests[before]?.body as Record<string, unknown>;
    expect(sent.some_future_param).toEqual({ nested: [1, 2] });
    expect(sent).not.toHaveProperty('provider');
    expect(sent).not.toHaveProperty('models');
  });

  it('streams text chunk by chunk, asks upstream for usage and ends with usage.cost and [DONE]', async () => {
    const sse = loadBody('openai/extracted/stream_text_include_usage.sse');
    const recorded = recordedChunks(sse);
    h.upstream.enqueue({ sse, splitMidEvent: true });
    const before = h.upstream.requests.length;
    const stream = await client.chat.completions.create({
      model: 'mock/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello' }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(recordedText(recorded));
    const ids = new Set(chunks.map((c) => c.id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^gen-/);
    const last = chunks.at(-1);
    const recordedUsage = recorded.at(-1)?.usage;
    expect(last?.usage?.prompt_tokens).toBe(recordedUsage?.prompt_tokens);
    expect((last?.usage as unknown as { cost: number }).cost).toBeCloseTo(expectedCost(recordedUsage!), 12);
    expect((h.upstream.requests[before]?.body as { stream_options: unknown }).stream_options).toEqual({ include_usage: true });
  });

  it('streams tool-call argument deltas that reassemble to the same JSON', async () => {
    const sse = loadBody('openai/extracted/stream_tool_call_arg_deltas.sse');
    h.upstream.enqueue({ sse });
    const stream = await client.chat.completions.create({
      model: 'mock/gpt-4o-mini',
      messages: [{ role: 'user', content: 'capital of France?' }],
      tools: [{ type: 'function', function: { name: 'get_capital', parameters: { type: 'object', properties: { country: { type: 'string' } } } } }],
      stream: true,
    });
    const got = new Map<number, { name: string; args: string }>();
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      for (const t of chunk.choices[0]?.delta.tool_calls ?? []) {
        const call = got.get(t.index) ?? { name: '', args: '' };
        call.name += t.function?.name ?? '';
        call.args += t.function?.arguments ?? '';
        got.set(t.index, call);
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(got).toEqual(recordedToolArgs(recordedChunks(sse)));
    expect(JSON.parse(got.get(0)!.args)).toBeTypeOf('object');
    expect(finish).toBe('tool_calls');
  });

  it('streams parallel tool calls with their indexes', async () => {
    const sse = loadBody('openai/extracted/stream_parallel_tool_calls.sse');
    h.upstream.enqueue({ sse });
    const stream = client.chat.completions.stream({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    const final = await stream.finalChatCompletion();
    const expected = recordedToolArgs(recordedChunks(sse));
    expect(expected.size).toBeGreaterThan(1);
    const calls = final.choices[0]?.message.tool_calls ?? [];
    expect(calls.map((c) => (c.type === 'function' ? [c.function.name, c.function.arguments] : []))).toEqual(
      [...expected.values()].map((c) => [c.name, c.args]),
    );
  });

  it('passes a non-streamed tool call through', async () => {
    const rec = loadDdTraceJson('openai/dd-trace__openai_chat_completions_post_6c0d752b.json');
    h.upstream.enqueue(replyFromRecording(rec));
    const recorded = JSON.parse(rec.response.body) as { choices: { message: { tool_calls: unknown[] } }[] };
    const completion = await client.chat.completions.create({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]?.message.tool_calls).toEqual(recorded.choices[0]?.message.tool_calls);
  });

  it('reports cached prompt tokens from a streamed cache read', async () => {
    const rec = loadVcrYaml('openai/dd-trace__chat_completion_stream_prompt_caching_cache_read.yaml')[0]!;
    h.upstream.enqueue(replyFromRecording(rec));
    const stream = await client.chat.completions.create({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], stream: true });
    let usage: ChunkJson['usage'];
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage as ChunkJson['usage'];
    const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
    expect(cached).toBeGreaterThan(0);
    expect(usage?.cost).toBeCloseTo(expectedCost({ ...usage!, cached }), 12);
    const rows = await h.usageRows((all) => all.some((r) => r.cached_tokens === cached));
    expect(rows.some((r) => r.cached_tokens === cached && r.streamed)).toBe(true);
  });

  it('serves the OpenRouter base path /api/v1 too', async () => {
    h.upstream.enqueue({ body: JSON.parse(loadBody('openai/vercel__openai-text.json')) as object });
    const alt = new OpenAI({ baseURL: `${h.gateway.url}/api/v1`, apiKey: h.appKey, maxRetries: 0 });
    const completion = await alt.chat.completions.create({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    expect(completion.id).toMatch(/^gen-/);
  });
});

describe('completions, embeddings and models', () => {
  it('passes legacy completions through with cost', async () => {
    h.upstream.enqueue({
      body: {
        id: 'cmpl-1', object: 'text_completion', created: 1, model: 'gpt-3.5-turbo-instruct',
        choices: [{ text: ' world', index: 0, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 },
      },
    });
    const res = await client.completions.create({ model: 'mock/gpt-3.5-turbo-instruct', prompt: 'hello' });
    expect(res.choices[0]?.text).toBe(' world');
    expect((res.usage as unknown as { cost: number }).cost).toBeCloseTo(expectedCost({ prompt_tokens: 2, completion_tokens: 1 }), 12);
    expect(h.upstream.requests.at(-1)?.path).toBe('/v1/completions');
  });

  it('returns float embeddings', async () => {
    const rec = loadHttprr('openai/langchaingo__TestClient_CreateEmbeddingWithDimensions.httprr')[0]!;
    h.upstream.enqueue(replyFromRecording(rec));
    const recorded = JSON.parse(rec.response.body) as { data: { embedding: number[] }[] };
    const res = await client.embeddings.create({ model: 'mock/text-embedding-3-small', input: ['Hello world'], dimensions: 256, encoding_format: 'float' });
    expect(res.data[0]?.embedding).toEqual(recorded.data[0]?.embedding);
    expect(h.upstream.requests.at(-1)?.path).toBe('/v1/embeddings');
  });

  it('returns base64 embeddings that the SDK decodes', async () => {
    const rec = loadVcrYaml('openai/dd-trace__embedding_b64.yaml')[0]!;
    h.upstream.enqueue(replyFromRecording(rec));
    const recorded = JSON.parse(rec.response.body) as { data: { embedding: string }[] };
    const res = await client.embeddings.create({ model: 'mock/text-embedding-3-small', input: 'hello' });
    const b64 = Buffer.from(recorded.data[0]!.embedding, 'base64');
    const floats = Array.from(new Float32Array(b64.buffer, b64.byteOffset, b64.byteLength / 4));
    expect(res.data[0]?.embedding).toEqual(floats);
    expect((h.upstream.requests.at(-1)?.body as { encoding_format: string }).encoding_format).toBe('base64');
  });

  it('lists and retrieves models with slashes in their ids', async () => {
    const page = await client.models.list();
    const ids = page.data.map((m) => m.id);
    expect(ids).toContain('mock/gpt-4o-mini');
    const one = await client.models.retrieve('mock/gpt-4o-mini');
    expect(one.id).toBe('mock/gpt-4o-mini');
    expect((one as unknown as { pricing: { prompt: string } }).pricing.prompt).toBe('0.00000015');
  });
});

describe('errors in the OpenRouter shape', () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${h.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.appKey}`, 'content-type': 'application/json', ...headers },
      body,
    });
  const errorOf = async (res: Response) => (await res.json()) as { error: { code: number; message: string; metadata?: Record<string, unknown> } };

  it('rejects bad JSON with 400', async () => {
    const res = await post('{"model": ');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).error).toMatchObject({ code: 400, message: expect.stringContaining('not valid JSON') });
  });

  it('rejects a missing or invalid app key with 401', async () => {
    const missing = await fetch(`${h.baseURL}/models`);
    expect(missing.status).toBe(401);
    expect((await errorOf(missing)).error.code).toBe(401);
    const bad = new OpenAI({ baseURL: h.baseURL, apiKey: 'sk-sy-not-a-real-key', maxRetries: 0 });
    await expect(bad.models.list()).rejects.toMatchObject({ status: 401 });
  });

  it('answers 404 for an unknown model, without calling upstream', async () => {
    const before = h.upstream.requests.length;
    await expect(
      client.chat.completions.create({ model: 'nope/nothing', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 404 });
    expect(h.upstream.requests.length).toBe(before);
  });

  it('keeps the upstream message for upstream 4xx errors', async () => {
    const rec = loadVcrYaml('openai/pydantic-ai__test_model_name_suggestion[openai-chat].yaml')[0]!;
    h.upstream.enqueue(replyFromRecording(rec));
    const res = await post(JSON.stringify({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }));
    expect(res.status).toBe(404);
    const { error } = await errorOf(res);
    expect(error.message).toContain('does not exist');
    expect(error.metadata).toMatchObject({ provider: 'mock', upstream_status: 404, code: 'model_not_found' });
  });

  it('maps an upstream 401 (bad provider key) to 502 with the provider message, never the key', async () => {
    const rec = loadVcrYaml('openai/dd-trace__llama_index_chat_error.yaml')[0]!;
    h.upstream.enqueue(replyFromRecording(rec));
    const res = await post(JSON.stringify({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }));
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(text).toContain('Incorrect API key provided');
    expect(text).not.toContain(PROVIDER_KEY);
  });

  it('maps upstream 5xx to 502 and keeps its message in metadata', async () => {
    h.upstream.enqueue({ status: 503, body: { error: { message: 'The engine is currently overloaded', type: 'server_error' } } });
    const res = await post(JSON.stringify({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }));
    expect(res.status).toBe(502);
    const { error } = await errorOf(res);
    expect(error.message).toContain('overloaded');
    expect(error.metadata).toMatchObject({ upstream_status: 503, type: 'server_error' });
  });

  it('passes 429 with Retry-After', async () => {
    h.upstream.enqueue({ status: 429, headers: { 'retry-after': '7' }, body: { error: { message: 'Rate limit reached' } } });
    const res = await post(JSON.stringify({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
  });

  it('does not follow upstream redirects', async () => {
    h.upstream.enqueue({ redirectTo: `${h.upstream.url}/elsewhere` });
    const before = h.upstream.requests.length;
    const res = await post(JSON.stringify({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }));
    expect(res.status).toBe(502);
    expect((await errorOf(res)).error.message).toContain('redirect');
    expect(h.upstream.requests.length).toBe(before + 1);
  });

  it('rejects a body over the limit with 413', async () => {
    const big = JSON.stringify({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(33 * 1024 * 1024) }] });
    const res = await rawRequest(h.gateway.port, { method: 'POST', path: '/v1/chat/completions', headers: { authorization: `Bearer ${h.appKey}`, 'content-type': 'application/json' }, body: big });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 413 } });
  });

  it('rejects a request without a model with 400', async () => {
    const res = await post(JSON.stringify({ messages: [] }));
    expect(res.status).toBe(400);
    expect((await errorOf(res)).error.message).toContain('"model" is required');
  });
});

describe('safe on a machine where a browser can reach localhost', () => {
  const body = JSON.stringify({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${h.gateway.port}`, '127.0.0.1:1', `127.0.0.2:${h.gateway.port}`]) {
      const res = await rawRequest(h.gateway.port, { method: 'GET', path: '/v1/models', headers: { host, authorization: `Bearer ${h.appKey}` } });
      expect(res.status, host).toBe(403);
    }
    for (const host of [`localhost:${h.gateway.port}`, `[::1]:${h.gateway.port}`, `127.0.0.1:${h.gateway.port}`]) {
      const res = await rawRequest(h.gateway.port, { method: 'GET', path: '/v1/models', headers: { host, authorization: `Bearer ${h.appKey}` } });
      expect(res.status, host).toBe(200);
    }
  });

  it('refuses foreign and null Origins, and cross-site fetch metadata', async () => {
    const cases: Record<string, string>[] = [{ origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }];
    for (const headers of cases) {
      const res = await rawRequest(h.gateway.port, { method: 'POST', path: '/v1/chat/completions', headers: { ...headers, authorization: `Bearer ${h.appKey}`, 'content-type': 'application/json' }, body });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
    const preflight = await rawRequest(h.gateway.port, { method: 'OPTIONS', path: '/v1/chat/completions', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses text/plain drive-by POSTs', async () => {
    const res = await rawRequest(h.gateway.port, { method: 'POST', path: '/v1/chat/completions', headers: { authorization: `Bearer ${h.appKey}`, 'content-type': 'text/plain' }, body });
    expect(res.status).toBe(415);
  });

  it('accepts its own origin', async () => {
    const res = await rawRequest(h.gateway.port, { method: 'GET', path: '/v1/models', headers: { origin: h.gateway.url, authorization: `Bearer ${h.appKey}` } });
    expect(res.status).toBe(200);
  });
});

describe('usage log', () => {
  it('logs one row per answered request, with no prompt or completion text', async () => {
    const marker = 'PROMPT-MARKER-91c2e';
    h.upstream.enqueue({ body: JSON.parse(loadBody('openai/vercel__openai-text.json')) as object });
    const completion = await client.chat.completions.create({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: marker }] });
    const rows = await h.usageRows((all) => all.some((r) => r.id === completion.id));
    const row = rows.find((r) => r.id === completion.id);
    expect(row).toMatchObject({ app_key: 'test-tool', model: 'mock/gpt-4o-mini', provider: 'mock', upstream_model: 'gpt-4o-mini', status: 200, streamed: false, finish_reason: 'stop' });
    expect(row?.prompt_tokens).toBe(completion.usage?.prompt_tokens);
    // Error rows are there too: every test above that reached the gateway with a valid key.
    expect(rows.some((r) => r.error_code === 'model_not_found' && r.status === 404)).toBe(true);
    for (const file of readdirSync(h.dataDir)) {
      const bytes = readFileSync(join(h.dataDir, file));
      expect(bytes.includes(marker), file).toBe(false);
      expect(bytes.includes(PROVIDER_KEY), file).toBe(false);
      expect(bytes.includes(h.appKey), file).toBe(false);
    }
  });
});
