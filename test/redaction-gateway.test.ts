import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BodyLog } from '../src/main/core/policy/body-log.js';
import { PrivacyStore } from '../src/main/core/policy/privacy-store.js';
import { egressAudit } from '../src/main/core/policy/privacy-api.js';
import { usageDbPath } from '../src/main/core/paths.js';
import { AppKeyStore } from '../src/main/core/secrets/app-keys.js';
import { openDb, type Db } from '../src/main/core/usage/usage-db.js';
import { UsageQueries } from '../src/main/core/usage/usage-queries.js';
import { startHarness, type Harness } from './helpers/gateway-harness.js';
import type { UpstreamRequest } from './helpers/mock-upstream.js';
import { openAiEcho, placeholdersIn } from './helpers/placeholder-streams.js';

const SECRET = 'AKIAZ7XTQ4PL2MNB6WUD';
const EMAIL = 'zoë.müller@example.com';
const PROMPT = `Deploy with key ${SECRET} and mail ${EMAIL} when done 🙂`;

/** The text of the last user message as the upstream got it (OpenAI or Anthropic shape). */
function upstreamPrompt(req: UpstreamRequest): string {
  const messages = (req.body as { messages: { content: string | { text?: string }[] }[] }).messages;
  const content = messages.at(-1)!.content;
  return typeof content === 'string' ? content : content.map((p) => p.text ?? '').join('');
}

function anthropicEcho(text: string): string {
  const event = (name: string, data: object) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
  return [
    event('message_start', { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-x', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 1 } } }),
    event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    ...[...text].map((ch) => event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ch } })),
    event('content_block_stop', { type: 'content_block_stop', index: 0 }),
    event('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 9 } }),
    event('message_stop', { type: 'message_stop' }),
  ].join('');
}

let h: Harness;
let db: Db;
let key: string;

beforeAll(async () => {
  h = await startHarness({
    config: {
      providers: {
        mock: { type: 'openai-compatible', baseUrl: '${UPSTREAM}/v1', models: ['gpt-4o-mini'], pricing: { prompt: '0.000001', completion: '0.000001' } },
        claude: { type: 'anthropic', baseUrl: '${UPSTREAM}/anth/v1', models: ['claude-x'], pricing: { prompt: '0.000001', completion: '0.000001' } },
      },
    },
    vaultKeys: { mock: ['k-mock'], claude: ['k-claude'] },
  });
  h.upstream.on('POST', '/v1/chat/completions', (req) => {
    const text = upstreamPrompt(req);
    if ((req.body as { stream?: boolean }).stream) return { sse: openAiEcho(text) };
    return { body: { id: 'c1', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 } } };
  });
  h.upstream.on('POST', '/anth/v1/messages', (req) => {
    const text = upstreamPrompt(req);
    if ((req.body as { stream?: boolean }).stream) return { sse: anthropicEcho(text) };
    return { body: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-x', content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 5, output_tokens: 9 } } };
  });
  db = openDb(usageDbPath(h.dataDir));
  const created = new AppKeyStore(db).create({ name: 'redacting' });
  key = created.key;
  new PrivacyStore(db).setForKey(created.appKey.id, { redaction: { mode: 'reversible' } });
  await new Promise((r) => setTimeout(r, 150));
});
afterAll(async () => {
  db.close();
  await h.close();
});

function lastUpstream(): string {
  return upstreamPrompt(h.upstream.requests.at(-1)!);
}

function expectRedactedUpstream(): void {
  const sent = lastUpstream();
  expect(sent).not.toContain(SECRET);
  expect(sent).not.toContain(EMAIL);
  expect(placeholdersIn(sent)).toEqual(['[[AWS_ACCESS_KEY_1]]', '[[EMAIL_1]]']);
}

describe('reversible redaction through the gateway', () => {
  it('/v1/chat/completions JSON (openai SDK): placeholders go up, originals come back', async () => {
    const client = new OpenAI({ baseURL: h.baseURL, apiKey: key, maxRetries: 0 });
    const answer = await client.chat.completions.create({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }] });
    expectRedactedUpstream();
    expect(answer.choices[0]?.message.content).toBe(PROMPT);
  });

  it('/v1/chat/completions SSE, one character per chunk, content and tool-call arguments restored', async () => {
    const client = new OpenAI({ baseURL: h.baseURL, apiKey: key, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'mock/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: PROMPT }] });
    let content = '';
    let args = '';
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta.content ?? '';
      args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
    }
    expectRedactedUpstream();
    expect(content).toBe(PROMPT);
    expect(JSON.parse(args)).toEqual({ to: `${SECRET},${EMAIL}` });
  });

  it('/v1/messages (Anthropic SDK) to an Anthropic provider, JSON and stream', async () => {
    const client = new Anthropic({ baseURL: h.gateway.url, apiKey: key, maxRetries: 0 });
    const message = await client.messages.create({ model: 'claude/claude-x', max_tokens: 100, messages: [{ role: 'user', content: PROMPT }] });
    expectRedactedUpstream();
    expect(message.content[0]).toMatchObject({ type: 'text', text: PROMPT });
    const stream = client.messages.stream({ model: 'claude/claude-x', max_tokens: 100, messages: [{ role: 'user', content: PROMPT }] });
    let text = '';
    stream.on('text', (delta) => (text += delta));
    await stream.finalMessage();
    expectRedactedUpstream();
    expect(text).toBe(PROMPT);
  });

  it('/v1/messages translated to an OpenAI-compatible provider, streamed', async () => {
    const client = new Anthropic({ baseURL: h.gateway.url, apiKey: key, maxRetries: 0 });
    const stream = client.messages.stream({ model: 'mock/gpt-4o-mini', max_tokens: 100, messages: [{ role: 'user', content: PROMPT }] });
    const final = await stream.finalMessage();
    expectRedactedUpstream();
    expect(final.content.find((b) => b.type === 'text')).toMatchObject({ text: PROMPT });
    expect(final.content.find((b) => b.type === 'tool_use')).toMatchObject({ input: { to: `${SECRET},${EMAIL}` } });
  });

  it('audits counts by kind, never values; the values are nowhere in the data dir', async () => {
    await h.usageRows((rows) => rows.filter((r) => r.app_key === 'redacting').length >= 5);
    const audit = egressAudit(new UsageQueries(db), { appKey: 'redacting' });
    expect(audit).toHaveLength(5);
    for (const row of audit) expect(row.redacted).toEqual({ aws_access_key: 1, email: 1 });
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
    for (const file of files(h.dataDir)) {
      const bytes = readFileSync(file);
      expect(bytes.includes(SECRET), file).toBe(false);
      expect(bytes.includes(EMAIL), file).toBe(false);
    }
  });

  it('a key that both redacts and logs keeps only what left: placeholders, never the values', async () => {
    const { key: both, appKey } = new AppKeyStore(db).create({ name: 'redact-and-log' });
    new PrivacyStore(db).setForKey(appKey.id, { redaction: { mode: 'reversible' }, logging: { bodies: true } });
    await new Promise((r) => setTimeout(r, 150));
    const client = new OpenAI({ baseURL: h.baseURL, apiKey: both, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'mock/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: PROMPT }] });
    let content = '';
    for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? '';
    expect(content).toBe(PROMPT);
    await h.usageRows((rows) => rows.some((r) => r.app_key === 'redact-and-log'));
    const [logged] = new BodyLog(db).history(appKey.id);
    expect(logged?.prompt).toContain('[[AWS_ACCESS_KEY_1]]');
    expect(logged?.completion).toContain('[[EMAIL_1]]');
    for (const text of [logged?.prompt, logged?.completion]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(EMAIL);
    }
  });

  it('a key without redaction sends the prompt as written', async () => {
    const client = new OpenAI({ baseURL: h.baseURL, apiKey: h.appKey, maxRetries: 0 });
    await client.chat.completions.create({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }] });
    expect(lastUpstream()).toBe(PROMPT);
  });

  it('fails closed: a detector that errors blocks the request before anything goes upstream', async () => {
    const { key: broken, appKey } = new AppKeyStore(db).create({ name: 'broken-pattern' });
    // Written past the API's validation, as an older version or a hand edit could leave it.
    db.prepare('INSERT INTO app_key_privacy (app_key_id, settings) VALUES (?, ?)').run(appKey.id, JSON.stringify({
      rules: { dataCollection: 'allow', zdr: false, localOnly: false },
      logging: { bodies: false, retentionDays: 30 },
      redaction: { mode: 'mask', secrets: true, pii: true, custom: [{ name: 'bad', pattern: '(unclosed' }], allow: [], attachments: 'block' },
    }));
    await new Promise((r) => setTimeout(r, 150));
    const before = h.upstream.requests.length;
    const res = await fetch(`${h.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${broken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }] }),
    });
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { message: string; metadata: { reason: string; detector: string } } };
    expect(body.error.metadata).toMatchObject({ reason: 'redaction_failed', detector: 'custom patterns' });
    expect(body.error.message).toContain('nothing left this machine');
    expect(h.upstream.requests.length).toBe(before);
  });
});
