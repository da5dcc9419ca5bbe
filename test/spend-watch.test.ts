import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { usageDbPath } from '../src/main/core/paths.js';
import type { LimitReached } from '../src/main/core/policy/spend-watch.js';
import { AppKeyStore } from '../src/main/core/secrets/app-keys.js';
import { openDb } from '../src/main/core/usage/usage-db.js';
import { loadBody } from './helpers/fixtures.js';
import { startHarness, type Harness } from './helpers/gateway-harness.js';

let h: Harness;
const reached: LimitReached[] = [];
let changes = 0;
/** Above one request's cost ceiling (50 output tokens), below a few requests' real cost. */
const LIMIT = 0.00004;

beforeAll(async () => {
  h = await startHarness();
  // A recorded OpenAI answer (with usage), replayed for every request.
  const recorded = JSON.parse(loadBody('openai/vercel__openai-text.json')) as object;
  h.upstream.on('POST', '/v1/chat/completions', { body: recorded });
  h.gateway.spendWatch.onLimitReached((event) => reached.push(event));
  h.gateway.spendWatch.onChange(() => changes++);
});
afterAll(() => h.close());

const ask = (apiKey: string) =>
  new OpenAI({ apiKey, baseURL: h.baseURL, maxRetries: 0 }).chat.completions.create({
    model: 'mock/gpt-4o-mini',
    messages: [{ role: 'user', content: 'Say hi' }],
    max_tokens: 50,
  });

describe('SpendWatch (tray and limit notifications of the desktop app)', () => {
  it("sums today's spend from the log and tells once when a limited key reaches its limit", async () => {
    expect(h.gateway.spendWatch.today()).toMatchObject({ costUsd: 0, requests: 0 });
    const capped = new AppKeyStore(openDb(usageDbPath(h.dataDir))).create({ name: 'capped', limitUsd: LIMIT, limitPeriod: 'daily' });

    await ask(h.appKey);
    let refused = 0;
    for (let i = 0; i < 20 && refused === 0; i++) {
      await ask(capped.key).catch((err: unknown) => {
        expect((err as { status?: number }).status).toBe(402);
        refused++;
      });
    }
    expect(refused).toBe(1);
    await ask(capped.key).catch(() => undefined);

    const rows = await h.usageRows((all) => all.filter((row) => row.status === 200).length >= 2 && reached.length > 0);
    const answered = rows.filter((row) => row.status === 200);
    const expected = answered.reduce((sum, row) => sum + (row.cost ?? 0), 0);
    expect(expected).toBeGreaterThan(0);
    const today = h.gateway.spendWatch.today();
    expect(today.day).toBe(new Date().toISOString().slice(0, 10));
    expect(today.costUsd).toBeCloseTo(expected, 12);
    expect(changes).toBeGreaterThan(0);

    expect(reached).toHaveLength(1);
    const cappedSpend = answered.filter((row) => row.app_key === 'capped').reduce((sum, row) => sum + (row.cost ?? 0), 0);
    expect(cappedSpend).toBeGreaterThan(0);
    expect(reached[0]).toMatchObject({ keyName: 'capped', limitUsd: LIMIT, period: 'daily' });
    expect(reached[0]!.spentUsd).toBeCloseTo(cappedSpend, 12);
  });
});
