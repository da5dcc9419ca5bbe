import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/main/core/config/load-config.js';
import { ModelCatalog } from '../src/main/core/router/catalog.js';
import { AppKeyStore } from '../src/main/core/secrets/app-keys.js';
import { usageDbPath } from '../src/main/core/paths.js';
import { openDb } from '../src/main/core/usage/usage-db.js';
import { startHarness, type Harness } from './helpers/gateway-harness.js';
import { chat, chatPath, OK } from './routing-helpers.js';

function catalogOf(providers: Record<string, unknown>): ModelCatalog {
  return new ModelCatalog(parseConfig(JSON.stringify({ providers }), 'test-config.json'));
}

describe('"local" is declared, never guessed from the address', () => {
  it('an openai-compatible server on loopback without dataPolicy.local is cloud: needs a key, price unknown', () => {
    const catalog = catalogOf({
      tunnel: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:4000/v1', models: ['gpt-4o'] },
      named: { type: 'openai-compatible', baseUrl: 'http://localhost:4000/v1', models: ['m'] },
    });
    for (const id of ['tunnel/gpt-4o', 'named/m']) {
      const [endpoint] = catalog.resolve(id);
      expect(endpoint?.provider.local, id).toBe(false);
      expect(endpoint?.priceSource.kind, id).toBe('catalog');
    }
  });

  it('local = a local-server preset or dataPolicy.local: true (then free unless priced)', () => {
    const catalog = catalogOf({
      ollama: { type: 'ollama', models: ['llama3.2:3b'] },
      lmstudio: { type: 'lmstudio', models: ['m'] },
      llamacpp: { type: 'llamacpp', models: ['m'] },
      vllm: { type: 'vllm', models: ['m'] },
      box: { type: 'openai-compatible', baseUrl: 'http://192.168.1.20:8000/v1', models: ['m'], dataPolicy: { local: true } },
      priced: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', models: ['m'], dataPolicy: { local: true },
        pricing: { prompt: '0.000001', completion: '0.000001' } },
      // A preset pointed at a remote box can be declared not local.
      'remote-ollama': { type: 'ollama', baseUrl: 'https://ollama.example.com/v1', models: ['m'], dataPolicy: { local: false } },
    });
    for (const id of ['ollama/llama3.2:3b', 'lmstudio/m', 'llamacpp/m', 'vllm/m', 'box/m']) {
      const [endpoint] = catalog.resolve(id);
      expect(endpoint?.provider.local, id).toBe(true);
      expect(endpoint?.priceSource, id).toEqual({ kind: 'free' });
    }
    expect(catalog.resolve('priced/m')[0]?.priceSource.kind).toBe('override');
    expect(catalog.resolve('remote-ollama/m')[0]?.provider.local).toBe(false);
  });
});

describe('a loopback provider without local: true, through the gateway', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const tunnel = { type: 'openai-compatible', baseUrl: '${UPSTREAM}/tunnel/v1', models: ['m'] };

  it('is not keyless: without a provider key nothing goes upstream', async () => {
    h = await startHarness({ config: { providers: { tunnel } }, vaultKeys: {} });
    h.upstream.on('POST', chatPath('tunnel'), OK);
    const res = await chat(h, { model: 'tunnel/m' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/No API key for provider "tunnel"/);
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('is not free: a spend-limited key refuses it as unknown price, an unlimited key is charged null (unknown)', async () => {
    h = await startHarness({ config: { providers: { tunnel } }, vaultKeys: { tunnel: ['sk-tunnel'] } });
    h.upstream.on('POST', chatPath('tunnel'), OK);
    const db = openDb(usageDbPath(h.dataDir));
    const limited = new AppKeyStore(db).create({ name: 'limited', limitUsd: 5 }).key;
    db.close();
    const refused = await fetch(`${h.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${limited}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tunnel/m', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(refused.status).toBe(402);
    expect(((await refused.json()) as { error: { metadata: { endpoints: string[] } } }).error.metadata.endpoints).toEqual(['tunnel/m']);
    expect(h.upstream.requests).toHaveLength(0);

    const res = await chat(h, { model: 'tunnel/m' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { usage: { cost: number | null } }).usage.cost).toBeNull();
  });
});
