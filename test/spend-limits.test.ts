import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { costCeiling, DEFAULT_MAX_OUTPUT_TOKENS, estimatePromptTokens, IMAGE_PART_TOKENS } from '../src/main/core/policy/cost-ceiling.js';
import { LIMIT_CHARGE_SQL, limitCharge } from '../src/main/core/policy/limit-charge.js';
import { DAY_MS, periodEnd, periodStart } from '../src/main/core/policy/limit-period.js';
import { SpendLedger } from '../src/main/core/policy/spend-ledger.js';
import { usageDbPath } from '../src/main/core/paths.js';
import { parseConfig } from '../src/main/core/config/load-config.js';
import { ModelCatalog } from '../src/main/core/router/catalog.js';
import { AppKeyStore, type LimitPeriod } from '../src/main/core/secrets/app-keys.js';
import { openDb, type Db } from '../src/main/core/usage/usage-db.js';
import { UsageWriter } from '../src/main/core/usage/usage-writer.js';
import type { UsageRecord } from '../src/main/core/usage/usage-record.js';
import { runCli } from './helpers/cli.js';
import { countTokens } from 'gpt-tokenizer/encoding/cl100k_base';
import { loadBody, loadVcrYaml } from './helpers/fixtures.js';
import { startHarness, type Harness } from './helpers/gateway-harness.js';

const PROMPT_RATE = 0.000001;
const COMPLETION_RATE = 0.000002;

const CONFIG = {
  providers: {
    mock: {
      type: 'openai-compatible',
      baseUrl: '${UPSTREAM}/v1',
      models: ['gpt-4o-mini', 'text-embedding-3-small'],
      pricing: { prompt: String(PROMPT_RATE), completion: String(COMPLETION_RATE) },
    },
    // Remote (not local), no price override and an address genai-prices cannot know: price unknown.
    unpriced: { type: 'openai-compatible', baseUrl: '${UPSTREAM}/v1', models: ['mystery-model'], dataPolicy: { local: false } },
  },
  models: {
    'shared/model': {
      endpoints: [
        { provider: 'unpriced', model: 'mystery-model' },
        { provider: 'mock', model: 'gpt-4o-mini' },
      ],
    },
  },
};

const chat = (extra: Record<string, unknown> = {}) => ({
  model: 'mock/gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say hi' }],
  max_tokens: 1000,
  ...extra,
});

/** The reservation the gateway must make for `body` at the mock's price, computed here from the documented rule. */
function ceilingOf(body: Record<string, unknown>): number {
  const promptTokens = Math.ceil(Buffer.byteLength(JSON.stringify(body)) / 2);
  return promptTokens * PROMPT_RATE + (body.max_tokens as number) * COMPLETION_RATE;
}

function completion(promptTokens: number, completionTokens: number, finishReason = 'stop') {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: completionTokens > 0 ? 'hi' : '' }, finish_reason: finishReason }],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

let h: Harness;
let db: Db;
let keys: AppKeyStore;
/** When set, the gateway's spend-limit clock stands still at this instant. */
let frozenNow: number | undefined;

beforeAll(async () => {
  h = await startHarness({
    config: CONFIG,
    vaultKeys: { mock: ['sk-mock'], unpriced: ['sk-unpriced'] },
    gateway: { now: () => frozenNow ?? Date.now() },
  });
  db = openDb(usageDbPath(h.dataDir));
  keys = new AppKeyStore(db);
});
afterAll(async () => {
  db?.close();
  await h?.close();
});
afterEach(() => {
  frozenNow = undefined;
});

let keyCount = 0;
function limitedKey(limitUsd: number, limitPeriod: LimitPeriod = 'total'): { key: string; name: string } {
  const name = `limited-${++keyCount}`;
  return { key: keys.create({ name, limitUsd, limitPeriod }).key, name };
}

function post(key: string, body: Record<string, unknown>, path = '/chat/completions') {
  return fetch(`${h.baseURL}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function keyInfo(key: string) {
  const res = await fetch(`${h.baseURL}/key`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { usage: number; usage_daily: number; usage_weekly: number; usage_monthly: number; limit_remaining: number | null } }).data;
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('limit periods reset like OpenRouter (UTC)', () => {
  const at = (iso: string) => Date.parse(iso);

  it('starts days at UTC midnight, weeks on Monday, months on the 1st', () => {
    // 2025-03-09 is a Sunday.
    expect(periodStart('daily', at('2025-03-09T23:59:59.999Z'))).toBe(at('2025-03-09T00:00:00Z'));
    expect(periodStart('weekly', at('2025-03-09T23:59:59.999Z'))).toBe(at('2025-03-03T00:00:00Z'));
    expect(periodStart('weekly', at('2025-03-10T00:00:00Z'))).toBe(at('2025-03-10T00:00:00Z'));
    expect(periodEnd('weekly', at('2025-03-05T12:00:00Z'))).toBe(at('2025-03-10T00:00:00Z'));
    expect(periodStart('monthly', at('2024-02-29T23:00:00Z'))).toBe(at('2024-02-01T00:00:00Z'));
    expect(periodEnd('monthly', at('2024-12-31T23:59:59Z'))).toBe(at('2025-01-01T00:00:00Z'));
    expect(periodStart('total', at('2025-03-09T12:00:00Z'))).toBe(0);
    expect(periodEnd('total', at('2025-03-09T12:00:00Z'))).toBeNull();
  });

  it('tiles time: every instant is in exactly one period, which starts at 00:00 UTC on the right weekday or date', () => {
    const periods: LimitPeriod[] = ['daily', 'weekly', 'monthly'];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constantFrom(...periods), (t, period) => {
        const start = periodStart(period, t);
        const end = periodEnd(period, t) as number;
        expect(start).toBeLessThanOrEqual(t);
        expect(end).toBeGreaterThan(t);
        expect(Number.isInteger(start / DAY_MS)).toBe(true);
        expect(periodStart(period, end)).toBe(end);
        expect(periodEnd(period, start - 1)).toBe(start);
        if (period === 'weekly') expect(new Date(start).getUTCDay()).toBe(1);
        if (period === 'monthly') expect(new Date(start).getUTCDate()).toBe(1);
      }),
    );
  });
});

describe('zero-completion insurance', () => {
  const rowArb = fc.record({
    status: fc.constantFrom(200, 400, 402, 408, 499, 502),
    completionTokens: fc.constantFrom(0, 1, 250),
    finishReason: fc.constantFrom(null, 'stop', 'length', 'error'),
    cost: fc.option(fc.double({ min: 0, max: 5, noNaN: true }), { nil: null }),
  });

  it('charges nothing for failures and empty answers, and the SQL rule agrees with the TypeScript one', () => {
    expect(limitCharge({ status: 200, completionTokens: 10, finishReason: 'stop', cost: 0.5 })).toBe(0.5);
    expect(limitCharge({ status: 502, completionTokens: 10, finishReason: 'stop', cost: 0.5 })).toBe(0);
    expect(limitCharge({ status: 200, completionTokens: 0, finishReason: 'stop', cost: 0.5 })).toBe(0);
    // Embeddings have no output tokens and no finish reason: they are charged.
    expect(limitCharge({ status: 200, completionTokens: 0, finishReason: null, cost: 0.5 })).toBe(0.5);
    // A client that leaves pays for what was generated until then, not for an answer that never started.
    expect(limitCharge({ status: 499, completionTokens: 10, finishReason: null, cost: 0.5 })).toBe(0.5);
    expect(limitCharge({ status: 499, completionTokens: 0, finishReason: null, cost: 0.5 })).toBe(0);

    const memory = openDb(':memory:');
    const charge = memory.prepare(`SELECT ${LIMIT_CHARGE_SQL} AS charge FROM
      (SELECT ? AS status, ? AS completion_tokens, ? AS finish_reason, ? AS cost)`).pluck();
    fc.assert(
      fc.property(rowArb, (row) => {
        expect(charge.get(row.status, row.completionTokens, row.finishReason, row.cost)).toBe(limitCharge(row));
      }),
    );
    memory.close();
  });
});

describe('cost ceiling of a request', () => {
  const catalog = new ModelCatalog(parseConfig(JSON.stringify({
    providers: {
      mock: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', models: ['m'], pricing: { prompt: '0.000001', completion: '0.000002', request: '0.01' } },
      openai: { type: 'openai', models: ['gpt-4o-mini'] },
    },
  }), 'ceiling.json'));
  const mock = catalog.resolve('mock/m')[0];
  const openai = catalog.resolve('openai/gpt-4o-mini')[0];
  if (!mock || !openai) throw new Error('catalog did not resolve the test models');

  it('is the estimated prompt plus max_tokens per choice at the endpoint price, plus the per-request price', () => {
    const body = chat({ max_tokens: 300, n: 2 });
    const prompt = Math.ceil(Buffer.byteLength(JSON.stringify(body)) / 2);
    const ceiling = costCeiling('chat', body, mock);
    expect(ceiling).toMatchObject({ promptTokens: prompt, outputTokens: 600, outputBound: 'max_tokens' });
    expect(ceiling?.usd).toBeCloseTo(prompt * 0.000001 + 600 * 0.000002 + 0.01, 12);
    expect(costCeiling('chat', chat({ max_tokens: undefined, max_completion_tokens: 50 }), mock)?.outputTokens).toBe(50);
    expect(costCeiling('embeddings', { model: 'mock/m', input: 'hello' }, mock)).toMatchObject({ outputTokens: 0, outputBound: 'none' });
  });

  it('without max_tokens allows for the whole context window, or a documented default when that is unknown', () => {
    const body = chat({ max_tokens: undefined });
    expect(costCeiling('chat', body, openai)).toMatchObject({ outputBound: 'context_window', outputTokens: 128_000 });
    expect(costCeiling('chat', body, mock)).toMatchObject({ outputBound: 'default', outputTokens: DEFAULT_MAX_OUTPUT_TOKENS });
  });

  it('counts an image by a fixed allowance, not by its base64 bytes', () => {
    const image = { type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(200_000)}` } };
    const withImage = { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this' }, image] }] };
    const withoutImage = { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this' }, null] }] };
    expect(estimatePromptTokens(withImage)).toBe(estimatePromptTokens(withoutImage) + IMAGE_PART_TOKENS);
  });

  it('never estimates fewer prompt tokens than real providers counted for recorded requests', () => {
    const recordings = [
      'openai/dd-trace__chat_completion_stream_prompt_caching_cache_read.yaml',
      'openai/pydantic-ai__test_max_completion_tokens[o3-mini].yaml',
      'openai/dd-trace__deepseek_streamed_reasoning_content.yaml',
      'anthropic/pydantic-ai__test_anthropic_cache_real_api.yaml',
      'anthropic/dd-trace__anthropic_completion_stream_cache_write.yaml',
    ].flatMap((file) => loadVcrYaml(file));
    let compared = 0;
    for (const { request, response } of recordings) {
      const usage = /"usage":\{[^]*?"(prompt_tokens|input_tokens)":(\d+)/.exec(response.body);
      const creation = /"cache_creation_input_tokens":(\d+)/.exec(response.body);
      const read = /"cache_read_input_tokens":(\d+)/.exec(response.body);
      if (!usage?.[2]) continue;
      const counted = Number(usage[2]) + Number(creation?.[1] ?? 0) + Number(read?.[1] ?? 0);
      expect(estimatePromptTokens(JSON.parse(request.body) as Record<string, unknown>)).toBeGreaterThanOrEqual(counted);
      compared += 1;
    }
    expect(compared).toBeGreaterThanOrEqual(5);
  });
});

describe('pre-flight spend limits', () => {
  it('forwards exactly as many concurrent requests as the remaining budget can reserve, and refuses the rest with 402', async () => {
    const body = chat();
    const { key } = limitedKey(ceilingOf(body) * 3.5);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    h.upstream.on('POST', '/v1/chat/completions', async () => {
      await held;
      return { body: completion(10, 20) };
    });
    const before = h.upstream.requests.length;
    const statuses: number[] = [];
    const responses = Array.from({ length: 10 }, () =>
      post(key, body).then(async (res) => {
        statuses.push(res.status);
        return { status: res.status, json: (await res.json()) as { error?: { code: number; type: string; message: string; metadata: Record<string, unknown> } } };
      }),
    );
    try {
      await waitUntil(() => statuses.length === 7, 'seven refusals while three requests are held upstream');
    } finally {
      release();
    }
    const answered = await Promise.all(responses);
    expect(answered.filter((r) => r.status === 200)).toHaveLength(3);
    const refused = answered.filter((r) => r.status === 402);
    expect(refused).toHaveLength(7);
    expect(h.upstream.requests.length - before).toBe(3);
    expect(refused[0]?.json.error).toMatchObject({
      code: 402,
      type: 'insufficient_quota',
      message: expect.stringMatching(/could cost up to .* left of its total spend limit/),
      metadata: { reason: 'spend_limit_exceeded', limit_period: 'total' },
    });

    // Settled to the real cost: the three answered requests charge what their usage says.
    const info = await keyInfo(key);
    expect(info.usage).toBeCloseTo(3 * (10 * PROMPT_RATE + 20 * COMPLETION_RATE), 12);
  });

  it('releases reservations as requests finish, so a budget for one request at a time serves many in a row', async () => {
    const body = chat();
    const { key } = limitedKey(ceilingOf(body) * 1.5);
    h.upstream.on('POST', '/v1/chat/completions', { body: completion(10, 20) });
    for (let i = 0; i < 4; i++) expect((await post(key, body)).status).toBe(200);
  });

  it('refuses a key that has used its limit, before anything goes upstream, and logs the refusal', async () => {
    const body = chat();
    const { key, name } = limitedKey(ceilingOf(body) * 1.2);
    // The answer costs about the whole ceiling, so the second request no longer fits.
    h.upstream.on('POST', '/v1/chat/completions', { body: completion(40, 1000) });
    expect((await post(key, body)).status).toBe(200);
    const before = h.upstream.requests.length;
    const res = await post(key, body);
    expect(res.status).toBe(402);
    expect(h.upstream.requests.length).toBe(before);
    const rows = await h.usageRows((all) => all.some((r) => r.app_key === name && r.status === 402));
    expect(rows.find((r) => r.app_key === name && r.status === 402)).toMatchObject({ error_code: 'spend_limit_exceeded', provider: null, cost: 0 });
  });

  it('resets a daily, weekly and monthly limit exactly at the period boundary (fake clock)', async () => {
    h.upstream.on('POST', '/v1/chat/completions', { body: completion(40, 1000) });
    const body = chat();
    for (const period of ['daily', 'weekly', 'monthly'] as const) {
      const { key } = limitedKey(ceilingOf(body) * 1.2, period);
      expect((await post(key, body)).status).toBe(200);
      expect((await post(key, body)).status).toBe(402);

      const boundary = periodEnd(period, Date.now()) as number;
      frozenNow = boundary - 1;
      expect((await post(key, body)).status).toBe(402);
      frozenNow = boundary;
      const fresh = await post(key, body);
      expect(fresh.status).toBe(200);
      const id = fresh.headers.get('x-generation-id');
      const [row] = (await h.usageRows((all) => all.some((r) => r.id === id))).filter((r) => r.id === id);
      // One clock for the row and the ledger: the request lands in the new period.
      expect(Date.parse(row?.created_at as string)).toBe(boundary);
      const info = await keyInfo(key);
      expect(info[`usage_${period}`]).toBeGreaterThan(0);
      expect(info[`usage_${period}`]).toBeCloseTo(row?.cost as number, 12);
      expect(info.usage).toBeCloseTo(2 * (row?.cost as number), 12);
      frozenNow = undefined;
    }
  });

  it('refuses a model whose price is unknown for a limited key, saying why; an unlimited key may use it', async () => {
    const { key } = limitedKey(10);
    const before = h.upstream.requests.length;
    const res = await post(key, chat({ model: 'unpriced/mystery-model' }));
    expect(res.status).toBe(402);
    const body = (await res.json()) as { error: { message: string; metadata: { reason: string } } };
    expect(body.error.metadata.reason).toBe('price_unknown');
    expect(body.error.message).toMatch(/price of unpriced\/mystery-model is unknown.*"pricing"/);
    expect(h.upstream.requests.length).toBe(before);

    h.upstream.on('POST', '/v1/chat/completions', { body: completion(10, 20) });
    const unlimited = await post(h.appKey, chat({ model: 'unpriced/mystery-model' }));
    expect(unlimited.status).toBe(200);
    expect(((await unlimited.json()) as { usage: { cost: number | null } }).usage.cost).toBeNull();
  });

  it('routes a limited key past endpoints of unknown price to a priced one', async () => {
    const { key, name } = limitedKey(10);
    h.upstream.on('POST', '/v1/chat/completions', { body: completion(10, 20) });
    const res = await post(key, chat({ model: 'shared/model' }));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { provider: string }).provider).toBe('mock');
    const rows = await h.usageRows((all) => all.some((r) => r.app_key === name));
    expect(rows.find((r) => r.app_key === name)).toMatchObject({ provider: 'mock', status: 200 });
  });
});

describe('spend gate and routing together', () => {
  // Regression: the gate priced candidates that routing had already skipped, logging a second skip.
  it('leaves endpoints that routing skipped to routing, logging each skip once', async () => {
    const { key } = limitedKey(10);
    h.upstream.on('POST', '/v1/chat/completions', { body: completion(10, 20) });
    const res = await post(key, chat({ model: 'shared/model', provider: { ignore: ['unpriced'] } }));
    expect(res.status).toBe(200);
    const id = res.headers.get('x-generation-id');
    const gen = await fetch(`${h.baseURL}/generation?id=${id}`, { headers: { authorization: `Bearer ${key}` } });
    const attempts = ((await gen.json()) as { data: { attempts: { provider: string; outcome: string; reason?: string }[] } }).data.attempts;
    const unpriced = attempts.filter((a) => a.provider === 'unpriced');
    expect(unpriced).toHaveLength(1);
    expect(unpriced[0]?.outcome).toBe('skipped');
    expect(unpriced[0]?.reason).not.toBe('price_unknown');
  });
});

describe('zero-completion insurance at the gateway', () => {
  it('charges nothing against the limit for upstream errors, cut streams and empty answers; embeddings are charged', async () => {
    const { key, name } = limitedKey(1);
    h.upstream.on('POST', '/v1/chat/completions', { status: 500, body: { error: { message: 'boom' } } });
    expect((await post(key, chat())).status).toBe(502);
    h.upstream.on('POST', '/v1/chat/completions', (req) =>
      (req.body as { stream?: boolean }).stream
        ? { sse: `data: ${JSON.stringify({ id: 'c', choices: [{ index: 0, delta: { content: 'partial' } }] })}\n\n`, cutAfterBytes: 60 }
        : { body: completion(40, 0) },
    );
    const cut = await post(key, chat({ stream: true }));
    expect(await cut.text()).toContain('"finish_reason":"error"');
    expect((await post(key, chat())).status).toBe(200);
    h.upstream.on('POST', '/v1/embeddings', { body: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1] }], usage: { prompt_tokens: 8, total_tokens: 8 } } });
    expect((await post(key, { model: 'mock/text-embedding-3-small', input: 'hello' }, '/embeddings')).status).toBe(200);

    const rows = await h.usageRows((all) => all.filter((r) => r.app_key === name).length === 4);
    const mine = rows.filter((r) => r.app_key === name);
    expect(mine.map((r) => r.status)).toEqual([502, 502, 200, 200]);
    // The empty answer's tokens and provider cost are logged, but it charges nothing.
    expect(mine[2]).toMatchObject({ prompt_tokens: 40, completion_tokens: 0, finish_reason: 'stop' });
    expect(mine[2]?.cost).toBeCloseTo(40 * PROMPT_RATE, 12);
    const info = await keyInfo(key);
    expect(info.usage).toBeCloseTo(8 * PROMPT_RATE, 12);
    expect(info.limit_remaining).toBeCloseTo(1 - 8 * PROMPT_RATE, 12);
  });
});

describe('limits cannot be escaped', () => {
  const SSE = loadBody('openai/extracted/stream_text_include_usage.sse');
  /** The recording without its usage chunk, as upstreams that ignore stream_options send it. */
  const SSE_WITHOUT_USAGE = SSE.split('\n\n').filter((event) => !event.includes('"usage":{')).join('\n\n');
  const textOf = (sse: string) =>
    sse
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => (JSON.parse(l.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '')
      .join('');

  interface Generation { usage_estimated: boolean; tokens_prompt: number; tokens_completion: number; total_cost: number; status: number }
  async function generationOf(key: string, id: string | null): Promise<Generation> {
    await h.usageRows((all) => all.some((r) => r.id === id));
    const res = await fetch(`${h.baseURL}/generation?id=${id}`, { headers: { authorization: `Bearer ${key}` } });
    return ((await res.json()) as { data: Generation }).data;
  }
  const priced = (g: Generation) => g.tokens_prompt * PROMPT_RATE + g.tokens_completion * COMPLETION_RATE;

  it('charges a stream the client cancels after the text arrived for the output generated, estimated and marked so', async () => {
    const { key } = limitedKey(1);
    h.upstream.on('POST', '/v1/chat/completions', { sse: SSE, chunkDelayMs: 150 });
    const controller = new AbortController();
    const res = await fetch(`${h.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(chat({ stream: true })),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    let received = '';
    while (textOf(received).length < 4) received += new TextDecoder().decode((await reader.read()).value);
    controller.abort();

    const gen = await generationOf(key, res.headers.get('x-generation-id'));
    expect(gen).toMatchObject({ status: 499, usage_estimated: true });
    expect(gen.tokens_completion).toBeGreaterThanOrEqual(countTokens(textOf(received)));
    expect(gen.tokens_completion).toBeLessThan(13);
    expect(gen.tokens_prompt).toBeGreaterThan(0);
    expect(gen.total_cost).toBeCloseTo(priced(gen), 12);
    expect((await keyInfo(key)).usage).toBeCloseTo(gen.total_cost, 12);
  });

  it('still charges nothing when the client leaves before any output', async () => {
    const { key } = limitedKey(1);
    h.upstream.on('POST', '/v1/chat/completions', { sse: SSE, delayMs: 2_000 });
    const controller = new AbortController();
    const pending = fetch(`${h.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(chat({ stream: true })),
      signal: controller.signal,
    }).catch(() => undefined);
    const before = h.upstream.requests.length;
    await waitUntil(() => h.upstream.requests.length > before, 'the upstream request');
    controller.abort();
    await pending;
    const rows = await h.usageRows((all) => all.some((r) => r.app_key === `limited-${keyCount}` && r.status === 499));
    expect(rows.find((r) => r.app_key === `limited-${keyCount}`)).toMatchObject({ status: 499, completion_tokens: 0 });
    expect((await keyInfo(key)).usage).toBe(0);
  });

  it('charges a JSON answer whose upstream sent no usage, counting its tokens with a tokenizer', async () => {
    const { key } = limitedKey(1);
    const content = 'Hello there! How can I help you with your spreadsheet today?';
    const body = completion(0, 1);
    delete (body as { usage?: unknown }).usage;
    body.choices[0]!.message.content = content;
    h.upstream.on('POST', '/v1/chat/completions', { body });
    const res = await post(key, chat());
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { usage: { completion_tokens: number; cost: number; estimated: boolean } };
    const gen = await generationOf(key, res.headers.get('x-generation-id'));
    expect(gen).toMatchObject({ status: 200, usage_estimated: true, tokens_completion: countTokens(content) });
    expect(answer.usage).toMatchObject({ completion_tokens: countTokens(content), cost: gen.total_cost, estimated: true });
    expect(gen.tokens_prompt).toBeGreaterThanOrEqual(countTokens('Say hi'));
    expect(gen.total_cost).toBeCloseTo(priced(gen), 12);
    expect((await keyInfo(key)).usage).toBeCloseTo(gen.total_cost, 12);
  });

  it('charges a stream whose upstream sent no usage chunk, and keeps reported usage unmarked', async () => {
    const { key } = limitedKey(1);
    h.upstream.on('POST', '/v1/chat/completions', { sse: SSE_WITHOUT_USAGE });
    const res = await post(key, chat({ stream: true }));
    const events = (await res.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const last = JSON.parse((events.at(-2) as string).slice(6)) as { choices: unknown[]; usage: { completion_tokens: number; cost: number; estimated: boolean } };
    const gen = await generationOf(key, res.headers.get('x-generation-id'));
    expect(gen).toMatchObject({ status: 200, usage_estimated: true, tokens_completion: countTokens(textOf(SSE)) });
    expect(last).toMatchObject({ choices: [], usage: { completion_tokens: gen.tokens_completion, cost: gen.total_cost, estimated: true } });
    expect(gen.total_cost).toBeCloseTo(priced(gen), 12);
    expect((await keyInfo(key)).usage).toBeCloseTo(gen.total_cost, 12);

    h.upstream.on('POST', '/v1/chat/completions', { sse: SSE });
    const reported = await post(key, chat({ stream: true }));
    await reported.text();
    expect(await generationOf(key, reported.headers.get('x-generation-id'))).toMatchObject({
      usage_estimated: false, tokens_prompt: 14, tokens_completion: 13,
    });
  });
});

describe('app keys edited from the CLI while the server runs', () => {
  it('sets and removes a limit, and disables and enables a key', async () => {
    const name = 'cli-edited';
    const key = keys.create({ name }).key;
    const cli = (...args: string[]) => runCli(['app-keys', ...args, '--data-dir', h.dataDir]);
    h.upstream.on('POST', '/v1/chat/completions', { body: completion(10, 20) });

    expect(cli('set-limit', name, '--limit', '0.000001', '--period', 'weekly').status).toBe(0);
    expect(await fetch(`${h.baseURL}/key`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.json())).toMatchObject({
      data: { limit: 0.000001, limit_reset: 'weekly' },
    });
    expect((await post(key, chat())).status).toBe(402);

    expect(cli('set-limit', name, '--limit', 'none').status).toBe(0);
    expect((await post(key, chat())).status).toBe(200);

    expect(cli('disable', name).status).toBe(0);
    expect(cli('list').stdout).toMatch(new RegExp(`^${name}\\t.*\\tdisabled$`, 'm'));
    expect((await post(key, chat())).status).toBe(401);
    expect(cli('enable', name).status).toBe(0);
    expect((await post(key, chat())).status).toBe(200);

    const missing = cli('disable', 'no-such-key');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no active app key named "no-such-key"');
  }, 120_000);
});

describe('spend ledger bookkeeping', () => {
  let dir: string;
  let ledgerDb: Db;
  let writer: UsageWriter;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-ledger-'));
  });
  afterEach(() => {
    writer?.close();
    ledgerDb?.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function row(id: string, appKeyId: number, cost: number, createdAt = Date.now()): UsageRecord {
    return {
      id, createdAt, appKeyId, appKey: `k${appKeyId}`, model: 'm', provider: 'p', upstreamModel: 'm', status: 200,
      promptTokens: 1, completionTokens: 1, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, cost,
      latencyMs: 1, ttftMs: null, streamed: false, finishReason: 'stop', errorCode: null, attempts: [],
    };
  }

  it('drops reservations left by dead processes and by requests older than a day, and keeps live ones', () => {
    ledgerDb = openDb(join(dir, 'stale.db'));
    const insert = ledgerDb.prepare('INSERT INTO spend_reservations (request_id, app_key_id, amount, created_at, owner) VALUES (?, 1, 1, ?, ?)');
    insert.run('dead', Date.now(), '2147483646:abc');
    insert.run('live', Date.now(), `${process.pid}:other`);
    insert.run('ancient', Date.now() - 2 * DAY_MS, `${process.pid}:other`);
    writer = new UsageWriter(ledgerDb);
    new SpendLedger(writer);
    expect(ledgerDb.prepare('SELECT request_id FROM spend_reservations').pluck().all()).toEqual(['live']);
  });

  it('folds committed rows into per-day totals, catching up rows a failed fold missed, and settles reservations', () => {
    ledgerDb = openDb(join(dir, 'fold.db'));
    writer = new UsageWriter(ledgerDb, { flushIntervalMs: 60_000 });
    const ledger = new SpendLedger(writer);
    expect(ledger.reserve('r1', 7, 10, 'daily', 4)).toEqual({ ok: true });
    writer.record(row('r1', 7, 1.5));
    // Recorded but not committed: /v1/key already counts it.
    expect(ledger.spend(7).daily).toBeCloseTo(1.5, 12);
    writer.flush();
    expect(ledgerDb.prepare('SELECT COUNT(*) FROM spend_reservations').pluck().get()).toBe(0);
    expect(ledger.spend(7)).toMatchObject({ total: 1.5, daily: 1.5 });

    // Rows committed behind the ledger's back (as after a crash between commit and fold) are caught up.
    ledgerDb.prepare(`INSERT INTO requests (id, created_at, app_key_id, model, status, completion_tokens, cost, latency_ms, streamed, finish_reason)
      VALUES ('late', ?, 7, 'm', 200, 5, 2, 1, 0, 'stop')`).run(Date.now() - DAY_MS);
    ledger.fold();
    expect(ledger.spend(7)).toMatchObject({ total: 3.5, daily: 1.5 });
    expect(ledger.reserve('r2', 7, 3.5, 'total', 0.01)).toMatchObject({ ok: false, spent: 3.5, held: 0 });
  });

  it('never lets processes racing on one database reserve past the limit', async () => {
    const dbPath = join(dir, 'race.db');
    openDb(dbPath).close();
    const ledgerModule = fileURLToPath(new URL('../src/main/core/policy/spend-ledger.ts', import.meta.url));
    const writerModule = fileURLToPath(new URL('../src/main/core/usage/usage-writer.ts', import.meta.url));
    const dbModule = fileURLToPath(new URL('../src/main/core/usage/usage-db.ts', import.meta.url));
    const script = join(dir, 'racer.ts');
    writeFileSync(script, `
      import { SpendLedger } from ${JSON.stringify(ledgerModule)};
      import { UsageWriter } from ${JSON.stringify(writerModule)};
      import { openDb } from ${JSON.stringify(dbModule)};
      const db = openDb(${JSON.stringify(dbPath)});
      const ledger = new SpendLedger(new UsageWriter(db));
      process.stdout.write('ready\\n');
      process.stdin.once('data', () => {
        let granted = 0;
        for (let i = 0; i < 40; i++) if (ledger.reserve(process.pid + '-' + i, 1, 1, 'total', 0.03).ok) granted++;
        process.stdout.write('granted ' + granted + '\\n');
        process.stdin.once('end', () => process.exit(0));
      });
    `);
    const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
    const racers = Array.from({ length: 3 }, () => {
      const child = spawn(tsx, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      return { child, out: () => out };
    });
    try {
      await waitUntil(() => racers.every((r) => r.out().includes('ready')), 'racers to start', 60_000);
      for (const r of racers) r.child.stdin.write('go\n');
      await waitUntil(() => racers.every((r) => r.out().includes('granted')), 'racers to finish');
      const granted = racers.map((r) => Number(/granted (\d+)/.exec(r.out())?.[1]));
      // 0.03 fits 33 times into 1 (33 * 0.03 = 0.99); 40 attempts each from 3 processes.
      expect(granted.reduce((a, b) => a + b, 0)).toBe(33);
    } finally {
      for (const r of racers) r.child.stdin.end();
    }
  }, 90_000);
});
