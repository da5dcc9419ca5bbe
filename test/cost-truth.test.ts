import { calcPrice, extractUsage, findProvider } from '@pydantic/genai-prices';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointPrice } from '../src/main/core/usage/pricing.js';
import type { UsageRow } from '../src/shared/usage.js';
import { loadVcrYaml, type Recording } from './helpers/fixtures.js';
import { replyFromRecording } from './helpers/mock-upstream.js';
import { startHarness, type Harness } from './helpers/gateway-harness.js';

/**
 * The oracle: list prices in USD per million tokens, as the providers publish them
 * (openai.com/api/pricing, anthropic.com/pricing), each token kind at its own rate.
 */
const LIST_PRICES = {
  'gpt-4o': { input: 2.5, cacheRead: 1.25, cacheWrite: 2.5, output: 10 },
  'o3-mini': { input: 1.1, cacheRead: 0.55, cacheWrite: 1.1, output: 4.4 },
  'claude-sonnet-4-20250514': { input: 3, cacheRead: 0.3, cacheWrite: 3.75, output: 15 },
  'claude-sonnet-4-5': { input: 3, cacheRead: 0.3, cacheWrite: 3.75, output: 15 },
} as const;

function listPrice(model: keyof typeof LIST_PRICES, row: UsageRow): number {
  const p = LIST_PRICES[model];
  const uncached = row.prompt_tokens - row.cached_tokens - row.cache_write_tokens;
  return (uncached * p.input + row.cached_tokens * p.cacheRead + row.cache_write_tokens * p.cacheWrite + row.completion_tokens * p.output) / 1e6;
}

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    config: {
      providers: {
        openai: { type: 'openai', baseUrl: '${UPSTREAM}/v1', models: ['gpt-4o', 'o3-mini'] },
        claude: { type: 'anthropic', baseUrl: '${UPSTREAM}/v1', models: ['claude-sonnet-4-20250514', 'claude-sonnet-4-5'] },
      },
    },
    vaultKeys: { openai: ['sk-openai-test'], claude: ['sk-ant-test'] },
  });
});
afterAll(async () => {
  await h?.close();
});

/** Replays `recording` behind the gateway for its own request, sent with the model renamed to `model`. */
async function replay(recording: Recording, path: string, model: string): Promise<UsageRow> {
  h.upstream.enqueue(replyFromRecording(recording));
  const body = { ...(JSON.parse(recording.request.body) as Record<string, unknown>), model };
  const res = await fetch(`${h.gateway.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.appKey}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  const id = res.headers.get('x-generation-id');
  const rows = await h.usageRows((all) => all.some((r) => r.id === id));
  return rows.find((r) => r.id === id) as UsageRow;
}

describe('cost = genai-prices, every token kind at its own rate', () => {
  it('OpenAI streamed cache read (gpt-4o): cached prompt tokens at the cached rate', async () => {
    const [recording] = loadVcrYaml('openai/dd-trace__chat_completion_stream_prompt_caching_cache_read.yaml');
    const row = await replay(recording as Recording, '/v1/chat/completions', 'openai/gpt-4o');
    expect(row).toMatchObject({ prompt_tokens: 1420, cached_tokens: 1280, completion_tokens: 100 });
    expect(row.cost).toBeCloseTo(listPrice('gpt-4o', row), 12);
    expect(row.cost).toBeCloseTo((140 * 2.5 + 1280 * 1.25 + 100 * 10) / 1e6, 12);
  });

  it('OpenAI reasoning (o3-mini): reasoning tokens are logged and billed as output', async () => {
    const [recording] = loadVcrYaml('openai/pydantic-ai__test_max_completion_tokens[o3-mini].yaml');
    const row = await replay(recording as Recording, '/v1/chat/completions', 'openai/o3-mini');
    expect(row).toMatchObject({ prompt_tokens: 7, completion_tokens: 87, reasoning_tokens: 64 });
    expect(row.cost).toBeCloseTo(listPrice('o3-mini', row), 12);
    const openai = findProvider({ providerId: 'openai' });
    if (!openai) throw new Error('genai-prices has no openai provider');
    const extracted = extractUsage(openai, JSON.parse((recording as Recording).response.body), 'chat');
    expect(row.cost).toBeCloseTo(calcPrice(extracted.usage, 'o3-mini', { providerId: 'openai' })?.total_price ?? NaN, 12);
  });

  it('Anthropic streamed cache read and cache write (claude-sonnet-4): reads, writes, input and output each at their rate', async () => {
    const [read] = loadVcrYaml('anthropic/dd-trace__anthropic_completion_stream_cache_read.yaml');
    const readRow = await replay(read as Recording, '/v1/messages', 'claude/claude-sonnet-4-20250514');
    expect(readRow).toMatchObject({ prompt_tokens: 11 + 1031, cached_tokens: 1031, cache_write_tokens: 0, completion_tokens: 100 });
    expect(readRow.cost).toBeCloseTo(listPrice('claude-sonnet-4-20250514', readRow), 12);

    const [write] = loadVcrYaml('anthropic/dd-trace__anthropic_completion_stream_cache_write.yaml');
    const writeRow = await replay(write as Recording, '/v1/messages', 'claude/claude-sonnet-4-20250514');
    expect(writeRow).toMatchObject({ prompt_tokens: 18 + 1031, cached_tokens: 0, cache_write_tokens: 1031, completion_tokens: 100 });
    expect(writeRow.cost).toBeCloseTo(listPrice('claude-sonnet-4-20250514', writeRow), 12);
  });

  it('Anthropic JSON answer with both cache reads and writes (claude-sonnet-4-5), through the OpenAI endpoint', async () => {
    const recording = loadVcrYaml('anthropic/pydantic-ai__test_anthropic_cache_real_api.yaml')[1] as Recording;
    h.upstream.enqueue(replyFromRecording(recording));
    const res = await fetch(`${h.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.appKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude/claude-sonnet-4-5', messages: [{ role: 'user', content: 'What is Python?' }], max_tokens: 100 }),
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { id: string; usage: { cost: number } };
    const rows = await h.usageRows((all) => all.some((r) => r.id === answer.id));
    const row = rows.find((r) => r.id === answer.id) as UsageRow;
    expect(row).toMatchObject({ prompt_tokens: 3 + 418 + 1111, cached_tokens: 1111, cache_write_tokens: 418, completion_tokens: 33 });
    expect(row.cost).toBeCloseTo(listPrice('claude-sonnet-4-5', row), 12);
    expect(answer.usage.cost).toBe(row.cost);
    const anthropic = findProvider({ providerId: 'anthropic' });
    if (!anthropic) throw new Error('genai-prices has no anthropic provider');
    const extracted = extractUsage(anthropic, JSON.parse(recording.response.body));
    expect(row.cost).toBeCloseTo(calcPrice(extracted.usage, 'claude-sonnet-4-5', { providerId: 'anthropic' })?.total_price ?? NaN, 12);
  });
});

describe('pricing edge cases', () => {
  const usage = { promptTokens: 1000, completionTokens: 500, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 400 };

  it('prices reasoning at its own rate where the model has one (Perplexity sonar-deep-research: $3 vs $8 output)', () => {
    const cost = endpointPrice({ kind: 'catalog', providerId: 'perplexity' }, 'sonar-deep-research').cost(usage);
    expect(cost).toBeCloseTo((1000 * 2 + 100 * 8 + 400 * 3) / 1e6, 12);
  });

  it('prices an upstream that reports more cached or reasoning tokens than their totals, instead of failing', () => {
    const inflated = { ...usage, cachedTokens: 5000, reasoningTokens: 9000 };
    expect(endpointPrice({ kind: 'catalog', providerId: 'openai' }, 'gpt-4o').cost(inflated)).toBeCloseTo((1000 * 1.25 + 500 * 10) / 1e6, 12);
  });
});
