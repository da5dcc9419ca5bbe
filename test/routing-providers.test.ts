import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './helpers/gateway-harness.js';
import { chat, chatPath, generation, hits, mockProvider, OK, PRICE, sharedModel, trail } from './routing-helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Providers a (dear), b (mid), c (cheap), listed in that order under the shared model `shared`. */
async function threeProviders(extra: { providers?: Record<string, Record<string, unknown>>; endpoints?: Record<string, Record<string, unknown>> } = {}) {
  const harness = await startHarness({
    config: {
      providers: {
        a: mockProvider('a', { pricing: PRICE.dear, ...extra.providers?.a }),
        b: mockProvider('b', { pricing: PRICE.mid, ...extra.providers?.b }),
        c: mockProvider('c', { pricing: PRICE.cheap, ...extra.providers?.c }),
      },
      models: { shared: sharedModel(['a', 'b', 'c'], extra.endpoints) },
    },
    vaultKeys: { a: ['key-a'], b: ['key-b'], c: ['key-c'] },
  });
  for (const name of ['a', 'b', 'c']) harness.upstream.on('POST', chatPath(name), OK);
  return harness;
}

describe('default routing', () => {
  it('prefers the cheapest healthy endpoint, and the answer says which model and provider served it', async () => {
    h = await threeProviders();
    const res = await chat(h, { model: 'shared' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { model: string; provider: string };
    expect(body).toMatchObject({ model: 'shared', provider: 'c' });
    expect(hits(h)).toEqual(['c']);
    const rows = await h.usageRows((all) => all.length === 1);
    expect(rows[0]).toMatchObject({ model: 'shared', provider: 'c', upstream_model: 'm', status: 200 });
  });

  it('ranks an endpoint that keeps failing behind healthy ones, even when it is cheaper', async () => {
    h = await startHarness({
      config: {
        providers: { a: mockProvider('a', { pricing: PRICE.dear }), c: mockProvider('c', { pricing: PRICE.cheap }) },
        models: { shared: sharedModel(['a', 'c']) },
        // A high breaker threshold: this is about the error rate, not an open circuit.
        routing: { failureThreshold: 50 },
      },
    });
    h.upstream.on('POST', chatPath('a'), OK);
    h.upstream.on('POST', chatPath('c'), { status: 500, body: { error: { message: 'boom' } } });
    // Separate conversations, so prompt-cache stickiness does not pin them to the endpoint that answered.
    for (let i = 0; i < 3; i++) {
      expect((await chat(h, { model: 'shared', messages: [{ role: 'user', content: `question ${i}` }] })).status).toBe(200);
    }
    expect(hits(h)).toEqual(['c', 'a', 'c', 'a', 'c', 'a']);
    await h.usageRows((all) => all.length === 3);
    const res = await chat(h, { model: 'shared' });
    expect(res.status).toBe(200);
    expect(hits(h).slice(6)).toEqual(['a']);
    expect(trail(await generation(h, res))).toEqual(['a:ok']);
  });
});

describe('the provider object', () => {
  it('order: listed providers first, in that order, then the others', async () => {
    h = await threeProviders();
    for (const name of ['b', 'a']) h.upstream.on('POST', chatPath(name), { status: 503, body: { error: { message: 'down' } } });
    const res = await chat(h, { model: 'shared', provider: { order: ['b', 'a'] } });
    expect(res.status).toBe(200);
    expect(hits(h)).toEqual(['b', 'a', 'c']);
  });

  it('order with allow_fallbacks false: only the listed providers, the upstream error otherwise', async () => {
    h = await threeProviders();
    h.upstream.on('POST', chatPath('b'), { status: 500, body: { error: { message: 'b is down' } } });
    const res = await chat(h, { model: 'shared', provider: { order: ['b'], allow_fallbacks: false } });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('b is down');
    expect(hits(h)).toEqual(['b']);
    const gen = await generation(h, res);
    expect(trail(gen)).toEqual(['c:skipped:fallbacks_disabled', 'a:skipped:fallbacks_disabled', 'b:failed:upstream_error']);
  });

  it('allow_fallbacks false without order: the first choice only', async () => {
    h = await threeProviders();
    h.upstream.on('POST', chatPath('c'), { status: 500, body: { error: { message: 'c is down' } } });
    const res = await chat(h, { model: 'shared', provider: { allow_fallbacks: false } });
    expect(res.status).toBe(502);
    expect(hits(h)).toEqual(['c']);
  });

  it('only and ignore filter providers, by id or by type, case-insensitively', async () => {
    h = await threeProviders();
    const only = await chat(h, { model: 'shared', provider: { only: ['A'] } });
    expect(((await only.json()) as { provider: string }).provider).toBe('a');
    const ignored = await chat(h, { model: 'shared', provider: { ignore: ['c', 'b'] } });
    expect(((await ignored.json()) as { provider: string }).provider).toBe('a');
    const gen = await generation(h, ignored);
    expect(gen.attempts.filter((a) => a.outcome === 'skipped').map((a) => [a.provider, a.reason, a.detail])).toEqual([
      ['b', 'provider_ignored', 'provider "b" is in provider.ignore'],
      ['c', 'provider_ignored', 'provider "c" is in provider.ignore'],
    ]);
    // Every provider here has type openai-compatible.
    const byType = await chat(h, { model: 'shared', provider: { ignore: ['openai-compatible'] } });
    expect(byType.status).toBe(404);
    expect(((await byType.json()) as { error: { message: string } }).error.message).toContain('provider.ignore');
    expect(hits(h)).toEqual(['a', 'a']);
  });

  it('sort: price puts the cheapest first whatever the config order', async () => {
    h = await threeProviders();
    h.upstream.on('POST', chatPath('c'), { status: 500, body: { error: { message: 'down' } } });
    const res = await chat(h, { model: 'shared', provider: { sort: 'price' } });
    expect(res.status).toBe(200);
    expect(hits(h)).toEqual(['c', 'b']);
  });

  it('data_collection deny and zdr keep only providers whose data policy says so (local ones always qualify)', async () => {
    h = await threeProviders({
      providers: {
        a: { dataPolicy: { local: false, dataCollection: 'deny', zdr: true } },
        b: { dataPolicy: { local: false, dataCollection: 'deny' } },
        c: { dataPolicy: { local: false } },
      },
    });
    const deny = await chat(h, { model: 'shared', provider: { data_collection: 'deny' } });
    expect(((await deny.json()) as { provider: string }).provider).toBe('b');
    expect(trail(await generation(h, deny))).toEqual(['c:skipped:data_policy', 'b:ok']);
    const zdr = await chat(h, { model: 'shared', provider: { zdr: true } });
    expect(((await zdr.json()) as { provider: string }).provider).toBe('a');
  });

  it('max_price (USD per million tokens) skips endpoints over it, and endpoints whose price is unknown', async () => {
    h = await threeProviders({ providers: { c: { pricing: undefined, dataPolicy: { local: false } } } });
    // c is now a remote provider on an unknown API: its price is unknown.
    const res = await chat(h, { model: 'shared', provider: { max_price: { prompt: 2, completion: '5' } } });
    expect(((await res.json()) as { provider: string }).provider).toBe('b');
    const gen = await generation(h, res);
    expect(gen.attempts.map((a) => [a.provider, a.outcome, a.reason])).toEqual([
      ['a', 'skipped', 'max_price'],
      ['c', 'skipped', 'max_price'],
      ['b', 'ok', undefined],
    ]);
    expect(gen.attempts[0]?.detail).toContain('over max_price.prompt $2/M');
    expect(gen.attempts[1]?.detail).toContain('unknown');
  });

  it('require_parameters skips endpoints that do not declare a parameter the request uses', async () => {
    h = await threeProviders({
      endpoints: { a: { supportedParameters: ['temperature', 'top_k'] } },
      providers: { b: { supportedParameters: ['temperature'] } },
    });
    const res = await chat(h, { model: 'shared', top_k: 5, temperature: 0.2, provider: { require_parameters: true } });
    expect(((await res.json()) as { provider: string }).provider).toBe('a');
    const gen = await generation(h, res);
    expect(trail(gen)).toEqual(['b:skipped:unsupported_parameters', 'c:skipped:unsupported_parameters', 'a:ok']);
    expect(gen.attempts[0]?.detail).toContain('top_k');
    // Without require_parameters the parameter goes to the cheapest endpoint, which may ignore it.
    const loose = await chat(h, { model: 'shared', top_k: 5 });
    expect(((await loose.json()) as { provider: string }).provider).toBe('c');
  });

  it('a request with tools skips endpoints that declare no tool support, as OpenRouter does', async () => {
    h = await threeProviders({ providers: { c: { supportedParameters: ['temperature', 'max_tokens'] } } });
    const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }];
    const res = await chat(h, { model: 'shared', tools });
    expect(((await res.json()) as { provider: string }).provider).toBe('b');
  });

  it('answers 400 naming the field for a malformed provider object or models list, without calling upstream', async () => {
    h = await threeProviders();
    const cases: [Record<string, unknown>, string][] = [
      [{ provider: { order: 'b' } }, 'provider.order'],
      [{ provider: { sort: 'fastest' } }, 'provider.sort'],
      [{ provider: { max_price: { prompt: -1 } } }, 'provider.max_price.prompt'],
      [{ provider: { data_collection: 'maybe' } }, 'provider.data_collection'],
      [{ models: 'shared' }, 'models'],
    ];
    for (const [extra, param] of cases) {
      const res = await chat(h, { model: 'shared', ...extra });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { message: string; metadata: { param: string } } };
      expect(body.error.metadata.param).toBe(param);
      expect(body.error.message).toContain(param);
    }
    expect(hits(h)).toEqual([]);
    // Fields this gateway has no data for are accepted, as OpenRouter clients send them.
    expect((await chat(h, { model: 'shared', provider: { quantizations: ['fp8'], sort: { by: 'price', partition: 'none' } } })).status).toBe(200);
  });
});

describe('models fallbacks', () => {
  it('tries the next model when every endpoint of the first fails; the answer, row and record name what served it', async () => {
    h = await startHarness({
      config: {
        providers: { a: mockProvider('a', { pricing: PRICE.mid }), c: mockProvider('c', { models: ['other'], pricing: PRICE.cheap }) },
        models: { shared: sharedModel(['a']) },
      },
    });
    h.upstream.on('POST', chatPath('a'), { status: 500, body: { error: { message: 'down' } } });
    h.upstream.on('POST', chatPath('c'), OK);
    const res = await chat(h, { model: 'shared', models: ['nope/unknown', 'c/other'] });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { model: string; provider: string })).toMatchObject({ model: 'c/other', provider: 'c' });
    const sent = h.upstream.requests.at(-1)?.body as { model: string };
    expect(sent.model).toBe('other');
    const rows = await h.usageRows((all) => all.length === 1);
    expect(rows[0]).toMatchObject({ model: 'c/other', provider: 'c', upstream_model: 'other' });
    const gen = await generation(h, res);
    expect(gen.attempts.map((a) => [a.model_id, a.provider, a.outcome])).toEqual([
      ['shared', 'a', 'failed'],
      ['c/other', 'c', 'ok'],
    ]);
  });

  it('sort with partition "none" ranks the endpoints of every listed model together', async () => {
    h = await startHarness({
      config: {
        providers: { a: mockProvider('a', { pricing: PRICE.dear }), c: mockProvider('c', { models: ['other'], pricing: PRICE.cheap }) },
      },
    });
    h.upstream.on('POST', chatPath('a'), OK);
    h.upstream.on('POST', chatPath('c'), OK);
    const byModel = await chat(h, { model: 'a/m', models: ['c/other'], provider: { sort: 'price' } });
    expect(((await byModel.json()) as { model: string }).model).toBe('a/m');
    const together = await chat(h, { model: 'a/m', models: ['c/other'], provider: { sort: { by: 'price', partition: 'none' } } });
    expect(((await together.json()) as { model: string }).model).toBe('c/other');
    expect(hits(h)).toEqual(['a', 'c']);
  });

  it('does not fall back on a client error the next model would repeat', async () => {
    h = await startHarness({
      config: { providers: { a: mockProvider('a'), c: mockProvider('c') } },
    });
    h.upstream.on('POST', chatPath('a'), { status: 400, body: { error: { message: 'bad messages' } } });
    h.upstream.on('POST', chatPath('c'), OK);
    const res = await chat(h, { model: 'a/m', models: ['c/m'] });
    expect(res.status).toBe(400);
    expect(hits(h)).toEqual(['a']);
  });
});

describe('variants', () => {
  it(':floor sorts by price, :free keeps only endpoints priced 0', async () => {
    h = await startHarness({
      config: {
        providers: {
          a: mockProvider('a', { pricing: PRICE.dear }),
          b: mockProvider('b', { pricing: PRICE.mid }),
          // Declared local with no pricing: free.
          local: mockProvider('local'),
        },
        models: { shared: sharedModel(['a', 'local', 'b']) },
      },
    });
    for (const name of ['a', 'b', 'local']) h.upstream.on('POST', chatPath(name), OK);
    h.upstream.on('POST', chatPath('local'), { status: 500, body: { error: { message: 'down' } } });
    const floor = await chat(h, { model: 'shared:floor' });
    expect(((await floor.json()) as { model: string; provider: string })).toMatchObject({ model: 'shared', provider: 'b' });
    expect(hits(h)).toEqual(['local', 'b']);

    h.upstream.on('POST', chatPath('local'), OK);
    const free = await chat(h, { model: 'shared:free' });
    expect(((await free.json()) as { provider: string }).provider).toBe('local');
    const gen = await generation(h, free);
    expect(trail(gen)).toEqual(['a:skipped:not_free', 'b:skipped:not_free', 'local:ok']);
    expect(gen.model).toBe('shared');
  });

  it('a model whose own name ends like a variant stays that model', async () => {
    h = await startHarness({ config: { providers: { local: mockProvider('local', { models: ['qwen:free'] }) } } });
    h.upstream.on('POST', chatPath('local'), OK);
    expect((await chat(h, { model: 'local/qwen:free' })).status).toBe(200);
    expect((h.upstream.requests[0]?.body as { model: string }).model).toBe('qwen:free');
  });

  it(':online uses native web search where the provider has one, and is a 400 naming the reason where not', async () => {
    h = await startHarness({
      config: {
        providers: {
          oa: { type: 'openai', baseUrl: '${UPSTREAM}/oa/v1', models: ['gpt-4o-search-preview'] },
          or: { type: 'openrouter', baseUrl: '${UPSTREAM}/or/v1', models: ['meta-llama/llama-3.3-70b-instruct'] },
          plain: mockProvider('plain'),
        },
      },
      vaultKeys: { oa: ['k1'], or: ['k2'] },
    });
    for (const name of ['oa', 'or', 'plain']) h.upstream.on('POST', chatPath(name), OK);
    expect((await chat(h, { model: 'oa/gpt-4o-search-preview:online' })).status).toBe(200);
    expect(h.upstream.requests[0]?.body).toMatchObject({ model: 'gpt-4o-search-preview', web_search_options: {} });

    expect((await chat(h, { model: 'or/meta-llama/llama-3.3-70b-instruct:online' })).status).toBe(200);
    expect((h.upstream.requests[1]?.body as { model: string }).model).toBe('meta-llama/llama-3.3-70b-instruct:online');

    // OpenRouter's web plugin asks for the same thing as :online.
    const plugin = await chat(h, { model: 'plain/m', plugins: [{ id: 'web' }] });
    expect(plugin.status).toBe(400);
    const online = await chat(h, { model: 'plain/m:online' });
    expect(online.status).toBe(400);
    const { error } = (await online.json()) as { error: { message: string; metadata: { reason: string } } };
    expect(error.metadata.reason).toBe('web_search_unavailable');
    expect(error.message).toContain('provider "plain" (type openai-compatible) has no native web search');
    expect(hits(h)).toEqual(['oa', 'or']);
  });
});
