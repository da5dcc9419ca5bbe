/**
 * The Activity features of the control API through a real gateway, the openai SDK and mock
 * providers: the time filter, replaying a logged request against another model (logged under
 * the UI's key, linked to the original, refused with its reason where no prompt was logged),
 * and the `circuits` event and list when an endpoint's circuit opens and closes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityDetail, ActivityPage } from '../src/shared/control/activity.js';
import type { OpenCircuitView } from '../src/shared/control/circuits.js';
import { startGateway, type RunningGateway } from '../src/main/core/gateway.js';
import { startChatUpstream } from './helpers/chat-upstream.js';
import { signIn, type ControlClient } from './helpers/control-client.js';
import { memoryVault } from './helpers/memory-vault.js';
import { startMockUpstream, type MockUpstream } from './helpers/mock-upstream.js';

const UPSTREAM_KEY = 'sk-mock-upstream-3c9e1a7b5d20';
const HOUR_MS = 3_600_000;
const COOLDOWN_MS = 400;

let dataDir: string;
let upstream: MockUpstream;
let flaky: MockUpstream;
let flakyDown = true;
let gateway: RunningGateway;
let api: ControlClient;
/** Added to the gateway's clock: rows are stamped in the past by moving it back. */
let clockOffset = 0;
let loggedKey: string;
let quietKey: string;

function sdk(apiKey: string): OpenAI {
  return new OpenAI({ apiKey, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
}

async function page(query: string): Promise<ActivityPage> {
  const res = await api.call('GET', `/activity?${query}`);
  expect(res.status, res.text).toBe(200);
  return res.json as ActivityPage;
}

async function detail(id: string): Promise<ActivityDetail> {
  const res = await api.call('GET', `/activity/${id}`);
  expect(res.status, res.text).toBe(200);
  return res.json as ActivityDetail;
}

/** The row of a generation id once the batched writer committed it. */
async function committed(id: string): Promise<ActivityDetail> {
  await expect.poll(async () => (await api.call('GET', `/activity/${id}`)).status, { timeout: 10_000 }).toBe(200);
  return detail(id);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'switchyard-replay-'));
  upstream = await startChatUpstream(UPSTREAM_KEY);
  flaky = await startMockUpstream();
  flaky.on('POST', '/v1/chat/completions', () =>
    flakyDown
      ? { status: 500, body: { error: { message: 'upstream is down', type: 'server_error' } } }
      : { body: { id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'back' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } } },
  );
  const configPath = join(dataDir, 'config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      routing: { cooldownMs: COOLDOWN_MS, backoffMs: 1 },
      providers: {
        mock: { type: 'openai-compatible', baseUrl: `${upstream.url}/v1`, apiKeyEnv: 'MOCK_KEY', models: ['gpt-4o-mini', 'gpt-4o'], pricing: { prompt: '0.0001', completion: '0.001' } },
        flaky: { type: 'openai-compatible', baseUrl: `${flaky.url}/v1`, apiKeyEnv: 'MOCK_KEY', models: ['m'] },
      },
    }),
  );
  gateway = await startGateway({ dataDir, configPath, port: 0, vault: memoryVault(), env: { MOCK_KEY: UPSTREAM_KEY }, now: () => Date.now() + clockOffset });
  api = await signIn(gateway);
  loggedKey = ((await api.call('POST', '/app-keys', { name: 'logged' })).json as { key: string }).key;
  quietKey = ((await api.call('POST', '/app-keys', { name: 'quiet' })).json as { key: string }).key;
  const optIn = await api.call('PATCH', '/privacy/keys/logged', { logging: { bodies: true } });
  expect(optIn.status, optIn.text).toBe(200);
});

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
  await flaky?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Activity time filter', () => {
  it('bounds the page by the request start time, keyset-paged', async () => {
    clockOffset = -2 * HOUR_MS;
    const old = await sdk(quietKey).chat.completions.create({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'two hours ago' }] });
    clockOffset = 0;
    const recent = await sdk(quietKey).chat.completions.create({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'just now' }] });
    await committed(old.id);
    await committed(recent.id);
    const now = Date.now();
    const ids = async (query: string) => (await page(`appKey=quiet&${query}`)).rows.map((r) => r.id);
    expect(await ids(`since=${now - HOUR_MS}`)).toEqual([recent.id]);
    expect(await ids(`until=${now - HOUR_MS}`)).toEqual([old.id]);
    expect(await ids(`since=${now - 3 * HOUR_MS}&until=${now + 1000}`)).toEqual([recent.id, old.id]);
    // One row a page: the second page is found by its key, inside the same range.
    const first = await page(`appKey=quiet&since=${now - 3 * HOUR_MS}&limit=1`);
    expect(first.rows.map((r) => r.id)).toEqual([recent.id]);
    const second = await page(`appKey=quiet&since=${now - 3 * HOUR_MS}&limit=1&before=${first.nextBefore}`);
    expect(second.rows.map((r) => r.id)).toEqual([old.id]);
    const bad = await api.call('GET', '/activity?since=yesterday');
    expect(bad.status).toBe(400);
    expect((bad.json as { error: { message: string } }).error.message).toMatch(/since/);
  });
});

describe('replay', () => {
  it('replays a logged request against another model under the UI key, linked to the original', async () => {
    const original = await sdk(loggedKey).chat.completions.create({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'compare me' }], stream: true, stream_options: { include_usage: true } });
    let id = '';
    for await (const chunk of original) id ||= chunk.id;
    const before = await committed(id);
    expect(before.replay).toEqual({ available: true, reason: null });
    expect(before.replays).toEqual([]);
    const answer = await api.call('GET', `/activity/${id}/answer`);
    expect(answer.json).toEqual({ id, model: 'mock/gpt-4o-mini', text: '**gpt-4o-mini** answers: compare me.' });

    const replayed = await api.call('POST', `/activity/${id}/replay`, { model: 'mock/gpt-4o' });
    expect(replayed.status, replayed.text).toBe(200);
    const completion = replayed.json as OpenAI.Chat.ChatCompletion;
    expect(completion.choices[0]?.message.content).toBe('**gpt-4o** answers: compare me.');
    expect(replayed.headers.get('x-generation-id')).toBe(completion.id);
    // The upstream got the logged prompt, as one JSON answer.
    const sent = upstream.requests.at(-1)?.body as { model: string; stream?: boolean; messages: unknown };
    expect(sent).toMatchObject({ model: 'gpt-4o', messages: [{ role: 'user', content: 'compare me' }] });
    expect(sent.stream).not.toBe(true);

    const row = await committed(completion.id);
    expect(row).toMatchObject({ appKey: 'switchyard-ui', model: 'mock/gpt-4o', status: 200, replayOf: id });
    expect(row.cost).toBeCloseTo(12 * 0.0001 + 4 * 0.001, 10);
    expect((await detail(id)).replays).toEqual([completion.id]);
    // Without a model it goes to the original's.
    const again = await api.call('POST', `/activity/${id}/replay`, {});
    expect((again.json as OpenAI.Chat.ChatCompletion).choices[0]?.message.content).toBe('**gpt-4o-mini** answers: compare me.');
  });

  it('says why a request cannot be replayed, and refuses bad input in the OpenAI error shape', async () => {
    const quiet = await sdk(quietKey).chat.completions.create({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'not logged' }] });
    const row = await committed(quiet.id);
    expect(row.replay.available).toBe(false);
    expect(row.replay.reason).toMatch(/prompt was not logged.*“quiet”.*Privacy/);
    const refused = await api.call('POST', `/activity/${quiet.id}/replay`, {});
    expect(refused.status).toBe(409);
    expect((refused.json as { error: { code: number; message: string } }).error).toMatchObject({ code: 409, message: row.replay.reason });
    expect((await api.call('GET', `/activity/${quiet.id}/answer`)).status).toBe(409);
    expect((await api.call('POST', '/activity/gen-nope/replay', {})).status).toBe(404);

    const logged = await sdk(loggedKey).chat.completions.create({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    await committed(logged.id);
    // A JSON answer is read like a streamed one.
    expect((await api.call('GET', `/activity/${logged.id}/answer`)).json).toEqual({ id: logged.id, model: 'mock/gpt-4o-mini', text: '**gpt-4o-mini** answers: x.' });
    const badModel = await api.call('POST', `/activity/${logged.id}/replay`, { model: 5 });
    expect(badModel.status).toBe(400);
    expect((badModel.json as { error: { message: string } }).error.message).toMatch(/model/);
    const unknownModel = await api.call('POST', `/activity/${logged.id}/replay`, { model: 'nowhere/none' });
    expect(unknownModel.status).toBe(404);
    expect((unknownModel.json as { error: { message: string } }).error.message).toMatch(/not served/);
  });

  it('goes through the spend gate of the UI key: a limit it reached refuses the replay with 402', async () => {
    const logged = await sdk(loggedKey).chat.completions.create({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'limit me' }] });
    await committed(logged.id);
    const keys = (await api.call('GET', '/app-keys')).json as { keys: { id: number; builtIn: boolean }[] };
    const ui = keys.keys.find((k) => k.builtIn)?.id;
    expect((await api.call('PATCH', `/app-keys/${ui}`, { limitUsd: 0, limitPeriod: 'daily' })).status).toBe(200);
    const refused = await api.call('POST', `/activity/${logged.id}/replay`, { model: 'mock/gpt-4o' });
    expect(refused.status).toBe(402);
    expect((await api.call('PATCH', `/app-keys/${ui}`, { limitUsd: null })).status).toBe(200);
  });
});

describe('circuit events', () => {
  it('announces a provider endpoint whose circuit opened, lists it, and announces when it closes', async () => {
    const events = await fetch(`${gateway.url}/_app/api/events`, { headers: { cookie: api.cookie } });
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    let seen = '';
    const waitFor = async (text: string) => {
      const deadline = Date.now() + 10_000;
      while (!seen.includes(text) && Date.now() < deadline) seen += new TextDecoder().decode((await reader.read()).value);
      expect(seen).toContain(text);
    };
    // A 500 is not retried on the same endpoint: three requests, three failures in a row.
    for (let i = 0; i < 3; i++) {
      const failed = await sdk(quietKey).chat.completions.create({ model: 'flaky/m', messages: [{ role: 'user', content: 'hi' }] }).catch((err: unknown) => err);
      expect(failed).toBeInstanceOf(OpenAI.APIError);
      if (i < 2) expect(((await api.call('GET', '/circuits')).json as { circuits: unknown[] }).circuits).toEqual([]);
    }
    await waitFor('event: circuits');
    const open = (await api.call('GET', '/circuits')).json as { circuits: OpenCircuitView[] };
    expect(open.circuits).toEqual([{ endpoint: 'flaky/m', provider: 'flaky', state: 'open', consecutiveFailures: 3, openedAt: expect.any(Number), retryAt: expect.any(Number) }]);
    expect(open.circuits[0]!.retryAt - open.circuits[0]!.openedAt).toBe(COOLDOWN_MS);

    seen = '';
    flakyDown = false;
    await new Promise((resolve) => setTimeout(resolve, COOLDOWN_MS + 50));
    const back = await sdk(quietKey).chat.completions.create({ model: 'flaky/m', messages: [{ role: 'user', content: 'hi' }] });
    expect(back.choices[0]?.message.content).toBe('back');
    await waitFor('event: circuits');
    expect(((await api.call('GET', '/circuits')).json as { circuits: unknown[] }).circuits).toEqual([]);
    await reader.cancel();
    expect((await fetch(`${gateway.url}/_app/api/circuits`)).status).toBe(401);
  });
});
