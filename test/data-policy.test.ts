import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/main/core/config/load-config.js';
import { PRESET_DATA_POLICIES } from '../src/main/core/policy/provider-policies.js';
import { PrivacyStore } from '../src/main/core/policy/privacy-store.js';
import { usageDbPath } from '../src/main/core/paths.js';
import { ModelCatalog } from '../src/main/core/router/catalog.js';
import { AppKeyStore } from '../src/main/core/secrets/app-keys.js';
import { openDb, type Db } from '../src/main/core/usage/usage-db.js';
import { egressAudit } from '../src/main/core/policy/privacy-api.js';
import { UsageQueries } from '../src/main/core/usage/usage-queries.js';
import { runCli } from './helpers/cli.js';
import { startHarness, type Harness } from './helpers/gateway-harness.js';
import { startMockUpstream } from './helpers/mock-upstream.js';
import { chat, chatPath, generation, hits, mockProvider, OK, PRICE, sharedModel, trail } from './routing-helpers.js';

function providerOf(providers: Record<string, unknown>, id: string) {
  return new ModelCatalog(parseConfig(JSON.stringify({ providers }), 'c.json')).providers.get(id)!;
}

describe('data-policy metadata per provider', () => {
  it('ships the published defaults of the presets, each field with its source and the date checked', () => {
    const openai = providerOf({ openai: { type: 'openai' } }, 'openai').dataPolicy;
    expect(openai).toMatchObject({ local: false, training: 'opt-in', retentionDays: 30, zdrAvailable: 'contract' });
    for (const [type, preset] of Object.entries(PRESET_DATA_POLICIES)) {
      const policies = preset && 'tiers' in preset ? Object.values(preset.tiers) : [preset!];
      for (const policy of policies) {
        expect(policy.sources.length, type).toBeGreaterThan(0);
        for (const source of policy.sources) {
          expect(source.url, type).toMatch(/^https:\/\//);
          expect(source.checked, type).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        }
      }
    }
  });

  it('tells free and paid tiers apart where the terms differ, assuming the free tier unless told', () => {
    expect(providerOf({ g: { type: 'google' } }, 'g').dataPolicy.training).toBe('yes');
    expect(providerOf({ g: { type: 'google', dataPolicy: { tier: 'paid' } } }, 'g').dataPolicy.training).toBe('no');
    expect(providerOf({ m: { type: 'mistral' } }, 'm').dataPolicy.training).toBe('opt-out');
    expect(providerOf({ m: { type: 'mistral', dataPolicy: { tier: 'paid' } } }, 'm').dataPolicy.training).toBe('no');
  });

  it('keeps unknown unknown, and lets the config declare each field (named as from the config)', () => {
    const generic = providerOf({ x: { type: 'openai-compatible', baseUrl: 'https://llm.example.com/v1' } }, 'x').dataPolicy;
    expect(generic).toMatchObject({ training: 'unknown', retentionDays: null, zdrAvailable: 'unknown', region: null, sources: [] });
    const declared = providerOf({ openai: { type: 'openai', dataPolicy: { zdr: true, region: 'EU' } } }, 'openai').dataPolicy;
    expect(declared).toMatchObject({ training: 'opt-in', retentionDays: 0, region: 'EU' });
    expect(declared.sources.at(-1)).toEqual({ fields: ['zdr', 'region'], url: 'config', checked: null });
  });
});

describe('policy at three levels, most restrictive wins', () => {
  let h: Harness | undefined;
  let db: Db | undefined;
  afterEach(async () => {
    db?.close();
    db = undefined;
    await h?.close();
    h = undefined;
  });

  /** a: keeps nothing; b: trains on nothing but keeps 30 days; c: unknown; local: declared local. */
  async function fourProviders() {
    h = await startHarness({
      config: {
        providers: {
          a: mockProvider('a', { pricing: PRICE.dear, dataPolicy: { local: false, training: 'no', retentionDays: 0 } }),
          b: mockProvider('b', { pricing: PRICE.mid, dataPolicy: { local: false, training: 'no', retentionDays: 30 } }),
          c: mockProvider('c', { pricing: PRICE.cheap, dataPolicy: { local: false } }),
          local: mockProvider('local', { pricing: { prompt: '0.0001', completion: '0.0001' } }),
          // On loopback, but not declared local: cloud.
          tunnel: { type: 'openai-compatible', baseUrl: '${UPSTREAM}/tunnel/v1', models: ['m'], pricing: PRICE.cheap },
        },
        models: { shared: sharedModel(['a', 'b', 'c', 'local']) },
      },
      vaultKeys: { a: ['ka'], b: ['kb'], c: ['kc'], tunnel: ['kt'] },
    });
    for (const name of ['a', 'b', 'c', 'local', 'tunnel']) h.upstream.on('POST', chatPath(name), OK);
    db = openDb(usageDbPath(h.dataDir));
    return { harness: h, privacy: new PrivacyStore(db), keys: new AppKeyStore(db) };
  }

  /** The gateway re-reads settings changed by another connection within 100 ms. */
  const settle = () => new Promise((r) => setTimeout(r, 150));

  it('with no rules, routing is untouched (cheapest first)', async () => {
    const { harness } = await fourProviders();
    expect(((await (await chat(harness, { model: 'shared' })).json()) as { provider: string }).provider).toBe('c');
  });

  it('global data_collection deny skips providers that may train, and the trace names the rule', async () => {
    const { harness, privacy } = await fourProviders();
    privacy.setGlobal({ dataCollection: 'deny' });
    await settle();
    const res = await chat(harness, { model: 'shared' });
    expect(((await res.json()) as { provider: string }).provider).toBe('b');
    const gen = await generation(harness, res);
    expect(trail(gen)).toEqual(['c:skipped:data_policy', 'b:ok']);
    expect(gen.attempts[0]?.detail).toBe('data_collection: "deny", set by global settings: provider "c" may train on prompts (training: unknown)');
  });

  it('per-key zdr keeps only providers that retain nothing; a request cannot loosen it', async () => {
    const { harness, privacy, keys } = await fourProviders();
    const { key, appKey } = keys.create({ name: 'strict' });
    privacy.setForKey(appKey.id, { rules: { zdr: true } });
    await settle();
    const asStrict = (body: Record<string, unknown>) => fetch(`${harness.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], ...body }),
    });
    const res = await asStrict({ model: 'shared', provider: { zdr: false, data_collection: 'allow' } });
    expect(((await res.json()) as { provider: string }).provider).toBe('a');
    const gen = (await (await fetch(`${harness.baseURL}/generation?id=${res.headers.get('x-generation-id')}`, {
      headers: { authorization: `Bearer ${key}` },
    })).json()) as { data: Parameters<typeof trail>[0] };
    expect(trail(gen.data)).toEqual(['c:skipped:data_policy', 'b:skipped:data_policy', 'a:ok']);
    // Another key is not affected.
    expect(((await (await chat(harness, { model: 'shared' })).json()) as { provider: string }).provider).toBe('c');
  });

  it('a request can tighten: provider.local_only routes to the declared-local provider only', async () => {
    const { harness } = await fourProviders();
    const res = await chat(harness, { model: 'shared', provider: { local_only: true } });
    expect(((await res.json()) as { provider: string }).provider).toBe('local');
    const bad = await chat(harness, { model: 'shared', provider: { local_only: 'yes' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/provider\.local_only/);
  });

  it('local-only blocks every non-local provider (a loopback one not declared local too): 404 naming the rule', async () => {
    const { harness, privacy } = await fourProviders();
    privacy.setGlobal({ localOnly: true });
    await settle();
    const res = await chat(harness, { model: 'tunnel/m' });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { message: string; metadata: { data_policy: string[]; set_by: Record<string, string> } } };
    expect(body.error.message).toMatch(/^No endpoints found matching your data policy \(local_only \(set by global\)\)/);
    expect(body.error.message).toContain('provider "tunnel" is not local');
    expect(body.error.metadata).toMatchObject({ data_policy: ['local_only'], set_by: { local_only: 'global' } });
    const id = res.headers.get('x-generation-id');
    const gen = (await (await fetch(`${harness.baseURL}/generation?id=${id}`, { headers: { authorization: `Bearer ${harness.appKey}` } })).json()) as { data: { attempts: { provider: string; reason: string }[] } };
    expect(gen.data.attempts).toMatchObject([{ provider: 'tunnel', reason: 'data_policy' }]);
    expect(hits(harness)).toEqual([]);

    const key = (await (await fetch(`${harness.baseURL}/key`, { headers: { authorization: `Bearer ${harness.appKey}` } })).json()) as { data: { local_only: boolean } };
    expect(key.data.local_only).toBe(true);
    const shared = await chat(harness, { model: 'shared' });
    expect(((await shared.json()) as { provider: string }).provider).toBe('local');

    const rows = await harness.usageRows((all) => all.length >= 2);
    expect(rows[0]).toMatchObject({ status: 404, error_code: 'data_policy', provider: null });
    // The egress audit, through the policy layer and `switchyard usage --audit`.
    const audit = egressAudit(new UsageQueries(db!));
    expect(audit.map((r) => [r.provider, r.policy?.local_only, r.policy?.set_by.local_only])).toEqual([[null, true, 'global'], ['local', true, 'global']]);
    const cli = runCli(['usage', '--audit', '--json', '--data-dir', harness.dataDir]);
    expect((JSON.parse(cli.stdout) as { provider: string | null; data_policy: string }[]).map((r) => [r.provider, r.data_policy]))
      .toEqual([[null, 'local_only'], ['local', 'local_only']]);
  });

  it('an OpenRouter provider applies the rules itself: they are forwarded in the body', async () => {
    h = await startHarness({
      config: { providers: { or: { type: 'openrouter', baseUrl: '${UPSTREAM}/or/v1', models: ['meta/llama'] } } },
      vaultKeys: { or: ['k'] },
    });
    h.upstream.on('POST', chatPath('or'), OK);
    const sent = () => h!.upstream.requests.filter((r) => r.path === chatPath('or')).map((r) => (r.body as { provider?: unknown }).provider);
    // No listing could be read (the mock has none): the rules are left to OpenRouter, in the body.
    expect((await chat(h, { model: 'or/meta/llama', provider: { zdr: true, order: ['x'] } })).status).toBe(200);
    expect((await chat(h, { model: 'or/meta/llama' })).status).toBe(200);
    expect(sent()).toEqual([{ zdr: true }, undefined]);
  });

  it('OpenRouter\'s own listing of zero-retention endpoints (read in the background once needed) rules out models it cannot serve that way', async () => {
    const mock = await startMockUpstream({
      'GET /or/v1/endpoints/zdr': { body: { data: [{ model_id: 'meta/llama', provider_name: 'Fireworks', tag: 'fireworks' }] } },
      'POST /or/v1/chat/completions': OK,
    });
    try {
      h = await startHarness({
        config: { providers: { or: { type: 'openrouter', baseUrl: `${mock.url}/or/v1`, models: ['meta/llama', 'acme/chatty'] } } },
        vaultKeys: { or: ['sk-or-test'] },
      });
      // The first zdr request leaves the rule to OpenRouter and has the listing read in the background.
      expect((await chat(h, { model: 'or/acme/chatty', provider: { zdr: true } })).status).toBe(200);
      const deadline = Date.now() + 5_000;
      let refused = await chat(h, { model: 'or/acme/chatty', provider: { zdr: true } });
      while (refused.status === 200 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        refused = await chat(h, { model: 'or/acme/chatty', provider: { zdr: true } });
      }
      expect(mock.requests.find((r) => r.path === '/or/v1/endpoints/zdr')?.headers.authorization).toBe('Bearer sk-or-test');
      expect(refused.status).toBe(404);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('OpenRouter lists no zero-retention endpoint for "acme/chatty"');
      const chats = mock.requests.filter((r) => r.path === '/or/v1/chat/completions').length;
      expect((await chat(h, { model: 'or/meta/llama', provider: { zdr: true } })).status).toBe(200);
      expect(mock.requests.filter((r) => r.path === '/or/v1/chat/completions')).toHaveLength(chats + 1);
    } finally {
      await h?.close();
      h = undefined;
      await mock.close();
    }
  });
});
