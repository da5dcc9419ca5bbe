/**
 * The control API through a real gateway and a mock provider: adding a provider with a key
 * (vault, never echoed), testing a connection, config written atomically and applied without a
 * restart, GUI chats under the built-in app key, saved conversations, live events.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../src/main/core/gateway.js';
import { usageDbPath } from '../src/main/core/paths.js';
import { AppKeyStore } from '../src/main/core/secrets/app-keys.js';
import type { KeyVault } from '../src/main/core/secrets/key-vault.js';
import { openDb } from '../src/main/core/usage/usage-db.js';
import { UsageQueries } from '../src/main/core/usage/usage-queries.js';
import { toUsageRow } from '../src/main/core/usage/usage-record.js';
import { startChatUpstream } from './helpers/chat-upstream.js';
import { signIn, type ControlClient } from './helpers/control-client.js';
import { memoryVault } from './helpers/memory-vault.js';
import type { MockUpstream } from './helpers/mock-upstream.js';

const TYPED_KEY = 'sk-typed-into-the-ui-5d2e8a1f9b7c';

let dataDir: string;
let configPath: string;
let vault: KeyVault;
let upstream: MockUpstream;
let gateway: RunningGateway;
let api: ControlClient;
const bodies: string[] = [];

async function call(method: string, path: string, body?: unknown) {
  const res = await api.call(method, path, body);
  bodies.push(res.text);
  return res;
}

async function start(): Promise<void> {
  gateway = await startGateway({ dataDir, configPath, port: 0, vault, env: {} });
  api = await signIn(gateway);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'switchyard-control-'));
  configPath = join(dataDir, 'config.json');
  writeFileSync(configPath, JSON.stringify({ server: { upstreamTimeoutMs: 20_000 } }, null, 2));
  vault = memoryVault();
  upstream = await startChatUpstream(TYPED_KEY);
  await start();
});

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const ROUTES: [string, string, unknown?][] = [
  ['GET', '/status'],
  ['GET', '/providers'],
  ['POST', '/providers', { id: 'x', type: 'openai', apiKey: 'k' }],
  ['PATCH', '/providers/x', {}],
  ['DELETE', '/providers/x'],
  ['POST', '/providers/test', { type: 'openai' }],
  ['GET', '/providers/local'],
  ['GET', '/vault'],
  ['GET', '/models'],
  ['POST', '/chat/completions', { model: 'm', messages: [{ role: 'user', content: 'hi' }] }],
  ['GET', '/conversations'],
  ['POST', '/conversations', { model: 'm' }],
  ['GET', '/conversations/x'],
  ['PATCH', '/conversations/x', { title: 't' }],
  ['PUT', '/conversations/x/messages', { messages: [] }],
  ['DELETE', '/conversations/x'],
  ['GET', '/conversations/x/export'],
  ['GET', '/events'],
];

describe('without the owner cookie', () => {
  it('refuses every control route with 401 in the OpenAI error shape, and changes nothing', async () => {
    for (const [method, path, body] of ROUTES) {
      const attempts: Record<string, string>[] = [{}, { cookie: 'switchyard_session_1=forged' }, { authorization: 'Bearer sk-sy-anything' }];
      for (const headers of attempts) {
        const res = await fetch(`${gateway.url}/_app/api${path}`, {
          method,
          headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(await res.json()).toMatchObject({ error: { code: 401, message: expect.any(String) } });
      }
    }
    expect(await vault.providers()).toEqual([]);
    expect(JSON.parse(readFileSync(configPath, 'utf8'))).toEqual({ server: { upstreamTimeoutMs: 20_000 } });
  });

  it('takes JSON only, even from the owner', async () => {
    const res = await fetch(`${gateway.url}/_app/api/providers`, {
      method: 'POST',
      headers: { cookie: api.cookie, 'content-type': 'text/plain' },
      body: JSON.stringify({ id: 'x', type: 'openai', apiKey: 'k' }),
    });
    expect(res.status).toBe(415);
  });
});

describe('providers', () => {
  it('starts with none: first run', async () => {
    const res = await call('GET', '/providers');
    expect(res.json).toEqual({ providers: [] });
    expect((await call('GET', '/vault')).json).toMatchObject({ backend: 'keychain', advice: expect.any(String) });
  });

  it('tests a connection with a pasted key: lists the models, and a wrong key is refused without being echoed', async () => {
    const ok = await call('POST', '/providers/test', { type: 'openai-compatible', baseUrl: `${upstream.url}/v1`, apiKey: TYPED_KEY });
    expect(ok.json).toMatchObject({ ok: true, models: ['gpt-4o-mini', 'gpt-4o', 'o3-mini'] });
    const wrong = 'sk-wrong-key-0123456789abcdef';
    const bad = await call('POST', '/providers/test', { type: 'openai-compatible', baseUrl: `${upstream.url}/v1`, apiKey: wrong });
    expect(bad.json).toMatchObject({ ok: false, models: [] });
    expect((bad.json as { message: string }).message).toContain('401');
    expect(bad.text).not.toContain(wrong);
  });

  it('adds a provider: key into the vault, config written whole, models served at once without a restart', async () => {
    const res = await call('POST', '/providers', { id: 'mock', type: 'openai-compatible', baseUrl: `${upstream.url}/v1`, apiKey: TYPED_KEY });
    expect(res.status).toBe(200);
    expect(await vault.list('mock')).toEqual([TYPED_KEY]);
    const saved = JSON.parse(readFileSync(configPath, 'utf8'));
    expect(saved).toEqual({ server: { upstreamTimeoutMs: 20_000 }, providers: { mock: { type: 'openai-compatible', baseUrl: `${upstream.url}/v1` } } });
    expect(statSync(configPath).mode & 0o777).toBe(0o600);
    expect(readdirSync(dataDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const deadline = Date.now() + 10_000;
    let view = (await call('GET', '/providers')).json as { providers: { id: string; keySource: string; keyHint: string; models: string[] }[] };
    while (view.providers[0]?.models.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      view = (await call('GET', '/providers')).json as typeof view;
    }
    expect(view.providers[0]).toMatchObject({ id: 'mock', keySource: 'keychain', keyHint: '…9b7c', models: ['gpt-4o-mini', 'gpt-4o', 'o3-mini'] });
    const models = (await call('GET', '/models')).json as { models: { id: string; providers: string[]; variants: string[] }[] };
    expect(models.models.map((m) => m.id)).toEqual(['mock/gpt-4o-mini', 'mock/gpt-4o', 'mock/o3-mini']);
    expect(models.models[0]).toMatchObject({ providers: ['mock'], variants: expect.arrayContaining(['online']) });
    // As the provider's listing says (architecture.input_modalities): the composer warns before sending images to o3-mini.
    expect(models.models.map((m) => (m as { imageInput?: boolean | null }).imageInput)).toEqual([true, true, false]);
    // An unpriced model's price is null ("price unknown" in the picker), never OpenRouter's "-1" shown as $-1000000/M.
    expect(models.models[0]).toMatchObject({ promptPrice: null, completionPrice: null });
  });

  it('refuses an invalid provider with a 400 naming the problem, and leaves file and vault alone', async () => {
    const before = readFileSync(configPath, 'utf8');
    const noUrl = await call('POST', '/providers', { id: 'bad', type: 'openai-compatible', apiKey: 'sk-should-not-be-stored-000' });
    expect(noUrl.status).toBe(400);
    expect((noUrl.json as { error: { message: string } }).error.message).toContain('baseUrl');
    const badId = await call('POST', '/providers', { id: 'Bad Id', type: 'openai' });
    expect(badId.status).toBe(400);
    const badType = await call('POST', '/providers', { id: 'nope', type: 'no-such-type' });
    expect(badType.status).toBe(400);
    const taken = await call('POST', '/providers', { id: 'mock', type: 'openai' });
    expect(taken.status).toBe(409);
    expect(readFileSync(configPath, 'utf8')).toBe(before);
    expect(await vault.providers()).toEqual(['mock']);
  });

  it('probes the local servers on their default ports', async () => {
    const res = await call('GET', '/providers/local');
    const servers = (res.json as { servers: { type: string; baseUrl: string; reachable: boolean }[] }).servers;
    expect(servers.map((s) => [s.type, s.baseUrl])).toEqual([
      ['ollama', 'http://127.0.0.1:11434/v1'],
      ['lmstudio', 'http://127.0.0.1:1234/v1'],
      ['llamacpp', 'http://127.0.0.1:8080/v1'],
      ['vllm', 'http://127.0.0.1:8000/v1'],
    ]);
  });
});

describe('GUI chat under the built-in app key', () => {
  it('streams through the gateway path: routed, priced and logged as switchyard-ui', async () => {
    const res = await fetch(`${gateway.url}/_app/api/chat/completions`, {
      method: 'POST',
      headers: { cookie: api.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock/gpt-4o', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi there' }] }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('answers: ');
    expect(text).toContain('"usage"');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const db = openDb(usageDbPath(dataDir));
    try {
      const queries = new UsageQueries(db);
      const deadline = Date.now() + 10_000;
      while (queries.recent(5).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(toUsageRow(queries.recent(5)[0]!)).toMatchObject({ app_key: 'switchyard-ui', model: 'mock/gpt-4o', status: 200 });
    } finally {
      db.close();
    }
  });

  it('obeys the built-in key being disabled, like any tool key', async () => {
    const db = openDb(usageDbPath(dataDir));
    try {
      new AppKeyStore(db).setDisabled('switchyard-ui', true);
      const refused = await call('POST', '/chat/completions', { model: 'mock/gpt-4o', messages: [{ role: 'user', content: 'x' }] });
      expect(refused.status).toBe(403);
      new AppKeyStore(db).setDisabled('switchyard-ui', false);
    } finally {
      db.close();
    }
    const again = await call('POST', '/chat/completions', { model: 'mock/gpt-4o', messages: [{ role: 'user', content: 'x' }] });
    expect(again.status).toBe(200);
  });

  it('lets a stream that started before a provider was removed finish on the old config', async () => {
    const stream = fetch(`${gateway.url}/_app/api/chat/completions`, {
      method: 'POST',
      headers: { cookie: api.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'a long one' }] }),
    });
    const res = await stream;
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    expect((await call('DELETE', '/providers/mock')).status).toBe(200);
    expect(await vault.providers()).toEqual([]);
    expect((await call('GET', '/models')).json).toEqual({ models: [] });
    let text = '';
    const decoder = new TextDecoder();
    for (let part = await reader.read(); !part.done; part = await reader.read()) text += decoder.decode(part.value);
    expect(text).toContain('word299');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });
});

describe('conversations', () => {
  let id: string;
  const message = (role: 'user' | 'assistant', content: string, extra = {}) => ({ id: `${role}-${content.length}`, role, content, createdAt: 1, ...extra });

  it('creates, saves a thread, renames, searches and lists newest first', async () => {
    const created = await call('POST', '/conversations', { model: 'mock/gpt-4o' });
    id = (created.json as { id: string }).id;
    const meta = { model: 'mock/gpt-4o', generationId: 'gen-1', promptTokens: 12, completionTokens: 4, reasoningTokens: null, cost: 0.00012, latencyMs: 420, finishReason: 'stop' };
    const saved = await call('PUT', `/conversations/${id}/messages`, { messages: [message('user', 'what is 100% of _x_?'), message('assistant', 'It is x.', { meta, state: 'done' })] });
    expect(saved.json).toMatchObject({ messageCount: 2, totals: { tokens: 16, cost: 0.00012 } });
    await call('PATCH', `/conversations/${id}`, { title: 'Percent question' });
    await call('POST', '/conversations', { model: 'mock/o3-mini', title: 'Other' });
    const all = (await call('GET', '/conversations')).json as { conversations: { title: string }[] };
    expect(all.conversations.map((c) => c.title)).toEqual(['Other', 'Percent question']);
    for (const q of ['100%', '_x_', 'percent']) {
      const found = (await call('GET', `/conversations?q=${encodeURIComponent(q)}`)).json as { conversations: { id: string }[] };
      expect(found.conversations.map((c) => c.id), q).toEqual([id]);
    }
    expect(((await call('GET', '/conversations?q=10_')).json as { conversations: unknown[] }).conversations).toEqual([]);
  });

  it('refuses a malformed thread with 400 and an unknown conversation with 404', async () => {
    expect((await call('PUT', `/conversations/${id}/messages`, { messages: [{ role: 'system', content: 'x' }] })).status).toBe(400);
    expect((await call('GET', '/conversations/nope')).status).toBe(404);
  });

  it('exports Markdown and JSON as downloads', async () => {
    const md = await call('GET', `/conversations/${id}/export?format=markdown`);
    expect(md.headers.get('content-disposition')).toBe('attachment; filename="Percent-question.md"');
    expect(md.text).toContain('# Percent question');
    expect(md.text).toContain('## You\n\nwhat is 100% of _x_?');
    expect(md.text).toContain('## mock/gpt-4o');
    expect(md.text).toContain('12 in / 4 out tokens · $0.00012 · 0.4 s');
    const json = await call('GET', `/conversations/${id}/export?format=json`);
    expect(json.json).toMatchObject({ title: 'Percent question', messages: [{ role: 'user' }, { role: 'assistant', meta: { cost: 0.00012 } }] });
    expect((await call('GET', `/conversations/${id}/export?format=pdf`)).status).toBe(400);
  });

  it('survives a restart, and deletes', async () => {
    await gateway.close();
    await start();
    const again = (await call('GET', `/conversations/${id}`)).json as { title: string; messages: unknown[] };
    expect(again.title).toBe('Percent question');
    expect(again.messages).toHaveLength(2);
    expect((await call('DELETE', `/conversations/${id}`)).status).toBe(204);
    expect((await call('GET', `/conversations/${id}`)).status).toBe(404);
  });
});

describe('live events', () => {
  it('announces changes on one SSE stream', async () => {
    const controller = new AbortController();
    const res = await fetch(`${gateway.url}/_app/api/events`, { headers: { cookie: api.cookie }, signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let seen = '';
    await call('POST', '/conversations', { model: 'mock/gpt-4o' });
    const deadline = Date.now() + 10_000;
    while (!seen.includes('event: conversations') && Date.now() < deadline) {
      const part = await reader.read();
      if (part.done) break;
      seen += decoder.decode(part.value);
    }
    controller.abort();
    expect(seen).toContain('event: conversations');
  });
});

describe('the typed key', () => {
  it('appears in no control response, and not in the config file', () => {
    expect(bodies.length).toBeGreaterThan(20);
    for (const body of bodies) expect(body).not.toContain(TYPED_KEY);
    expect(existsSync(configPath) && readFileSync(configPath, 'utf8')).not.toContain(TYPED_KEY);
  });
});
