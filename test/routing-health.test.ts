import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { parseConfig } from '../src/main/core/config/load-config.js';
import { openAiCompatibleAdapter } from '../src/main/core/providers/openai-compatible/openai-adapter.js';
import { ModelCatalog } from '../src/main/core/router/catalog.js';
import { startModelDiscovery } from '../src/main/core/router/model-discovery.js';
import { ProviderKeys } from '../src/main/core/secrets/provider-keys.js';
import { startGateway } from '../src/main/core/gateway.js';
import { memoryVault } from './helpers/memory-vault.js';
import { startHarness, type Harness } from './helpers/gateway-harness.js';
import { startMockUpstream, type MockUpstream } from './helpers/mock-upstream.js';
import { chat, chatPath, generation, getJson, hits, mockProvider, OK, pause, PRICE, sharedModel, trail } from './routing-helpers.js';

let h: Harness | undefined;
let mock: MockUpstream | undefined;
afterEach(async () => {
  await h?.close();
  await mock?.close();
  h = undefined;
  mock = undefined;
});

interface EndpointJson {
  name: string;
  provider_name: string;
  context_length: number | null;
  pricing: { prompt: string; completion: string } | null;
  supported_parameters: string[];
  status: number;
  uptime_last_30m: number | null;
  latency_last_30m: { p50: number; p75: number; p90: number; p99: number } | null;
  throughput_last_30m: { p50: number } | null;
  health: { requests: number; errors: number; error_rate: number | null; latency_p50_ms: number | null; circuit: string };
}

/** a: cheap but slow (200 ms before it answers); b: dearer and fast. */
async function slowAndFast() {
  const harness = await startHarness({
    config: {
      providers: { a: mockProvider('a', { pricing: PRICE.cheap }), b: mockProvider('b', { pricing: PRICE.mid }) },
      models: { shared: sharedModel(['a', 'b'], { a: { contextLength: 8192 } }) },
    },
  });
  harness.upstream.on('POST', chatPath('a'), { ...OK, delayMs: 200 });
  harness.upstream.on('POST', chatPath('b'), OK);
  for (const only of ['a', 'b', 'a', 'b']) {
    expect((await chat(harness, { model: 'shared', provider: { only: [only] } })).status).toBe(200);
  }
  await harness.usageRows((all) => all.length === 4);
  return harness;
}

describe('endpoint health', () => {
  it('GET /v1/models/{id}/endpoints shows each endpoint with price, uptime, latency and throughput from the usage log', async () => {
    h = await slowAndFast();
    h.upstream.on('POST', chatPath('b'), { status: 500, body: { error: { message: 'down' } } });
    expect((await chat(h, { model: 'shared', provider: { only: ['b'] } })).status).toBe(502);
    await h.usageRows((all) => all.length === 5);

    const listing = await getJson<{ data: { id: string; architecture: { input_modalities: string[] }; endpoints: EndpointJson[] } }>(
      h, '/models/shared/endpoints',
    );
    expect(listing.data.id).toBe('shared');
    expect(listing.data.architecture.input_modalities).toEqual(['text']);
    const [a, b] = listing.data.endpoints;
    expect(a).toMatchObject({
      name: 'a: m',
      provider_name: 'a',
      context_length: 8192,
      pricing: { prompt: PRICE.cheap.prompt, completion: PRICE.cheap.completion },
      status: 0,
      uptime_last_30m: 100,
      health: { requests: 2, errors: 0, error_rate: 0, circuit: 'closed' },
    });
    expect(a?.supported_parameters).toContain('tools');
    expect(a?.latency_last_30m?.p50).toBeGreaterThanOrEqual(200);
    expect(b?.latency_last_30m?.p50).toBeLessThan(a?.latency_last_30m?.p50 as number);
    expect(b?.throughput_last_30m?.p50).toBeGreaterThan(a?.throughput_last_30m?.p50 as number);
    expect(b).toMatchObject({ uptime_last_30m: 66.67, health: { requests: 3, errors: 1 } });
    expect(b?.health.error_rate).toBeCloseTo(1 / 3);

    // The OpenRouter path form works too, and an unknown model is a 404.
    const res = await fetch(`${h.gateway.url}/api/v1/models/nope/nothing/endpoints`, { headers: { authorization: `Bearer ${h.appKey}` } });
    expect(res.status).toBe(404);
  });

  it('sort: latency and :nitro (throughput) follow the measured figures; the default still prefers the cheaper', async () => {
    h = await slowAndFast();
    const before = hits(h).length;
    const byLatency = await chat(h, { model: 'shared', provider: { sort: 'latency' } });
    expect(((await byLatency.json()) as { provider: string }).provider).toBe('b');
    const nitro = await chat(h, { model: 'shared:nitro', messages: [{ role: 'user', content: 'another conversation' }] });
    expect(((await nitro.json()) as { provider: string }).provider).toBe('b');
    const byDefault = await chat(h, { model: 'shared', messages: [{ role: 'user', content: 'a third conversation' }] });
    expect(((await byDefault.json()) as { provider: string }).provider).toBe('a');
    expect(hits(h).slice(before)).toEqual(['b', 'b', 'a']);
  });

  it('seeds health from the usage log when the gateway starts again', async () => {
    h = await slowAndFast();
    const dataDir = h.dataDir;
    await h.gateway.close();
    const config = parseConfig(JSON.stringify({
      providers: { a: mockProvider('a', { pricing: PRICE.cheap }), b: mockProvider('b', { pricing: PRICE.mid }) },
      models: { shared: sharedModel(['a', 'b']) },
    }).replaceAll('${UPSTREAM}', h.upstream.url), 'test-config.json');
    const again = await startGateway({ dataDir, config, port: 0, vault: memoryVault(), env: {} });
    try {
      const res = await fetch(`${again.url}/v1/models/shared/endpoints`, { headers: { authorization: `Bearer ${h.appKey}` } });
      const listing = (await res.json()) as { data: { endpoints: EndpointJson[] } };
      expect(listing.data.endpoints.map((e) => e.health.requests)).toEqual([2, 2]);
      expect(listing.data.endpoints[0]?.health.latency_p50_ms).toBeGreaterThanOrEqual(200);
    } finally {
      await again.close();
    }
  });
});

describe('prompt-cache stickiness', () => {
  it('keeps a conversation on the endpoint that answered it while that endpoint stays healthy', async () => {
    h = await startHarness({
      config: {
        providers: { a: mockProvider('a', { pricing: PRICE.cheap }), b: mockProvider('b', { pricing: PRICE.mid }) },
        models: { shared: sharedModel(['a', 'b']) },
      },
    });
    let aFails = 1;
    h.upstream.on('POST', chatPath('a'), () => (aFails-- > 0 ? { status: 500, body: { error: { message: 'blip' } } } : OK));
    let bFails = 0;
    h.upstream.on('POST', chatPath('b'), () => (bFails-- > 0 ? { status: 500, body: { error: { message: 'blip' } } } : OK));
    const system = { role: 'system', content: 'You are a helpful assistant.' };
    const opening = [system, { role: 'user', content: 'Plan a trip' }];

    // Turn 1: a fails once, so b answers and the conversation lives there.
    expect((await chat(h, { model: 'shared', messages: opening })).status).toBe(200);
    // Turn 2: a is healthy again and cheaper, but b holds the warm cache.
    const turn2 = await chat(h, { model: 'shared', messages: [...opening, { role: 'assistant', content: 'Where to?' }, { role: 'user', content: 'Rome' }] });
    const gen2 = await generation(h, turn2);
    expect(trail(gen2)).toEqual(['b:ok']);
    expect(gen2.attempts[0]?.detail).toContain('prompt cache');
    // Another conversation, and the same conversation from another app key, go by the default order.
    expect(((await (await chat(h, { model: 'shared', messages: [system, { role: 'user', content: 'Other' }] })).json()) as { provider: string }).provider).toBe('a');
    const other = h.createAppKey('other-tool');
    const otherRes = await fetch(`${h.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${other}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'shared', messages: opening }),
    });
    expect(((await otherRes.json()) as { provider: string }).provider).toBe('a');
    // Turn 3: b fails, a answers; turn 4 follows the conversation to a.
    bFails = 1;
    expect((await chat(h, { model: 'shared', messages: [...opening, { role: 'user', content: 'turn 3' }] })).status).toBe(200);
    // Health is read from committed rows: without turn 3's, a looks 1 error in 3 (degraded) or
    // 1 in 4 depending on the writer's batch timing. Wait for it, so the test is about stickiness.
    await h.usageRows((rows) => rows.length >= 5);
    const turn4 = await chat(h, { model: 'shared', messages: [...opening, { role: 'user', content: 'turn 4' }] });
    expect(trail(await generation(h, turn4))).toEqual(['a:ok']);
    expect(hits(h)).toEqual(['a', 'b', 'b', 'a', 'a', 'b', 'a', 'a']);
  });

  it('does not override an explicit order or sort', async () => {
    h = await startHarness({
      config: {
        providers: { a: mockProvider('a', { pricing: PRICE.cheap }), b: mockProvider('b', { pricing: PRICE.mid }) },
        models: { shared: sharedModel(['a', 'b']) },
      },
    });
    h.upstream.on('POST', chatPath('a'), OK);
    h.upstream.on('POST', chatPath('b'), OK);
    expect((await chat(h, { model: 'shared', provider: { order: ['b'] } })).status).toBe(200);
    expect((await chat(h, { model: 'shared', provider: { order: ['b'] } })).status).toBe(200);
    expect((await chat(h, { model: 'shared' })).status).toBe(200);
    expect((await chat(h, { model: 'shared', provider: { sort: 'price' } })).status).toBe(200);
    expect(hits(h)).toEqual(['b', 'b', 'a', 'a']);
  });
});

describe('GET /v1/models and discovery', () => {
  it('lists models in the OpenRouter shape', async () => {
    h = await startHarness({
      config: {
        providers: {
          a: mockProvider('a', { pricing: PRICE.mid, supportedParameters: ['temperature', 'max_tokens'] }),
          c: mockProvider('c', { pricing: PRICE.cheap }),
        },
        models: { shared: sharedModel(['a', 'c'], { a: { contextLength: 32_000 }, c: { contextLength: 128_000 } }) },
      },
    });
    type ModelJson = {
      id: string; name: string; context_length: number | null; pricing: { prompt: string; completion: string; request: string } | null;
      supported_parameters: string[]; architecture: { modality: string; input_modalities: string[]; output_modalities: string[] };
    };
    const { data } = await getJson<{ data: ModelJson[] }>(h, '/models');
    const shared = data.find((m) => m.id === 'shared');
    expect(shared).toMatchObject({
      name: 'shared',
      context_length: 128_000,
      pricing: { prompt: PRICE.cheap.prompt, completion: PRICE.cheap.completion, request: '0' },
      architecture: { modality: 'text->text', input_modalities: ['text'], output_modalities: ['text'] },
    });
    expect(shared?.supported_parameters).toEqual(expect.arrayContaining(['tools', 'temperature', 'response_format']));
    const onlyA = data.find((m) => m.id === 'a/m');
    expect(onlyA?.supported_parameters.sort()).toEqual(['max_tokens', 'temperature']);
    expect(onlyA?.context_length).toBeNull();
  });

  it('asks a provider without a models list what it serves, in the background, with what its listing tells', async () => {
    // Its own mock, with the listings in place before the gateway starts (discovery runs at start-up).
    mock = await startMockUpstream({
      'GET /stuck/v1/models': { hang: true },
      'GET /disc/v1/models': {
        body: {
          object: 'list',
          data: [{
            id: 'llama3.2:3b', name: 'Llama 3.2 3B', context_length: 131_072, supported_parameters: ['tools', 'temperature'],
            architecture: { input_modalities: ['text', 'image'], output_modalities: ['text'] },
          }],
        },
      },
      'POST /disc/v1/chat/completions': OK,
      'POST /stuck/v1/chat/completions': OK,
    });
    h = await startHarness({
      config: {
        providers: {
          disc: { type: 'openai-compatible', baseUrl: `${mock.url}/disc/v1`, dataPolicy: { local: true } },
          stuck: { type: 'openai-compatible', baseUrl: `${mock.url}/stuck/v1`, dataPolicy: { local: true } },
        },
      },
    });
    // A listing that hangs never holds up a request: the model is routed without waiting for it.
    expect((await chat(h, { model: 'stuck/anything' })).status).toBe(200);

    type ModelJson = { id: string; name: string; context_length: number; supported_parameters: string[]; architecture: { modality: string } };
    let found: ModelJson | undefined;
    for (let i = 0; i < 200 && !found; i++) {
      const { data } = await getJson<{ data: ModelJson[] }>(h, '/models');
      found = data.find((m) => m.id === 'disc/llama3.2:3b');
      if (!found) await pause(10);
    }
    expect(found).toMatchObject({
      name: 'Llama 3.2 3B', context_length: 131_072, supported_parameters: ['tools', 'temperature'], architecture: { modality: 'text+image->text' },
    });
    // A bare upstream name that one provider lists resolves to it.
    expect((await chat(h, { model: 'llama3.2:3b' })).status).toBe(200);
    const chats = mock.requests.filter((r) => r.method === 'POST').map((r) => r.path);
    expect(chats).toEqual(['/stuck/v1/chat/completions', '/disc/v1/chat/completions']);
    // Requests never trigger a listing: one per provider, at start-up.
    expect(mock.requests.filter((r) => r.method === 'GET').map((r) => r.path).sort()).toEqual(['/disc/v1/models', '/stuck/v1/models']);
  });

  it('asks a provider that could not be reached again after retryMs, and keeps what it learned', async () => {
    mock = await startMockUpstream();
    let calls = 0;
    mock.on('GET', '/v1/models', () => (++calls === 1 ? { status: 503, body: {} } : { body: { data: [{ id: 'late-model' }] } }));
    const config = parseConfig(JSON.stringify({ providers: { late: { type: 'openai-compatible', baseUrl: `${mock.url}/v1`, dataPolicy: { local: true } } } }), 'c.json');
    const catalog = new ModelCatalog(config);
    const agent = new Agent();
    const discovery = startModelDiscovery({
      catalog, adapters: { 'openai-compatible': openAiCompatibleAdapter }, keys: new ProviderKeys({ list: async () => [] }, {}), agent,
      retryMs: 30,
    });
    try {
      for (let i = 0; i < 200 && catalog.providerModels('late').length === 0; i++) await pause(10);
      expect(catalog.providerModels('late')).toEqual(['late-model']);
      expect(calls).toBe(2);
      mock.on('GET', '/v1/models', { status: 500, body: {} });
      await discovery.refresh();
      expect(catalog.providerModels('late')).toEqual(['late-model']);
    } finally {
      discovery.stop();
      await agent.close();
    }
  });
});
