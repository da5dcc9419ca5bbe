import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../src/main/core/policy/limit-period.js';
import { usageDbPath } from '../src/main/core/paths.js';
import { AppKeyStore } from '../src/main/core/secrets/app-keys.js';
import { openDb, type Db } from '../src/main/core/usage/usage-db.js';
import type { UsageRow } from '../src/shared/usage.js';
import { runCli } from './helpers/cli.js';
import { loadBody } from './helpers/fixtures.js';
import { startHarness, type Harness } from './helpers/gateway-harness.js';

const CONFIG = {
  providers: {
    mock: {
      type: 'openai-compatible',
      baseUrl: '${UPSTREAM}/v1',
      models: ['gpt-4o-mini', 'text-embedding-3-small'],
      pricing: { prompt: '0.0000015', completion: '0.000004', input_cache_read: '0.0000005' },
    },
  },
};

interface KeyData {
  label: string;
  usage: number;
  usage_daily: number;
  usage_weekly: number;
  usage_monthly: number;
  byok_usage: number;
  limit: number | null;
  limit_remaining: number | null;
  limit_reset: string | null;
  is_free_tier: boolean;
  include_byok_in_limit: boolean;
}

interface ActivityItem {
  date: string;
  model: string;
  provider_name: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  cached_tokens: number;
  usage: number;
  byok_usage_inference: number;
}

let h: Harness;
let db: Db;
let alpha: string;
let beta: string;
/** A management key (`app-keys create --manage`): sees every key's activity and spend. */
let admin: string;
let frozenNow: number | undefined;

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

function call(key: string, method: 'GET' | 'POST', path: string, body?: Record<string, unknown>) {
  return fetch(`${h.gateway.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body && JSON.stringify(body),
  });
}

async function getJson<T>(key: string, path: string): Promise<T> {
  const res = await call(key, 'GET', path);
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return (await res.json()) as T;
}

const chat = { model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'Count to three' }], max_tokens: 50 };

beforeAll(async () => {
  h = await startHarness({ config: CONFIG, gateway: { now: () => frozenNow ?? Date.now() } });
  db = openDb(usageDbPath(h.dataDir));
  const keys = new AppKeyStore(db);
  alpha = keys.create({ name: 'alpha', limitUsd: 1, limitPeriod: 'monthly' }).key;
  beta = keys.create({ name: 'beta' }).key;
  const created = runCli(['app-keys', 'create', '--name', 'admin', '--manage', '--data-dir', h.dataDir]);
  expect(created.status, created.stderr).toBe(0);
  admin = created.stdout.split('\n')[0] as string;

  h.upstream.on('POST', '/v1/chat/completions', (req) =>
    (req.body as { stream?: boolean }).stream
      ? { sse: loadBody('openai/extracted/stream_text_include_usage.sse') }
      : {
          body: {
            id: 'c', object: 'chat.completion', created: 1, model: 'gpt-4o-mini',
            choices: [{ index: 0, message: { role: 'assistant', content: '1, 2, 3' }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 120, completion_tokens: 9, total_tokens: 129, prompt_tokens_details: { cached_tokens: 64 } },
          },
        },
  );
  h.upstream.on('POST', '/v1/embeddings', {
    body: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.5] }], usage: { prompt_tokens: 6, total_tokens: 6 } },
  });

  for (const key of [alpha, alpha, beta]) expect((await call(key, 'POST', '/v1/chat/completions', chat)).status).toBe(200);
  const streamed = await call(alpha, 'POST', '/v1/chat/completions', { ...chat, stream: true });
  expect(await streamed.text()).toContain('[DONE]');
  expect((await call(alpha, 'POST', '/v1/embeddings', { model: 'mock/text-embedding-3-small', input: 'hello' })).status).toBe(200);
  h.upstream.on('POST', '/v1/chat/completions', { status: 503, body: { error: { message: 'overloaded' } } });
  expect((await call(alpha, 'POST', '/v1/chat/completions', chat)).status).toBe(502);
  await h.usageRows((rows) => rows.length === 6);
});
afterAll(async () => {
  db?.close();
  await h?.close();
});
afterEach(() => {
  frozenNow = undefined;
});

function rowsOf(name: string): UsageRow[] {
  const out = runCli(['usage', '--json', '--app-key', name, '--data-dir', h.dataDir]);
  expect(out.status).toBe(0);
  return JSON.parse(out.stdout) as UsageRow[];
}

describe('GET /v1/key', () => {
  it('reports usage equal to the sum of the key\'s usage rows, per period, with the remaining limit', async () => {
    const rows = rowsOf('alpha');
    expect(rows.map((r) => r.status)).toEqual([200, 200, 200, 200, 502]);
    const spent = sum(rows.map((r) => r.cost ?? 0));
    expect(spent).toBeGreaterThan(0);

    const { data } = await getJson<{ data: KeyData }>(alpha, '/v1/key');
    expect(data).toMatchObject({ label: 'alpha', limit: 1, limit_reset: 'monthly', is_free_tier: false, include_byok_in_limit: true });
    for (const value of [data.usage, data.usage_daily, data.usage_weekly, data.usage_monthly, data.byok_usage]) {
      expect(value).toBeCloseTo(spent, 12);
    }
    expect(data.limit_remaining).toBeCloseTo(1 - spent, 12);
  });

  it('is served at the OpenRouter paths too, and shows no limit for an unlimited key', async () => {
    const betaSpent = sum(rowsOf('beta').map((r) => r.cost ?? 0));
    for (const path of ['/v1/key', '/api/v1/key', '/api/v1/auth/key']) {
      const { data } = await getJson<{ data: KeyData }>(beta, path);
      expect(data).toMatchObject({ label: 'beta', limit: null, limit_remaining: null, limit_reset: null });
      expect(data.usage).toBeCloseTo(betaSpent, 12);
    }
  });

  it('moves today\'s spend out of usage_daily once the UTC day is over (fake clock), keeping the total', async () => {
    const before = (await getJson<{ data: KeyData }>(alpha, '/v1/key')).data;
    frozenNow = (Math.floor(Date.now() / DAY_MS) + 1) * DAY_MS;
    const after = (await getJson<{ data: KeyData }>(alpha, '/v1/key')).data;
    expect(after.usage_daily).toBe(0);
    expect(after.usage).toBeCloseTo(before.usage, 12);
  });

  it('needs an app key', async () => {
    const res = await fetch(`${h.gateway.url}/v1/key`);
    expect(res.status).toBe(401);
  });
});

describe('GET /v1/credits', () => {
  type Credits = { data: { total_credits: number; total_usage: number; is_byok: boolean; note: string } };

  it('says nothing is prepaid (BYOK: credits equal usage) and totals the cost of the calling key\'s requests only', async () => {
    const { data } = await getJson<Credits>(beta, '/api/v1/credits');
    expect(data.total_credits).toBe(data.total_usage);
    expect(data.is_byok).toBe(true);
    expect(data.note).toMatch(/bring-your-own-key/);
    const betaSpent = sum(rowsOf('beta').map((r) => r.cost ?? 0));
    expect(betaSpent).toBeGreaterThan(0);
    expect(data.total_usage).toBeCloseTo(betaSpent, 12);
  });

  it('totals every key\'s requests for a management key', async () => {
    const all = await h.usageRows();
    const { data } = await getJson<Credits>(admin, '/api/v1/credits');
    expect(data.total_usage).toBeCloseTo(sum(all.map((r) => r.cost ?? 0)), 12);
    expect(data.total_usage).toBeGreaterThan(sum(rowsOf('beta').map((r) => r.cost ?? 0)));
  });
});

describe('GET /v1/activity', () => {
  async function expectActivity(key: string, rows: UsageRow[]) {
    const today = new Date().toISOString().slice(0, 10);
    const { data } = await getJson<{ data: ActivityItem[] }>(key, '/v1/activity');
    const all = rows.filter((r) => r.provider !== null);
    const models = [...new Set(all.map((r) => r.model))].sort();
    expect(data.map((d) => d.model).sort()).toEqual(models);
    for (const item of data) {
      const mine = all.filter((r) => r.model === item.model && r.provider === item.provider_name);
      expect(item).toMatchObject({
        date: today,
        requests: mine.length,
        prompt_tokens: sum(mine.map((r) => r.prompt_tokens)),
        completion_tokens: sum(mine.map((r) => r.completion_tokens)),
        reasoning_tokens: sum(mine.map((r) => r.reasoning_tokens)),
        cached_tokens: sum(mine.map((r) => r.cached_tokens)),
      });
      expect(item.usage).toBeCloseTo(sum(mine.map((r) => r.cost ?? 0)), 12);
      expect(item.byok_usage_inference).toBe(item.usage);
    }
  }

  it('lists the calling key\'s requests, tokens and spend per day, model and provider from the daily rollup', async () => {
    await expectActivity(alpha, rowsOf('alpha'));
    await expectActivity(beta, rowsOf('beta'));
    expect((await getJson<{ data: ActivityItem[] }>(admin, '/v1/activity?date=2001-02-03')).data).toEqual([]);
  });

  it('lists every key\'s activity for a management key, and the key and the CLI say which keys manage', async () => {
    await expectActivity(admin, await h.usageRows());
    expect((await getJson<{ data: { is_management_key: boolean } }>(admin, '/v1/key')).data.is_management_key).toBe(true);
    expect((await getJson<{ data: { is_management_key: boolean } }>(alpha, '/v1/key')).data.is_management_key).toBe(false);
    const listed = runCli(['app-keys', 'list', '--json', '--data-dir', h.dataDir]);
    const keys = JSON.parse(listed.stdout) as { name: string; manage: boolean }[];
    // The built-in UI key comes first: the gateway creates it on its first start.
    expect(keys.map((k) => [k.name, k.manage])).toEqual([['switchyard-ui', false], ['test-tool', false], ['alpha', false], ['beta', false], ['admin', true]]);
    expect(runCli(['app-keys', 'list', '--data-dir', h.dataDir]).stdout).toMatch(/^admin\t.*\tmanage$/m);
  });

  it('filters by ?date= and rejects a malformed date', async () => {
    const today = new Date().toISOString().slice(0, 10);
    expect((await getJson<{ data: ActivityItem[] }>(alpha, `/v1/activity?date=${today}`)).data.length).toBeGreaterThan(0);
    expect((await getJson<{ data: ActivityItem[] }>(alpha, '/v1/activity?date=2001-02-03')).data).toEqual([]);
    const bad = await call(alpha, 'GET', '/v1/activity?date=yesterday');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 400, message: expect.stringContaining('YYYY-MM-DD') } });
  });
});

describe('usage export', () => {
  it('filters rows by --until as well as --since', () => {
    const rows = rowsOf('alpha');
    const third = rows[2] as UsageRow;
    const until = runCli(['usage', '--json', '--until', third.created_at, '--data-dir', h.dataDir]);
    expect(until.status).toBe(0);
    const before = JSON.parse(until.stdout) as UsageRow[];
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((r) => r.created_at < third.created_at)).toBe(true);
    const bad = runCli(['usage', '--until', 'soon', '--data-dir', h.dataDir]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--until must be an ISO date or time');
  });
});
